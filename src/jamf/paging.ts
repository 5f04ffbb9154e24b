import { JamfError } from './errors.js';
import type { JamfHttp, Schema } from './http.js';
import { pageOf } from './schemas.js';

// Reads every page of a Pro API list ({totalCount, results}). Jamf silently clamps page-size (to 2000 on
// current servers), so a page shorter than asked for is not the end: the loop runs until it has seen
// totalCount rows. When the first page shows the clamp, the page size is lowered to what the server gives,
// so page N still starts at row N × size.

export interface PagedQuery {
  path: string;
  /** Extra query parameters (section, filter, sort …); page and page-size are added here. */
  params?: [string, string][];
  pageSize: number;
  /** Called after each page with the rows read so far and Jamf's totalCount (progress for large fleets). */
  onPage?: (read: number, total: number) => void;
}

/** Safety bound: a fleet of 2000 × 10 000 rows is far beyond any Jamf instance. */
const MAX_PAGES = 10_000;

export async function fetchAllPages<T>(http: JamfHttp, query: PagedQuery, item: Schema<T>, idOf: (row: T) => string): Promise<T[]> {
  const schema = pageOf(item) as unknown as Schema<{ totalCount: number; results: T[] }>;
  const rows = new Map<string, T>();
  let size = query.pageSize;
  let page = 0;
  let seen = 0;
  let total = Infinity;
  let endpoint = query.path;
  while (seen < total) {
    if (page >= MAX_PAGES) break;
    const params = new URLSearchParams(query.params);
    params.set('page', String(page));
    params.set('page-size', String(size));
    endpoint = `GET ${query.path}?${decodeURIComponent(params.toString())}`;
    const res = await http.get(query.path, schema, params);
    total = res.totalCount;
    // Past the end Jamf answers an empty page with the real totalCount: nothing more to read.
    if (res.results.length === 0) break;
    for (const r of res.results) rows.set(idOf(r), r);
    seen += res.results.length;
    query.onPage?.(seen, total);
    if (page === 0 && res.results.length < size && seen < total) {
      // The server clamped page-size. Ask for exactly that from now on; page 1 starts right after page 0.
      size = res.results.length;
    }
    page++;
  }
  if (seen < total) {
    throw new JamfError({
      kind: 'incomplete',
      endpoint,
      detail: `read ${seen} of ${total} rows before the pages ran out`,
      hint: 'the inventory changed during the sync; the next sync reads it again',
    });
  }
  return [...rows.values()];
}
