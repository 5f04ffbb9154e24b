/**
 * Splits Node's subjectAltName text ("DNS:a, URI:urn:x, IP Address:10.0.0.1") into entries.
 * Node quotes a value as a JSON string when it contains a separator or quote
 * (e.g. URI:"urn:a, b"), so a naive split(', ') would cut such values.
 */

export interface SubjectAltName {
  /** "DNS", "URI", "IP Address", "email", "othername", ... as Node prints it. */
  kind: string;
  value: string;
}

export function parseSubjectAltNames(text: string | undefined): SubjectAltName[] {
  if (!text) return [];
  const out: SubjectAltName[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (i >= text.length) break;
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const kind = text.slice(i, colon);
    i = colon + 1;
    let value: string;
    if (text[i] === '"') {
      const end = findClosingQuote(text, i);
      try {
        value = JSON.parse(text.slice(i, end + 1)) as string;
      } catch {
        value = text.slice(i + 1, end);
      }
      i = end + 1;
    } else {
      const comma = text.indexOf(', ', i);
      const end = comma < 0 ? text.length : comma;
      value = text.slice(i, end);
      i = end;
    }
    out.push({ kind, value });
  }
  return out;
}

function findClosingQuote(text: string, open: number): number {
  for (let j = open + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  return text.length - 1;
}
