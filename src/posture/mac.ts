// MAC addresses arrive as "AA-BB-CC-DD-EE-FF" (RFC 3580), "aabb.ccdd.eeff" (Cisco), "aabbccddeeff" (MAB
// User-Name), "AA:BB:..." — internally they are always lower-case "aa:bb:cc:dd:ee:ff".

const SEPARATED = /^([0-9a-f]{2})([-:]?)([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;
const DOTTED = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i;

/** Normalised MAC, or undefined when the text is not a MAC in a common format. */
export function normaliseMac(text: string): string | undefined {
  const s = text.trim();
  let hex: string | undefined;
  const m = SEPARATED.exec(s);
  if (m) hex = m[1] + m[3] + m[4] + m[5] + m[6] + m[7];
  else {
    const d = DOTTED.exec(s);
    if (d) hex = d[1] + d[2] + d[3];
  }
  if (!hex) return undefined;
  hex = hex.toLowerCase();
  return `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`;
}
