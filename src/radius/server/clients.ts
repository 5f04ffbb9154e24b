import { BlockList, isIPv4 } from 'node:net';
import type { NasClientConfig } from '../../config/load.js';

/**
 * Finds the configured NAS client for a source address: an exact address first, then the most specific
 * CIDR. Built once per config; lookups are a Map hit for the common single-address client.
 */
export class ClientTable {
  readonly #exact = new Map<string, NasClientConfig>();
  /** CIDR clients, most specific first. */
  readonly #ranges: { prefix: number; list: BlockList; client: NasClientConfig }[] = [];

  constructor(clients: readonly NasClientConfig[]) {
    for (const client of clients) {
      for (const net of client.networks) {
        const full = net.prefix === (net.family === 4 ? 32 : 128);
        if (full) {
          if (!this.#exact.has(net.address)) this.#exact.set(canonical(net.address), client);
          continue;
        }
        const list = new BlockList();
        list.addSubnet(net.address, net.prefix, net.family === 4 ? 'ipv4' : 'ipv6');
        this.#ranges.push({ prefix: net.prefix, list, client });
      }
    }
    this.#ranges.sort((a, b) => b.prefix - a.prefix);
  }

  find(address: string): NasClientConfig | undefined {
    const addr = unmapIpv4(address);
    const exact = this.#exact.get(canonical(addr));
    if (exact) return exact;
    const family = isIPv4(addr) ? 'ipv4' : 'ipv6';
    for (const r of this.#ranges) if (r.list.check(addr, family)) return r.client;
    return undefined;
  }

  get size(): number {
    return new Set([...this.#exact.values(), ...this.#ranges.map((r) => r.client)]).size;
  }
}

/** A dual-stack socket reports IPv4 peers as "::ffff:10.0.0.1". */
export function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function canonical(address: string): string {
  return address.toLowerCase();
}
