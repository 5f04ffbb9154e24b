import type { Request } from 'got';
import { z } from 'zod';
import { FAIL, fastParser } from './fast-parse.js';
import type { Schema } from './http.js';
import { PageSplitter } from './json-rows.js';

// One Pro API page read row by row as its body streams in (see json-rows.ts for why): each row is decoded,
// JSON-parsed, checked against the row schema and handed to `onRow` at once.

/** A row or member does not have the shape the schema wants: `path` as zod reports it, from the page root. */
export class PageShapeError extends Error {
  constructor(readonly path: (string | number)[], message: string) {
    super(message);
  }
}

/** A row or member is not JSON: `sample` is the start of it. */
export class PageSyntaxError extends Error {
  constructor(message: string, readonly sample: string) {
    super(message);
  }
}

export type PageRowsEnd = { totalCount: number; count: number } | { notJson: string };

const totalCountSchema = z.number().int().min(0);

export class PageRowReader<T> {
  #splitter: PageSplitter;

  constructor(row: Schema<T>, onRow: (row: T) => void) {
    const fast = fastParser(row);
    this.#splitter = new PageSplitter((bytes, index) => {
      const text = bytes.toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new PageSyntaxError((err as Error).message, text.slice(0, 80));
      }
      // Rows go through the compiled parser; zod runs only to name what is wrong.
      const quick = fast ? fast(value) : FAIL;
      if (quick !== FAIL) return onRow(quick);
      const parsed = row.safeParse(value);
      if (!parsed.success) throw new PageShapeError(['results', index, ...parsed.error.issues[0].path], parsed.error.issues[0].message);
      onRow(parsed.data);
    });
  }

  /**
   * Done with the page: drops the row callback (and with it whatever the caller's closure holds, e.g. a whole
   * fleet's devices), since got may keep the finished request, and so its listeners, referenced for a while.
   */
  close(): void {
    this.#splitter = new PageSplitter(() => {});
  }

  /** A retried request sends the body again. Rows already handed out stay handed out (callers key them by id). */
  reset(): void {
    this.#splitter.reset();
  }

  write(chunk: Buffer): void {
    try {
      this.#splitter.write(chunk);
    } catch (err) {
      throw err instanceof SyntaxError ? new PageSyntaxError(err.message, '') : err;
    }
  }

  /** The body is complete: the page's totalCount and row count, or the whole body when it is not JSON. */
  end(): PageRowsEnd {
    let end;
    try {
      end = this.#splitter.end();
    } catch (err) {
      throw err instanceof SyntaxError ? new PageSyntaxError(err.message, '') : err;
    }
    if (!end.json) return { notJson: end.body.toString('utf8') };
    const total = totalCountSchema.safeParse(end.members.get('totalCount'));
    if (!total.success) throw new PageShapeError(['totalCount'], total.error.issues[0].message);
    if (end.rows === undefined) throw new PageShapeError(['results'], 'Required');
    return { totalCount: total.data, count: end.rows };
  }
}

export interface PageStreamErrors {
  /** A 3xx answer (redirects are not followed). */
  redirect(status: number, location: string | undefined): unknown;
  /** The reader refused the body (PageShapeError, PageSyntaxError, or what onRow threw). */
  page(err: unknown): unknown;
  /** got's error (HTTP status, network, timeout) once its retries are used up. */
  request(err: unknown): unknown;
}

/**
 * Feeds one streamed response into `reader`. got retries on its own (backoff, Retry-After) and then hands
 * over a new stream: the reader restarts with it. Settles once: the body ended and the reader accepted it,
 * or the first error.
 */
export function readPageStream<T>(first: Request, reader: PageRowReader<T>, errors: PageStreamErrors): Promise<PageRowsEnd> {
  return new Promise<PageRowsEnd>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (!settled) reject(error);
      settled = true;
    };
    const attach = (stream: Request) => {
      reader.reset();
      stream.once('retry', (_count: number, _error: unknown, again: () => Request) => attach(again()));
      stream.once('response', (res: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
        if (res.statusCode < 300 || res.statusCode >= 400) return;
        stream.destroy();
        fail(errors.redirect(res.statusCode, res.headers.location as string | undefined));
      });
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        try {
          reader.write(chunk);
        } catch (err) {
          stream.destroy();
          fail(errors.page(err));
        }
      });
      stream.once('end', () => {
        if (settled) return;
        try {
          const end = reader.end();
          settled = true;
          resolve(end);
        } catch (err) {
          fail(errors.page(err));
        }
      });
      stream.once('error', (err) => fail(errors.request(err)));
    };
    attach(first);
  });
}
