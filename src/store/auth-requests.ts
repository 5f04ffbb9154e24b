import type { PolicyRequest } from '../policy/types.js';
import type { Db } from './db.js';

// The policy inputs of recent authentications, read back from the auth log: what `policy diff` and CoA
// re-evaluate when the policy or a device's posture changes.

export interface StoredRequest {
  time: number;
  result: string;
  rule?: string;
  request: PolicyRequest;
}

/** The latest policy-evaluated authentication per NAS and device (MAC, else user), newest first. */
export function latestPolicyRequests(db: Db, since: number): StoredRequest[] {
  const rows = db.prepare(`
    SELECT time, result, details FROM auth_log WHERE id IN (
      SELECT max(id) FROM auth_log
      WHERE time >= ? AND details IS NOT NULL AND json_extract(details, '$.request') IS NOT NULL
      GROUP BY nas_name, coalesce(mac, user_name))
    ORDER BY time DESC`).all(since) as { time: number; result: string; details: string }[];
  const out: StoredRequest[] = [];
  for (const row of rows) {
    try {
      const details = JSON.parse(row.details) as { request?: PolicyRequest; policy?: { rule?: string } };
      if (details.request) out.push({ time: row.time, result: row.result, rule: details.policy?.rule, request: details.request });
    } catch {
      // A row written by an older version: nothing to re-evaluate.
    }
  }
  return out;
}
