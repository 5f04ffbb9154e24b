import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ZodError } from 'zod';
import type { JamfDeviceKind } from '../../jamf/device.js';
import { parseWebhook, type ParsedWebhook } from '../../jamf/webhook-schemas.js';
import type { Logger } from '../../log/logger.js';
import { checkWebhookAuth } from '../auth.js';
import type { JamfWebhookSettings } from '../config.js';
import type { PostureLike } from '../events.js';
import { mediaType, type Reply, type Route } from '../http-io.js';
import { ReplayCache } from '../replay-cache.js';
import type { Job, WorkQueue } from '../work-queue.js';
import type { CompliantGroups } from './groups.js';
import { fullSyncJob, refreshJob } from './refresh.js';

// POST /jamf/webhook: authenticate (Basic or a header, constant time), parse Jamf's JSON, drop replays, and
// queue a fetch from Jamf for every device the event names. The answer (202) does not wait for Jamf: the
// webhook's read timeout is a few seconds.

export interface WebhookRouteDeps {
  settings: JamfWebhookSettings;
  posture: PostureLike;
  queue: WorkQueue;
  groups: CompliantGroups;
  log: Logger;
  now: () => number;
}

/** Fingerprints remembered against replays; a Jamf server sends far fewer webhooks than this per TTL. */
const REPLAY_CAPACITY = 50_000;

function error(status: number, reason: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: reason }, reason, headers };
}

function describeZod(err: ZodError): string {
  const issue = err.issues[0];
  return `${issue.path.join('.') || '(top)'}: ${issue.message}`;
}

type Plan =
  | { kind: 'ignore'; reason: string }
  | { kind: 'devices'; deviceKind: JamfDeviceKind; ids: string[] }
  | { kind: 'sync'; reason: string };

export function webhookRoute(deps: WebhookRouteDeps): Route {
  const { settings, posture, queue, groups, log, now } = deps;
  const seen = new ReplayCache({ capacity: REPLAY_CAPACITY, now });
  const challenge = settings.auth.kind === 'basic' ? { 'www-authenticate': 'Basic realm="portcullis", charset="UTF-8"' } : undefined;

  async function plan(w: ParsedWebhook): Promise<Plan> {
    switch (w.type) {
      case 'SmartGroupComputerMembershipChange':
      case 'SmartGroupMobileDeviceMembershipChange': {
        const deviceKind: JamfDeviceKind = w.type === 'SmartGroupComputerMembershipChange' ? 'computer' : 'mobile';
        if (!(await groups.includes(deviceKind, w.event.groupId, w.event.name))) {
          return { kind: 'ignore', reason: `smart group ${w.event.groupId} is not a configured compliant group` };
        }
        const ids = [...new Set([...w.event.added, ...w.event.removed].map(String))];
        if (ids.length > settings.maxDevicesPerEvent) return { kind: 'sync', reason: `${ids.length} devices changed membership` };
        return { kind: 'devices', deviceKind, ids };
      }
      case 'ComputerInventoryCompleted':
        return { kind: 'devices', deviceKind: 'computer', ids: [String(w.event.jssID)] };
      case 'MobileDeviceInventoryCompleted':
        return { kind: 'devices', deviceKind: 'mobile', ids: [String(w.event.jssID)] };
      default:
        return { kind: 'ignore', reason: `event ${w.type === 'other' ? w.webhookEvent : w.type} is not used` };
    }
  }

  return {
    name: 'jamf-webhook',
    error: (status, reason) => error(status, reason),

    precheck(req: IncomingMessage): Reply | undefined {
      const verdict = checkWebhookAuth(req.headers, settings.auth);
      return verdict.ok ? undefined : error(401, `authentication failed: ${verdict.reason}`, challenge);
    },

    handle: (body, req) => handleBody(body, req),
  };

  async function handleBody(body: Buffer, req: IncomingMessage): Promise<Reply> {
    if (/xml/.test(mediaType(req))) return error(415, 'XML webhooks are not supported: set the webhook content type to JSON in Jamf Pro');
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (err) {
      return error(400, `malformed JSON: ${(err as Error).message}`);
    }
    let hook: ParsedWebhook;
    try {
      hook = parseWebhook(json);
    } catch (err) {
      if (err instanceof ZodError) return error(400, `not a Jamf webhook payload: ${describeZod(err)}`);
      throw err;
    }
    const fingerprint = `${hook.webhookId}:${hook.timestamp}:${createHash('sha256').update(body).digest('base64url')}`;
    if (!seen.claim(fingerprint, now() + settings.replayTtlMs)) {
      log.info({ webhookId: hook.webhookId, event: hook.type }, 'duplicate Jamf webhook ignored');
      return { status: 202, body: { status: 'duplicate' } };
    }
    let p: Plan;
    try {
      p = await plan(hook);
    } catch (err) {
      seen.delete(fingerprint); // not acted on: a redelivery may try again
      throw err;
    }
    if (p.kind === 'ignore') {
      log.debug({ webhookId: hook.webhookId, reason: p.reason }, 'Jamf webhook ignored');
      return { status: 202, body: { status: 'ignored', reason: p.reason } };
    }
    const jobs: Job[] = p.kind === 'sync' ? [fullSyncJob(posture)] : p.ids.map((id) => refreshJob(posture, log, p.deviceKind, id));
    if (!queue.tryAdd(jobs)) {
      seen.delete(fingerprint);
      return error(503, `work queue full (${queue.size} waiting); try again later`, { 'retry-after': '5' });
    }
    if (p.kind === 'sync') log.info({ webhookId: hook.webhookId, reason: p.reason }, 'Jamf webhook: full sync instead of single fetches');
    else log.debug({ webhookId: hook.webhookId, event: hook.type, devices: p.ids.length }, 'Jamf webhook accepted');
    return { status: 202, body: { status: 'accepted', devices: p.kind === 'sync' ? 'all' : p.ids.length } };
  }
}
