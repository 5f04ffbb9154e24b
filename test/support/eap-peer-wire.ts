import { Duplex } from 'node:stream';

// Wire pieces shared by the test EAP peers (eap-tls-client.ts, eap-tunnel-client.ts): the in-memory
// Duplex the peer's TLSSocket writes into, EAP packet and EAP-TLS framing, and one event-loop tick.

export const FLAG = { L: 0x80, M: 0x40, S: 0x20 } as const;

/** Collects what the peer's TLS socket writes, so the test can frame it into EAP-TLS fragments. */
export class PeerDuplex extends Duplex {
  readonly out: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.out.push(Buffer.from(chunk));
    cb();
  }
  drain(): Buffer {
    const b = Buffer.concat(this.out);
    this.out.length = 0;
    return b;
  }
}

/** An EAP packet: Code, Identifier, Length, Type, Type-Data. */
export function eapPacket(code: number, id: number, type: number, data: Buffer): Buffer {
  const b = Buffer.alloc(5 + data.length);
  b[0] = code;
  b[1] = id;
  b.writeUInt16BE(b.length, 2);
  b[4] = type;
  data.copy(b, 5);
  return b;
}

/** EAP-TLS Type-Data: flags, the TLS Message Length when `total` is given (L), then the data. */
export function tlsFrame(flags: number, data: Buffer, total?: number): Buffer {
  const head = total === undefined ? Buffer.from([flags]) : Buffer.from([flags | FLAG.L, 0, 0, 0, 0]);
  if (total !== undefined) head.writeUInt32BE(total, 1);
  return Buffer.concat([head, data]);
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A few event-loop turns: lets the TLS socket answer what was just written to it. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) await tick();
}

/** One TLS flight cut into EAP-TLS fragments: L (with the total) on the first of several, M on all but the last. */
export class OutgoingFlight {
  #data: Buffer | undefined;
  #offset = 0;

  constructor(readonly fragmentSize: number) {}

  start(data: Buffer): void {
    this.#data = data;
    this.#offset = 0;
  }

  /** More fragments to send. */
  get pending(): boolean {
    return this.#data !== undefined;
  }

  next(): Buffer {
    const data = this.#data;
    if (!data) throw new Error('no TLS flight to send');
    const first = this.#offset === 0;
    const end = Math.min(this.#offset + this.fragmentSize, data.length);
    const more = end < data.length;
    const frame = tlsFrame(more ? FLAG.M : 0, data.subarray(this.#offset, end), first && more ? data.length : undefined);
    this.#offset = end;
    if (!more) this.#data = undefined;
    return frame;
  }
}
