// The streaming page splitter: rows come out one by one whatever the chunking of the body, strings and
// escapes never confuse it, and a body that is not a JSON object is handed back whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageSplitter, type PageEnd } from '../../src/jamf/json-rows.js';

function split(body: string, chunkSizes: number[] = [body.length || 1]): { rows: string[]; end: PageEnd } {
  const rows: string[] = [];
  const splitter = new PageSplitter((bytes, index) => {
    expect(index).toBe(rows.length);
    rows.push(bytes.toString('utf8'));
  });
  const bytes = Buffer.from(body, 'utf8');
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length]);
    splitter.write(bytes.subarray(at, at + size));
    at += size;
  }
  return { rows, end: splitter.end() };
}

const page = {
  totalCount: 3,
  results: [
    { id: '1', name: 'quote " brace } bracket ] comma ,', nested: { a: [1, { b: '\\' }] } },
    { id: '2', udid: 'ÄÖÜ-ünïcödé-✓', empty: {}, list: [] },
    { id: '3', escaped: 'back\\\\slash\\"x', n: -1.5e3, t: true, f: false, z: null },
  ],
};

describe('PageSplitter', () => {
  it('hands out each row and parses the other members, in one chunk or byte by byte', () => {
    const body = JSON.stringify(page, null, 2);
    for (const sizes of [[body.length], [1], [2, 3, 5, 7], [64]]) {
      const { rows, end } = split(body, sizes);
      expect(rows.map((r) => JSON.parse(r))).toEqual(page.results);
      expect(end).toEqual({ json: true, members: new Map([['totalCount', 3]]), rows: 3 });
    }
  });

  it('finds the rows wherever the member is, and reports a page without rows', () => {
    const { rows, end } = split('{"results":[{"id":"9"}],"totalCount":1,"extra":{"x":[1,2]}}');
    expect(rows).toEqual(['{"id":"9"}']);
    expect(end).toEqual({ json: true, members: new Map<string, unknown>([['totalCount', 1], ['extra', { x: [1, 2] }]]), rows: 1 });
    expect(split('{"totalCount":0,"results":[]}').end).toMatchObject({ json: true, rows: 0 });
    expect(split('{"totalCount":0}').end).toMatchObject({ json: true, rows: undefined });
    expect(split(' \n{}\n').end).toMatchObject({ json: true, rows: undefined });
  });

  it('gives back a body that is not a JSON object whole (XML, a login page)', () => {
    const xml = '<?xml version="1.0"?><computers><size>0</size></computers>';
    expect(split(xml, [3]).end).toEqual({ json: false, body: Buffer.from(xml) });
    expect(split('').end).toEqual({ json: false, body: Buffer.alloc(0) });
  });

  it('throws SyntaxError on JSON that breaks off or has stray bytes', () => {
    expect(() => split('{"totalCount":1,"results":[{"id":"1"}')).toThrow(SyntaxError);
    expect(() => split('{"totalCount":1,"results":[{"id":"1"}]} x')).toThrow(/end of the answer/);
    expect(() => split('{"totalCount" 1}')).toThrow(/expected ":"/);
    expect(() => split('{"results":[1,,2]}')).toThrow(/expected a value/);
    expect(() => split('{"a":1 "b":2}')).toThrow(/expected "," or "}"/);
  });

  it('starts over on reset (a retried request)', () => {
    const rows: string[] = [];
    const splitter = new PageSplitter((bytes) => void rows.push(bytes.toString()));
    splitter.write(Buffer.from('{"totalCount":2,"results":[{"id":"1"},{"i'));
    splitter.reset();
    rows.length = 0;
    splitter.write(Buffer.from('{"totalCount":1,"results":[{"id":"7"}]}'));
    expect(splitter.end()).toMatchObject({ json: true, rows: 1 });
    expect(rows).toEqual(['{"id":"7"}']);
  });

  it('agrees with JSON.parse for any page and any chunking', () => {
    const row = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }), fc.boolean(), (rows, sizes, pretty) => {
        const body = JSON.stringify({ totalCount: rows.length, results: rows }, null, pretty ? 1 : undefined);
        const out = split(body, sizes);
        expect(out.rows.map((r) => JSON.parse(r))).toEqual(JSON.parse(body).results);
        expect(out.end).toMatchObject({ json: true, rows: rows.length });
      }),
      { numRuns: 300 },
    );
  });
});
