import type { JamfDeviceKind } from '../../jamf/device.js';
import type { JamfHttp } from '../../jamf/http.js';
import { resolveComputerGroup, resolveMobileGroup } from '../../jamf/smart-groups.js';

// Is the smart group a webhook talks about one of the configured compliant groups? By name (Jamf compares
// names case-insensitively) and, when the name does not match, by id: the configured names are resolved to
// ids through Jamf once and remembered for a while (a renamed group is picked up on the next resolution).

const ID_TTL_MS = 10 * 60_000;
/** A failed resolution is not retried sooner than this (a webhook burst must not become a Jamf burst). */
const RETRY_AFTER_MS = 30_000;

interface Resolved {
  ids: Set<string>;
  until: number;
}

export class CompliantGroups {
  readonly #http: JamfHttp;
  readonly #now: () => number;
  readonly #resolved = new Map<JamfDeviceKind, Resolved>();
  readonly #pending = new Map<JamfDeviceKind, Promise<Set<string>>>();

  constructor(http: JamfHttp, now: () => number = Date.now) {
    this.#http = http;
    this.#now = now;
  }

  #names(kind: JamfDeviceKind): readonly string[] {
    return kind === 'computer' ? this.#http.config.computerGroups : this.#http.config.mobileGroups;
  }

  /** True when the group (id and name from the webhook) is a configured compliant group of this kind. */
  async includes(kind: JamfDeviceKind, groupId: number, name: string): Promise<boolean> {
    const names = this.#names(kind);
    if (names.length === 0) return false;
    const lower = name.trim().toLowerCase();
    if (names.some((n) => n.toLowerCase() === lower)) return true;
    return (await this.#ids(kind)).has(String(groupId));
  }

  async #ids(kind: JamfDeviceKind): Promise<Set<string>> {
    const now = this.#now();
    const cached = this.#resolved.get(kind);
    if (cached && cached.until > now) return cached.ids;
    let pending = this.#pending.get(kind);
    if (!pending) {
      pending = this.#resolve(kind).finally(() => this.#pending.delete(kind));
      this.#pending.set(kind, pending);
    }
    return pending;
  }

  async #resolve(kind: JamfDeviceKind): Promise<Set<string>> {
    const resolve = kind === 'computer' ? resolveComputerGroup : resolveMobileGroup;
    const results = await Promise.allSettled(this.#names(kind).map((n) => resolve(this.#http, n)));
    const ids = new Set<string>();
    let failed = false;
    for (const r of results) {
      if (r.status === 'fulfilled') {
        if (r.value) ids.add(r.value.id);
      } else failed = true;
    }
    this.#resolved.set(kind, { ids, until: this.#now() + (failed ? RETRY_AFTER_MS : ID_TTL_MS) });
    return ids;
  }
}
