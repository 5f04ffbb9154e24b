// MAC addresses arrive as "AA-BB-CC-DD-EE-FF" (RFC 3580), "aabb.ccdd.eeff" (Cisco), "aabbccddeeff" (MAB
// User-Name), "AA:BB:..." — internally they are always lower-case "aa:bb:cc:dd:ee:ff".
//
// The forms Jamf stores ("AA:BB:…", bare hex) come out as flat strings: a template literal or `+` chain
// would build a V8 cons-string tree, which costs memory per stored MAC (100,000s in the posture index).

/** "AA-BB-…" or "AA:BB:…" in any case: the forms RADIUS attributes carry, so the fast path. */
const SEPARATED_17 = /^[0-9a-f]{2}([-:])[0-9a-f]{2}\1[0-9a-f]{2}\1[0-9a-f]{2}\1[0-9a-f]{2}\1[0-9a-f]{2}$/i;
const DASHES = /-/g;
const SEPARATED = /^([0-9a-f]{2})([-:]?)([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;
const DOTTED = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i;
const PAIRS = /([0-9a-f]{2})(?!$)/g;

/** True for a MAC already in the internal form (a character loop: on every lookup, cheaper than a regex). */
export function isNormalisedMac(text: string): boolean {
  if (text.length !== 17) return false;
  for (let i = 0; i < 17; i++) {
    const c = text.charCodeAt(i);
    const ok = i % 3 === 2 ? c === 0x3a : (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
    if (!ok) return false;
  }
  return true;
}

/** Normalised MAC, or undefined when the text is not a MAC in a common format. */
export function normaliseMac(text: string): string | undefined {
  if (isNormalisedMac(text)) return text;
  if (text.length === 17 && SEPARATED_17.test(text)) {
    const lower = text.toLowerCase();
    return text.charCodeAt(2) === 0x3a ? lower : lower.replace(DASHES, ':');
  }
  const s = text.trim();
  const m = SEPARATED.exec(s);
  // "AA:BB:…": lower-casing alone gives the internal form.
  if (m && m[2] === ':') return s.toLowerCase();
  let hex: string | undefined;
  if (m) hex = m[1] + m[3] + m[4] + m[5] + m[6] + m[7];
  else {
    const d = DOTTED.exec(s);
    if (d) hex = d[1] + d[2] + d[3];
  }
  // 12 characters: too short for V8 to make a cons string; the regex replace builds one flat string.
  return hex === undefined ? undefined : hex.toLowerCase().replace(PAIRS, '$1:');
}
