import { JamfError } from './errors.js';
import type { JamfHttp, Schema } from './http.js';

// Reads every page of a Pro API list ({totalCount, results}). Jamf silently clamps page-size (to 2000 on
// current servers), so a page shorter than asked for is not the end: the loop runs until it has seen
// totalCount rows. When the first page shows the clamp, the page size is lowered to what the server gives,
// so page N still starts at row N × size.
//
// `convert` turns each row into what the caller keeps as soon as the row is parsed (JamfHttp.getRows), so
// a large fleet never holds a page's parsed JSON, let alone every page's: 85,000 inventory rows are many
// times the size of the devices made from them.

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

export async function fetchAllPages<T, U = T>(
  http: JamfHttp,
  query: PagedQuery,
  item: Schema<T>,
  idOf: (row: T) => string,
  convert?: (row: T) => U,
): Promise<U[]> {
  const keep = convert ?? ((row: T) => row as unknown as U);
  // By id: a row that moved to the next page while we read (inventory changed) is kept once.
  const rows = new UniqueRows<U>();
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
    const res = await http.getRows(query.path, item, params, (r) => rows.add(idOf(r), keep(r)));
    total = res.totalCount;
    const count = res.count;
    // Past the end Jamf answers an empty page with the real totalCount: nothing more to read.
    if (count === 0) break;
    seen += count;
    query.onPage?.(seen, total);
    if (page === 0 && count < size && seen < total) {
      // The server clamped page-size. Ask for exactly that from now on; page 1 starts right after page 0.
      size = count;
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
  return rows.rows;
}

/**
 * Rows kept once per id, in arrival order. The lists are sorted by id, so while ids keep increasing no
 * index is needed (a Map over 85,000 ids would be most of what a sync holds besides the devices); the first
 * id out of order builds one, and from then on a repeated id replaces its earlier row.
 */
class UniqueRows<U> {
  readonly rows: U[] = [];
  readonly #ids: string[] = [];
  #last = -Infinity;
  #index: Map<string, number> | undefined;

  add(id: string, row: U): void {
    if (this.#index === undefined) {
      const n = Number(id); // NaN (not a number) never compares greater: it builds the index
      if (n > this.#last) {
        this.#last = n;
        this.#push(id, row);
        return;
      }
      this.#index = new Map(this.#ids.map((seen, i) => [seen, i]));
    }
    const at = this.#index.get(id);
    if (at === undefined) {
      this.#index.set(id, this.rows.length);
      this.#push(id, row);
    } else {
      this.rows[at] = row;
    }
  }

  #push(id: string, row: U): void {
    this.rows.push(row);
    this.#ids.push(id);
  }
}
