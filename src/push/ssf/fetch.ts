import http from 'node:http';
import https from 'node:https';

// Requests to the transmitter (metadata, JWKS, RFC 8936 polls): bounded in time and size, no redirects (a
// redirect could lead the key fetch elsewhere), optional private CA. node:https rather than fetch() so a CA
// file can be given.

export interface BoundedGetOptions {
  ca?: Buffer;
  /** Default GET. */
  method?: 'GET' | 'POST';
  /** Sent as is (set content-type in headers). */
  body?: string;
  timeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface BoundedGetResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function boundedGet(url: string, o: BoundedGetOptions): Promise<BoundedGetResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
    if (!lib) {
      reject(new Error(`unsupported URL scheme ${u.protocol}`));
      return;
    }
    const req = lib.request(u, {
      method: o.method ?? 'GET',
      headers: { accept: 'application/json', 'user-agent': 'portcullis-nac', ...o.headers },
      timeout: o.timeoutMs,
      signal: o.signal,
      ...(u.protocol === 'https:' ? { ca: o.ca, minVersion: 'TLSv1.2' as const } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > o.maxBytes) {
          req.destroy(new Error(`answer larger than ${o.maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    // The whole exchange, not just socket idleness, is bounded.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
