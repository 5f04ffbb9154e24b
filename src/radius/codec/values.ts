import { isIPv4, isIPv6 } from 'node:net';
import { RadiusDecodeError, RadiusDecodeErrorCode as E, RadiusEncodeError } from './errors.js';

// One decode/encode pair per dictionary data type. Decoders never throw anything but RadiusDecodeError.

export const DATA_TYPES = [
  'string', 'octets', 'ipaddr', 'ipv6addr', 'ipv6prefix', 'ifid', 'integer', 'integer64', 'date',
  'byte', 'short', 'signed', 'ether',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

export type AttributeValue = string | number | bigint | Buffer;

function bad(type: DataType, length: number, expected: string): never {
  throw new RadiusDecodeError(E.BadValue, `${type} value of ${length} octets (expected ${expected})`);
}

function ipv6ToString(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

function ipv6ToBuffer(text: string): Buffer {
  if (!isIPv6(text)) throw new RadiusEncodeError('ERR_RADIUS_BAD_VALUE', `"${text}" is not an IPv6 address`);
  let s = text;
  const v4 = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const p = v4[1].split('.').map(Number);
    s = s.slice(0, -v4[1].length) + `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export function decodeValue(type: DataType, b: Buffer): AttributeValue {
  switch (type) {
    case 'string':
      return b.toString('utf8');
    case 'octets':
      return b;
    case 'ipaddr':
      if (b.length !== 4) bad(type, b.length, '4');
      return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
    case 'ipv6addr':
      if (b.length !== 16) bad(type, b.length, '16');
      return ipv6ToString(b);
    case 'ipv6prefix': {
      // Reserved(1) Prefix-Length(1) Prefix(0..16), RFC 3162 §2.3.
      if (b.length < 2 || b.length > 18) bad(type, b.length, '2..18');
      const bits = b[1];
      if (bits > 128 || Math.ceil(bits / 8) > b.length - 2) bad(type, b.length, `room for a /${bits} prefix`);
      const addr = Buffer.alloc(16);
      b.copy(addr, 0, 2);
      return `${ipv6ToString(addr)}/${bits}`;
    }
    case 'ifid':
      if (b.length !== 8) bad(type, b.length, '8');
      return [0, 2, 4, 6].map((i) => b.readUInt16BE(i).toString(16).padStart(4, '0')).join(':');
    case 'integer':
      if (b.length !== 4) bad(type, b.length, '4');
      return b.readUInt32BE(0);
    case 'date':
      if (b.length !== 4) bad(type, b.length, '4');
      return b.readUInt32BE(0);
    case 'signed':
      if (b.length !== 4) bad(type, b.length, '4');
      return b.readInt32BE(0);
    case 'integer64':
      if (b.length !== 8) bad(type, b.length, '8');
      return b.readBigUInt64BE(0);
    case 'byte':
      if (b.length !== 1) bad(type, b.length, '1');
      return b[0];
    case 'short':
      if (b.length !== 2) bad(type, b.length, '2');
      return b.readUInt16BE(0);
    case 'ether':
      if (b.length !== 6) bad(type, b.length, '6');
      return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
  }
}

function intIn(value: AttributeValue, min: number, max: number, type: DataType): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new RadiusEncodeError('ERR_RADIUS_BAD_VALUE', `${String(value)} is not a valid ${type} (${min}..${max})`);
  }
  return n;
}

export function encodeValue(type: DataType, value: AttributeValue): Buffer {
  switch (type) {
    case 'string':
      return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
    case 'octets':
      if (Buffer.isBuffer(value)) return value;
      if (typeof value === 'string' && /^0x([0-9a-f]{2})*$/i.test(value)) return Buffer.from(value.slice(2), 'hex');
      return Buffer.from(String(value), 'utf8');
    case 'ipaddr': {
      const s = String(value);
      if (!isIPv4(s)) throw new RadiusEncodeError('ERR_RADIUS_BAD_VALUE', `"${s}" is not an IPv4 address`);
      return Buffer.from(s.split('.').map(Number));
    }
    case 'ipv6addr':
      return ipv6ToBuffer(String(value));
    case 'ipv6prefix': {
      const [addr, len] = String(value).split('/');
      const bits = intIn(len ?? '128', 0, 128, type);
      const full = ipv6ToBuffer(addr);
      const bytes = Math.ceil(bits / 8);
      // Bits past the prefix length must be zero (RFC 3162 §2.3).
      if (bits % 8) full[bytes - 1] &= 0xff << (8 - (bits % 8));
      return Buffer.concat([Buffer.from([0, bits]), full.subarray(0, bytes)]);
    }
    case 'ifid': {
      const hex = String(value).replace(/:/g, '');
      if (!/^[0-9a-f]{16}$/i.test(hex)) throw new RadiusEncodeError('ERR_RADIUS_BAD_VALUE', `"${String(value)}" is not an interface id`);
      return Buffer.from(hex, 'hex');
    }
    case 'integer':
    case 'date': {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32BE(intIn(value, 0, 0xffffffff, type));
      return b;
    }
    case 'signed': {
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE(intIn(value, -0x80000000, 0x7fffffff, type));
      return b;
    }
    case 'integer64': {
      const b = Buffer.allocUnsafe(8);
      let n: bigint;
      try {
        n = BigInt(value as string | number | bigint);
      } catch {
        throw new RadiusEncodeError('ERR_RADIUS_BAD_VALUE', `${String(value)} is not a valid integer64`);
      }
      if (n < 0n || n > 0xffffffffffffffffn) throw new RadiusEncodeError('ERR_RADIUS_BAD_VALUE', `${n} out of integer64 range`);
      b.writeBigUInt64BE(n);
      return b;
    }
    case 'byte':
      return Buffer.from([intIn(value, 0, 255, type)]);
    case 'short': {
      const b = Buffer.allocUnsafe(2);
      b.writeUInt16BE(intIn(value, 0, 0xffff, type));
      return b;
    }
    case 'ether': {
      const hex = String(value).replace(/[-:.]/g, '');
      if (!/^[0-9a-f]{12}$/i.test(hex)) throw new RadiusEncodeError('ERR_RADIUS_BAD_VALUE', `"${String(value)}" is not a MAC address`);
      return Buffer.from(hex, 'hex');
    }
  }
}
