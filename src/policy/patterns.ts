import { BlockList, isIP } from 'node:net';

// Text patterns in the policy: "exact", "glob*" (case-insensitive), or "/regex/flags".

export type TextMatcher = (value: string) => boolean;

export class PatternError extends Error {}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** One pattern: "/…/flags" is a regular expression; otherwise `*` is a wildcard and case is ignored. */
export function compilePattern(pattern: string): TextMatcher {
  const re = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (re) {
    // Any other flag would otherwise make "/guest/g" a literal text that silently never matches.
    if (/[^imsu]/.test(re[2])) throw new PatternError(`invalid regular expression ${pattern}: only the flags i, m, s and u are allowed`);
    let rx: RegExp;
    try {
      rx = new RegExp(re[1], re[2]);
    } catch (err) {
      throw new PatternError(`invalid regular expression ${pattern}: ${(err as Error).message}`);
    }
    return (v) => rx.test(v);
  }
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) {
    const lower = pattern.toLowerCase();
    // The length shortcut only holds for ASCII: "İ" lower-cases to two UTF-16 units.
    if (!/^[\x00-\x7f]*$/.test(pattern)) return (v) => v.toLowerCase() === lower;
    return (v) => v.length === lower.length && v.toLowerCase() === lower;
  }
  const rx = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 'i');
  return (v) => rx.test(v);
}

/** Any of the patterns. */
export function compilePatterns(patterns: readonly string[]): TextMatcher {
  const matchers = patterns.map(compilePattern);
  if (matchers.length === 1) return matchers[0];
  return (v) => matchers.some((m) => m(v));
}

/** IP addresses and CIDRs (v4 and v6). */
export function compileNetworks(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits, extra] = e.split('/');
    const family = isIP(addr);
    if (!family) throw new PatternError(`"${e}" is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else {
      const prefix = Number(bits);
      if (extra !== undefined || !/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new PatternError(`"${e}" has an invalid prefix length`);
      list.addSubnet(addr, prefix, type);
    }
  }
  return (ip) => {
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * MAC patterns: a full MAC in any common format, or an OUI prefix ("00:1b:63", "00-1B-63-*", "001b63*").
 * Values are normalised "aa:bb:cc:dd:ee:ff".
 */
export function compileMacPatterns(entries: readonly string[], normalise: (s: string) => string | undefined): (mac: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const e of entries) {
    const full = normalise(e);
    if (full) {
      exact.add(full);
      continue;
    }
    const hex = e.replace(/\*$/, '').replace(/[-:.]/g, '').toLowerCase();
    if (!/^[0-9a-f]{2,10}$/.test(hex) || hex.length % 2 !== 0) {
      throw new PatternError(`"${e}" is not a MAC address or an OUI prefix (e.g. "00:1b:63" or "00:1b:63:*")`);
    }
    prefixes.push(hex.match(/../g)!.join(':'));
  }
  return (mac) => exact.has(mac) || prefixes.some((p) => mac.startsWith(p));
}
