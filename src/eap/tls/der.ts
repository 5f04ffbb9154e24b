/**
 * Just enough DER (X.690) to read the issuer and serial of a certificate and the revoked
 * serials of a CRL. Single-octet tags only (all X.509 fields we touch use them).
 * Throws DerError on malformed input.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const DerTag = {
  Integer: 0x02,
  Sequence: 0x30,
  UtcTime: 0x17,
  GeneralizedTime: 0x18,
  ContextConstructed0: 0xa0,
} as const;

export interface DerNode {
  tag: number;
  /** The whole TLV (header + value). */
  raw: Buffer;
  value: Buffer;
}

/** Reads the TLV at `offset`; returns it and the offset just after it. */
export function readDer(buf: Buffer, offset: number): { node: DerNode; next: number } {
  if (offset + 2 > buf.length) throw new DerError('DER: truncated header');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('DER: multi-octet tags are not supported');
  let length = buf[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new DerError('DER: unsupported length form');
    if (offset + 2 + octets > buf.length) throw new DerError('DER: truncated length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buf[offset + 2 + i]!;
    header += octets;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new DerError('DER: value runs past the end');
  return {
    node: { tag, raw: buf.subarray(offset, end), value: buf.subarray(offset + header, end) },
    next: end,
  };
}

/** All TLVs directly inside a constructed value. */
export function derChildren(value: Buffer): DerNode[] {
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < value.length) {
    const { node, next } = readDer(value, offset);
    out.push(node);
    offset = next;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`DER: expected ${what}`);
  return node;
}

/** INTEGER content as upper-case hex without leading zero octets (serial-number form). */
export function integerHex(node: DerNode): string {
  let i = 0;
  while (i < node.value.length - 1 && node.value[i] === 0) i++;
  return node.value.subarray(i).toString('hex').toUpperCase();
}

/** UTCTime / GeneralizedTime (the Z forms X.509 requires) as a Date. */
export function derTime(node: DerNode): Date {
  const text = node.value.toString('latin1');
  let match: RegExpExecArray | null;
  let year: number;
  if (node.tag === DerTag.UtcTime && (match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))) {
    const yy = Number(match[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (
    node.tag === DerTag.GeneralizedTime &&
    (match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))
  ) {
    year = Number(match[1]);
  } else {
    throw new DerError(`DER: unsupported time "${text}"`);
  }
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
}

/** Base64 bodies of every `-----BEGIN <label>-----` block in a PEM text. */
export function pemBlocks(pem: string, label: string): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  return pem.match(re) ?? [];
}

export function pemToDer(block: string): Buffer {
  const body = block.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}
