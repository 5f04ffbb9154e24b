import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import type { ListenAddress } from '../../config/load.js';

export interface BoundSocket {
  readonly socket: Socket;
  readonly address: string;
  readonly port: number;
}

// Every reply goes to the literal address the request came from. dgram resolves the address of each send
// through dns.lookup, which answers a literal only on the next tick; answering it at once saves a tick per reply.
const literalLookup = ((hostname: string, family: unknown, callback: (err: Error | null, address: string, family: number) => void) => {
  const literal = isIP(hostname);
  if (literal) callback(null, hostname, literal);
  else dnsLookup(hostname, family as number, callback);
}) as unknown as SocketOptions['lookup'];

/**
 * Binds one UDP socket per listen address (IPv6 sockets are IPv6-only so "0.0.0.0" and "::" can share a
 * port). Resolves once every socket is bound, or rejects naming the address that failed.
 */
export async function bindUdp(addresses: readonly ListenAddress[], onMessage: (msg: Buffer, address: string, port: number, socket: Socket) => void): Promise<BoundSocket[]> {
  const bound: BoundSocket[] = [];
  try {
    for (const { address, port } of addresses) {
      const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: isIPv6(address), recvBufferSize: 4 * 1024 * 1024, lookup: literalLookup });
      socket.on('message', (msg, rinfo) => onMessage(msg, rinfo.address, rinfo.port, socket));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', (err) => reject(new Error(`cannot listen on ${isIPv6(address) ? `[${address}]` : address}:${port}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
        socket.bind(port, address, () => resolve());
      });
      const info = socket.address();
      bound.push({ socket, address: info.address, port: info.port });
    }
  } catch (err) {
    for (const b of bound) b.socket.close();
    throw err;
  }
  return bound;
}
