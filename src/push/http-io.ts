import type { IncomingMessage, ServerResponse } from 'node:http';

// Request bodies read with a hard size limit, and JSON replies. Pure plumbing for the push routes.

export interface Reply {
  status: number;
  /** Serialised as JSON; no body when undefined (202 to a SET). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Why a request was refused, for the log (never contains secrets or the body). */
  reason?: string;
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true } | { ok: false; tooLarge: false; error: string };

/** Reads the whole body, at most `limit` bytes; stops reading (and says so) as soon as it is exceeded. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve({ ok: false, tooLarge: true });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        finish({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    req.on('error', (err) => finish({ ok: false, tooLarge: false, error: err.message }));
    req.on('aborted', () => finish({ ok: false, tooLarge: false, error: 'request aborted' }));
  });
}

/** Writes the reply. When the body was not read to the end, the connection is closed after it. */
export function sendReply(res: ServerResponse, reply: Reply, closeAfter: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    ...(body ? { 'content-type': 'application/json' } : {}),
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...reply.headers,
  };
  if (closeAfter) headers.connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** The media type without parameters, lower-case ("application/json; charset=UTF-8" → "application/json"). */
export function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** One POST endpoint of the push listener. */
export interface Route {
  /** For logs: "jamf-webhook", "ssf". */
  name: string;
  /** Checks the headers before the body is read (authentication); a Reply refuses the request. */
  precheck(req: IncomingMessage): Reply | undefined;
  handle(body: Buffer, req: IncomingMessage): Promise<Reply>;
  /** The route's error reply for a refusal decided outside it (413, 503, 500). */
  error(status: number, reason: string): Reply;
}
