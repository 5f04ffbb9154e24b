import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  ExtensionType,
  encodeRecord,
  encodeServerHello,
  handshakePayload,
  parseClientHello,
  pskIdentities,
  supportedVersions,
} from '../../../src/eap/tls/hello.js';
import { PeerDuplex, tick } from '../../support/eap-peer-wire.js';

async function nodeClientHello(options: tls.ConnectionOptions): Promise<Buffer> {
  const duplex = new PeerDuplex();
  const socket = tls.connect({ socket: duplex, servername: 'radius.test', ...options });
  socket.on('error', () => {});
  for (let i = 0; i < 4; i++) await tick();
  socket.destroy();
  return duplex.drain();
}

describe('TLS hello messages', () => {
  it('parses the ClientHello of Node\'s TLS client', async () => {
    const records = await nodeClientHello({ maxVersion: 'TLSv1.3' });
    const hello = parseClientHello(records)!;
    expect(hello).toBeDefined();
    expect(hello.version).toBe(0x0303);
    expect(hello.random).toEqual(records.subarray(11, 43));
    expect(hello.sessionId).toHaveLength(32); // TLS 1.3 middlebox compatibility
    expect(hello.cipherSuites).toContain(0x1302); // TLS_AES_256_GCM_SHA384
    expect(hello.cipherSuites).toContain(0xc02b);
    expect([...hello.compressionMethods]).toEqual([0]);
    const types = hello.extensions.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining([ExtensionType.ServerName, ExtensionType.ExtendedMasterSecret, ExtensionType.SupportedVersions]));
    expect(supportedVersions(hello.extensions.find((e) => e.type === ExtensionType.SupportedVersions)!.data)).toEqual([0x0304, 0x0303]);
    expect(hello.message).toEqual(handshakePayload(records));
    expect(hello.message.length).toBe(records.length - 5);
  });

  it('reassembles a ClientHello split over two records', async () => {
    const records = await nodeClientHello({ maxVersion: 'TLSv1.2' });
    const body = records.subarray(5);
    const split = Buffer.concat([encodeRecord(22, body.subarray(0, 50)), encodeRecord(22, body.subarray(50))]);
    expect(parseClientHello(split)?.random).toEqual(parseClientHello(records)?.random);
  });

  it('answers undefined for anything that is not exactly one ClientHello', async () => {
    const records = await nodeClientHello({ maxVersion: 'TLSv1.2' });
    expect(parseClientHello(records.subarray(0, records.length - 1))).toBeUndefined();
    expect(parseClientHello(Buffer.concat([records, encodeRecord(22, Buffer.from([20, 0, 0, 0]))]))).toBeUndefined();
    expect(parseClientHello(Buffer.concat([records, Buffer.from([22, 3])]))).toBeUndefined();
    const asAlert = Buffer.from(records);
    asAlert[0] = 21;
    expect(parseClientHello(asAlert)).toBeUndefined();
    const asServerHello = Buffer.from(records);
    asServerHello[5] = 2;
    expect(parseClientHello(asServerHello)).toBeUndefined();
    expect(parseClientHello(Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01]))).toBeUndefined(); // SSLv2-style hello
    expect(parseClientHello(Buffer.alloc(0))).toBeUndefined();
    for (let cut = 6; cut < records.length; cut += 13) {
      const body = records.subarray(5, cut);
      expect(parseClientHello(encodeRecord(22, body))).toBeUndefined();
    }
  });

  it('reads the identities of a pre_shared_key extension', () => {
    const identity = Buffer.alloc(32, 0xab);
    const entry = Buffer.concat([Buffer.from([0, 32]), identity, Buffer.from([0, 0, 0, 1])]);
    const data = Buffer.concat([Buffer.from([0, entry.length]), entry, Buffer.from([0, 33, 32]), Buffer.alloc(32)]);
    expect(pskIdentities(data)).toEqual([identity]);
    expect(pskIdentities(data.subarray(0, 10))).toBeUndefined();
  });

  it('builds a ServerHello a TLS client reads back (version, random, session ID, suite, extensions)', () => {
    const random = Buffer.alloc(32, 0x11);
    const sessionId = Buffer.alloc(32, 0x22);
    const sh = encodeServerHello({
      random,
      sessionId,
      cipherSuite: 0xc02b,
      extensions: [
        { type: ExtensionType.RenegotiationInfo, data: Buffer.from([0]) },
        { type: ExtensionType.ExtendedMasterSecret, data: Buffer.alloc(0) },
      ],
    });
    expect(sh[0]).toBe(2);
    expect(sh.readUIntBE(1, 3)).toBe(sh.length - 4);
    expect(sh.readUInt16BE(4)).toBe(0x0303);
    expect(sh.subarray(6, 38)).toEqual(random);
    expect(sh[38]).toBe(32);
    expect(sh.subarray(39, 71)).toEqual(sessionId);
    expect(sh.readUInt16BE(71)).toBe(0xc02b);
    expect(sh[73]).toBe(0);
    expect(sh.readUInt16BE(74)).toBe(sh.length - 76);
    expect(sh.subarray(76)).toEqual(Buffer.from([0xff, 0x01, 0, 1, 0, 0x00, 0x17, 0, 0]));
    expect(encodeRecord(22, sh).subarray(0, 5)).toEqual(Buffer.from([22, 3, 3, sh.length >> 8, sh.length & 0xff]));
  });
});
