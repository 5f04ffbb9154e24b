// One shared copy of the values that repeat across a fleet (model names, OS versions, compliant-group
// lists): 100,000 devices carry a few hundred distinct ones, so per-device copies would be most of the
// index's memory. Bounded: an unusual fleet with endless distinct values only stops sharing, never grows
// the pool without limit.

const MAX_ENTRIES = 8192;

const strings = new Map<string, string>();
const lists = new Map<string, readonly string[]>();

/** The pooled copy of `value` (undefined stays undefined). */
export function intern(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const have = strings.get(value);
  if (have !== undefined) return have;
  if (strings.size >= MAX_ENTRIES) strings.clear();
  strings.set(value, value);
  return value;
}

/** An empty list shared by every device in no compliant group (frozen: shared values must not change). */
export const NO_GROUPS: string[] = Object.freeze([]) as unknown as string[];

/**
 * The pooled, frozen copy of a list of names (compliant groups). Typed as string[] so it fits JamfDevice,
 * but frozen: code that tried to push onto a shared list would throw instead of changing every device.
 */
export function internList(values: readonly string[]): string[] {
  if (values.length === 0) return NO_GROUPS;
  const key = values.join('\u0000');
  const have = lists.get(key);
  if (have !== undefined) return have as string[];
  if (lists.size >= MAX_ENTRIES) lists.clear();
  const list = Object.freeze(values.map((v) => intern(v)!));
  lists.set(key, list);
  return list as string[];
}
