// page / page-size / sort / filter for the Pro API's paged collections. Jamf silently clamps
// page-size (2000 on the wire, per jamf-cli's tests): totalCount stays right, the page is just shorter.
// Sorted and filtered views are cached per state version, so walking 50 pages of 100,000 devices sorts once.

import { badRequest, type Reply } from './responses.js';
import { compileFilter, RsqlError, type FieldMap, type FieldValue } from './rsql.js';

export type SortMap<T> = Readonly<Record<string, (item: T) => FieldValue>>;

export interface PageRequest {
  page: number;
  pageSize: number;
}

export interface ListSpec<T> {
  /** Cache key prefix: one per endpoint family. */
  name: string;
  items: () => Iterable<T>;
  filterFields: FieldMap<T>;
  sortFields: SortMap<T>;
  defaultSort: string;
  /** Tie-breaker so equal sort keys come back in a stable order. */
  id: (item: T) => number;
}

const DEFAULT_PAGE_SIZE = 100;

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number): number | Reply {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) return badRequest(name, `${name} must be an integer`);
  const n = Number(raw);
  if (n < min) return badRequest(name, `${name} must be at least ${min}`);
  return n;
}

/** Reads page and page-size; a page-size above the cap is clamped, not refused. */
export function parsePaging(query: URLSearchParams, cap: number): PageRequest | Reply {
  const page = integerParam(query, 'page', 0, 0);
  if (typeof page !== 'number') return page;
  const size = integerParam(query, 'page-size', DEFAULT_PAGE_SIZE, 1);
  if (typeof size !== 'number') return size;
  return { page, pageSize: Math.min(size, cap) };
}

export function pageOf<T>(items: readonly T[], p: PageRequest): T[] {
  const start = p.page * p.pageSize;
  return start >= items.length ? [] : items.slice(start, start + p.pageSize);
}

function compareValues(a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

type Comparator<T> = (a: T, b: T) => number;

function parseSort<T>(params: string[], spec: ListSpec<T>): Comparator<T> {
  const terms = (params.length > 0 ? params : [spec.defaultSort])
    .flatMap((p) => p.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const keys = terms.map((term) => {
    const [field, dir = 'asc'] = term.split(':');
    const get = spec.sortFields[field];
    if (!get) throw new RsqlError(`Sorting on field "${field}" is not allowed`, 'sort');
    if (!/^(asc|desc)$/i.test(dir)) throw new RsqlError(`sort direction must be asc or desc, got "${dir}"`, 'sort');
    return { get, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(k.get(a), k.get(b));
      if (c !== 0) return c * k.sign;
    }
    return spec.id(a) - spec.id(b);
  };
}

export class ViewCache {
  readonly #views = new Map<string, unknown[]>();
  #version = -1;

  /** The filtered, sorted list for this query; recomputed only when the state version changes. */
  view<T>(spec: ListSpec<T>, version: number, query: URLSearchParams, sortParams?: string[]): T[] | Reply {
    if (version !== this.#version) {
      this.#views.clear();
      this.#version = version;
    }
    const sort = sortParams ?? query.getAll('sort');
    const filter = query.get('filter') ?? '';
    const key = `${spec.name}\n${filter}\n${sort.join(',')}`;
    const hit = this.#views.get(key);
    if (hit) return hit as T[];
    try {
      const keep = compileFilter(filter, spec.filterFields);
      const compare = parseSort(sort, spec);
      const result: T[] = [];
      for (const item of spec.items()) if (keep(item)) result.push(item);
      result.sort(compare);
      if (this.#views.size >= 32) this.#views.clear();
      this.#views.set(key, result);
      return result;
    } catch (err) {
      if (err instanceof RsqlError) return badRequest(err.field, err.message);
      throw err;
    }
  }
}

export function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 'status' in x && 'body' in x && 'headers' in x;
}
