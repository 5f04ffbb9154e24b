/** Plain aligned columns for terminal output (no colours: admins pipe it to grep and less). */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(headers), ...cells.map(line)].join('\n');
}

export function isoSeconds(unixSeconds: number | null | undefined): string {
  return unixSeconds ? new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z') : '-';
}

export function isoMillis(ms: number | null | undefined): string {
  return ms ? new Date(ms).toISOString() : '-';
}
