import { createSocket } from 'node:dgram';
import {
  PacketCode, encodePacket, encryptUserPassword, messageAuthenticatorPlaceholder, randomAuthenticator, signAccessRequest,
  type RawAttribute,
} from '../../src/radius/index.js';

/** Sends datagrams from ONE source port and collects every reply until `waitMs` passes. */
export async function exchange(port: number, packets: Buffer[], waitMs = 300, gapMs = 0, source = '127.0.0.1'): Promise<Buffer[]> {
  const socket = createSocket('udp4');
  const replies: Buffer[] = [];
  socket.on('message', (m) => replies.push(m));
  await new Promise<void>((r) => socket.bind(0, source, () => r()));
  for (const p of packets) {
    socket.send(p, port, '127.0.0.1');
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
  }
  await new Promise((r) => setTimeout(r, waitMs));
  socket.close();
  return replies;
}

/** A signed MAB / PAP Access-Request built with our codec (for tests that need exact bytes). */
export function accessRequest(secret: string, userName: string, password: string, opts: { id?: number; withMa?: boolean; extra?: RawAttribute[] } = {}): Buffer {
  const auth = randomAuthenticator();
  const s = Buffer.from(secret);
  const attributes: RawAttribute[] = [
    ...(opts.withMa === false ? [] : [messageAuthenticatorPlaceholder()]),
    { type: 1, value: Buffer.from(userName) },
    { type: 2, value: encryptUserPassword(Buffer.from(password), s, auth) },
    ...(opts.extra ?? []),
  ];
  return signAccessRequest(encodePacket({ code: PacketCode.AccessRequest, identifier: opts.id ?? 1, authenticator: auth, attributes }), s);
}

/** A text attribute. */
export const textAttr = (type: number, value: string): RawAttribute => ({ type, value: Buffer.from(value) });

/** A 32-bit integer attribute. */
export const intAttr = (type: number, n: number): RawAttribute => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(n);
  return { type, value };
};
