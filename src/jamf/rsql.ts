// RSQL filters for the Pro API (`filter=field=="value"`). Values are always quoted; `"` and `\` inside are
// escaped. Jamf matches case-insensitively and treats `*` as a wildcard, so callers re-check results exactly.

export function rsqlQuote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function rsqlEquals(field: string, value: string): string {
  return `${field}==${rsqlQuote(value)}`;
}

/** Picks the item named exactly `name`, else the only case-insensitive match. */
export function pickByName<T>(items: readonly T[], name: string, nameOf: (item: T) => string): T | undefined {
  const exact = items.find((i) => nameOf(i) === name);
  if (exact) return exact;
  const loose = items.filter((i) => nameOf(i).toLowerCase() === name.toLowerCase());
  return loose.length === 1 ? loose[0] : undefined;
}
