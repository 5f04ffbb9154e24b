import { describe, expect, it } from 'vitest';
import { HandshakeType, alertName, helloRandom, helloSessionId, plaintextAlert } from '../../../src/eap/tls/records.js';

function record(type: number, body: Buffer): Buffer {
  const head = Buffer.from([type, 3, 3, 0, 0]);
  head.writeUInt16BE(body.length, 3);
  return Buffer.concat([head, body]);
}

function hello(type: number, random: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([3, 3]), random, Buffer.from([0])]);
  const head = Buffer.from([type, 0, 0, body.length]);
  return record(22, Buffer.concat([head, body]));
}

describe('TLS record peeks', () => {
  const random = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));

  it('finds the ServerHello random, also behind another record', () => {
    const records = Buffer.concat([record(20, Buffer.from([1])), hello(HandshakeType.ServerHello, random)]);
    expect(helloRandom(records, HandshakeType.ServerHello)).toEqual(random);
    expect(helloRandom(records, HandshakeType.ClientHello)).toBeUndefined();
  });

  it('returns undefined for truncated or foreign data instead of throwing', () => {
    expect(helloRandom(hello(1, random).subarray(0, 20), 1)).toBeUndefined();
    expect(helloRandom(Buffer.from('garbage'), 1)).toBeUndefined();
    expect(plaintextAlert(Buffer.from([21, 3, 3]))).toBeUndefined();
  });

  it('finds the ServerHello session ID (empty when the server will issue a ticket instead)', () => {
    const id = Buffer.alloc(32, 0x42);
    const withId = record(22, Buffer.concat([Buffer.from([2, 0, 0, 2 + 32 + 1 + 32]), Buffer.from([3, 3]), random, Buffer.from([32]), id]));
    expect(helloSessionId(withId, HandshakeType.ServerHello)).toEqual(id);
    expect(helloSessionId(hello(HandshakeType.ServerHello, random), HandshakeType.ServerHello)).toEqual(Buffer.alloc(0));
    expect(helloSessionId(withId.subarray(0, withId.length - 1), HandshakeType.ServerHello)).toBeUndefined();
  });

  it('reads a fatal protocol_version alert', () => {
    expect(plaintextAlert(record(21, Buffer.from([2, 70])))).toEqual({ level: 2, description: 70, name: 'protocol_version' });
    expect(alertName(48)).toBe('unknown_ca');
    expect(alertName(250)).toBe('alert 250');
  });
});
