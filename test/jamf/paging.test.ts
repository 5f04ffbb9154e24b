// Pro API lists read row by row while the body streams in (JamfHttp.getRows via fetchAllPages): the rows,
// their order and de-duplication, and what a broken, foreign or cut-off page turns into.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JamfError } from '../../src/jamf/errors.js';
import { JamfHttp } from '../../src/jamf/http.js';
import { fetchAllPages } from '../../src/jamf/paging.js';
import { jamfId } from '../../src/jamf/schemas.js';
import { JamfStub, captureLogger, page, stubConfig, tokenIssuer, type StubReply, type StubRequest } from './stub.js';

const row = z.object({ id: jamfId, udid: z.string().nullish(), name: z.string().nullish() });
type Row = z.infer<typeof row>;
const rows = (n: number, from = 1): Row[] => Array.from({ length: n }, (_, i) => ({ id: String(from + i), udid: `U-${from + i}`, name: `dévice “${from + i}” {[,]} \\ "q"` }));

const open: { stub: JamfStub; http: JamfHttp }[] = [];
afterEach(async () => {
  for (const { stub, http } of open.splice(0)) {
    http.close();
    await stub.close();
  }
});

async function setup(list: (req: StubRequest) => StubReply) {
  const token = tokenIssuer();
  const stub = await JamfStub.start((req) => token(req) ?? list(req));
  const http = new JamfHttp(stubConfig(stub.url), { logger: captureLogger().logger });
  open.push({ stub, http });
  return { stub, http };
}

const read = (http: JamfHttp, pageSize = 1000) =>
  fetchAllPages(http, { path: 'api/v1/things', pageSize }, row, (r) => r.id, (r) => ({ ...r, seen: true }));

async function failure(p: Promise<unknown>): Promise<JamfError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(JamfError);
  return err as JamfError;
}

describe('paged lists, streamed', () => {
  it('reads every row in order through a clamped page size, whatever the chunks', async () => {
    const all = rows(2500);
    const { stub, http } = await setup((req) => ({ json: page(all, req.query, 1000), chunkBytes: 97 }));
    const got = await read(http, 2000);
    expect(got).toEqual(all.map((r) => ({ ...r, seen: true })));
    expect(stub.apiRequests.map((r) => [r.query.get('page'), r.query.get('page-size')])).toEqual([['0', '2000'], ['1', '1000'], ['2', '1000']]);
  });

  it('keeps a row that moved to the next page once, and rows out of id order too', async () => {
    const { http } = await setup((req) => {
      const p = Number(req.query.get('page'));
      // Page 1 repeats row 2 (the inventory shifted) and holds an id lower than those already read.
      const pages = [[...rows(2, 1), ...rows(1, 5)], [...rows(1, 2), ...rows(1, 4), ...rows(1, 3)], []];
      return { json: { totalCount: 6, results: pages[p] } };
    });
    const got = await read(http, 3);
    expect(got.map((r) => r.id)).toEqual(['1', '2', '5', '4', '3']);
  });

  it('converts integer ids like zod would (jamfId)', async () => {
    const { http } = await setup(() => ({ json: { totalCount: 2, results: [{ id: 7 }, { id: '8', udid: null }] } }));
    expect((await read(http)).map((r) => r.id)).toEqual(['7', '8']);
  });

  it('names the row and field of an answer in an unknown shape', async () => {
    const bad = [...rows(3), { id: '4', udid: 12 }];
    const { http } = await setup(() => ({ json: { totalCount: 4, results: bad }, chunkBytes: 50 }));
    const err = await failure(read(http));
    expect(err.kind).toBe('parse');
    expect(err.message).toMatch(/GET api\/v1\/things\?page=0&page-size=1000/);
    expect(err.message).toMatch(/unexpected answer at results\.3\.udid: Expected string, received number/);
  });

  it('says so when a page is not JSON: broken JSON, a login page, no totalCount', async () => {
    let body = '{"totalCount":1,"results":[{"id":"1"';
    const { http } = await setup(() => ({ body }));
    expect((await failure(read(http))).message).toMatch(/the answer is not JSON or XML \(the answer ended early/);
    body = '<!DOCTYPE html><html><body>Please log in</body></html>';
    expect((await failure(read(http))).message).toMatch(/the answer is not JSON or XML .*<!DOCTYPE html>/);
    body = '{"results":[]}';
    expect((await failure(read(http))).message).toMatch(/unexpected answer at totalCount: Required/);
  });

  it('retries a 503 and a 401 (new token) and keeps each row once', async () => {
    let n = 0;
    const all = rows(30);
    const { stub, http } = await setup((req) => {
      n++;
      if (n === 1) return { status: 503 };
      if (n === 2) return { status: 401, json: { httpStatus: 401, errors: [] } };
      return { json: page(all, req.query), chunkBytes: 64 };
    });
    expect((await read(http)).map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(stub.tokenRequests).toHaveLength(2);
    expect(http.stats.retries).toBe(1);
  });

  it('starts the page over when a retried request had sent part of it', async () => {
    const all = rows(120);
    let n = 0;
    const { http } = await setup((req) => ({ json: page(all, req.query), chunkBytes: 400, cutAfterBytes: n++ === 0 ? 2500 : undefined }));
    expect((await read(http)).map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(http.stats.retries).toBe(1);
  });

  it('does not follow a redirect, and fails (does not hang) when the connection drops mid-page', async () => {
    const { http } = await setup(() => ({ status: 302, headers: { location: 'https://elsewhere.example/x' } }));
    expect((await failure(read(http))).status).toBe(302);
    const all = rows(200);
    const cut = await setup((req) => ({ json: page(all, req.query), chunkBytes: 500, cutAfterBytes: 3000 }));
    const err = await failure(read(cut.http));
    expect(['network', 'timeout']).toContain(err.kind);
  }, 20_000);
});
