import { readFileSync } from 'node:fs';
import got, { RequestError } from 'got';
import { z } from 'zod';
import type { Secret } from '../log/secret.js';
import { classicWebhookSchema } from './classic-schemas.js';
import { classicXmlToJson, looksLikeXml } from './classic-xml.js';
import { JamfError, classifyNetworkError, summariseErrorBody } from './errors.js';
import type { JamfHttp } from './http.js';
import { resolveComputerGroup, resolveMobileGroup } from './smart-groups.js';

// Webhook registration (Classic API only: the Pro API has no webhook endpoints). What portcullis registers:
// one SmartGroup…MembershipChange webhook per configured compliant group (Jamf ties a membership webhook to
// one smart group) and one …InventoryCompleted per device kind in use, all with the configured
// authentication. Privileges: Read Webhooks, Create Webhooks.

export const NAC_WEBHOOK_EVENTS = [
  'SmartGroupComputerMembershipChange', 'SmartGroupMobileDeviceMembershipChange', 'ComputerInventoryCompleted', 'MobileDeviceInventoryCompleted',
] as const;
export type NacWebhookEvent = (typeof NAC_WEBHOOK_EVENTS)[number];

/** How Jamf authenticates to the receiver (the push.jamf_webhook.auth settings). */
export type WebhookCredentials = { kind: 'basic'; username: string; password: Secret } | { kind: 'header'; name: string; value: Secret };

export interface JamfWebhook {
  id: string;
  name: string;
  enabled: boolean;
  url: string;
  event: string;
  contentType?: string;
  authenticationType?: string;
  smartGroupId?: number;
}

export interface WebhookSpec {
  name: string;
  url: string;
  event: NacWebhookEvent;
  /** Membership events: the watched smart group. */
  smartGroupId?: number;
  /** For messages: the configured group name. */
  groupName?: string;
}

const listSchema = z.object({ webhooks: z.array(z.object({ id: z.union([z.number(), z.string()]).transform(String), name: z.string() })).default([]) });
const createdSchema = z.object({ webhook: z.object({ id: z.union([z.number(), z.string()]).transform(String) }) });

/** Every webhook Jamf has, with URL, event and group (one GET per webhook: the list gives names only). */
export async function listWebhooks(http: JamfHttp): Promise<JamfWebhook[]> {
  const list = await http.get('JSSResource/webhooks', listSchema);
  const out: JamfWebhook[] = [];
  for (const row of list.webhooks) {
    const w = (await http.get(`JSSResource/webhooks/id/${encodeURIComponent(row.id)}`, classicWebhookSchema)).webhook;
    out.push({
      id: w.id, name: w.name, enabled: w.enabled ?? true, url: w.url, event: w.event, contentType: w.content_type,
      authenticationType: w.authentication_type, smartGroupId: w.smart_group_id !== undefined && w.smart_group_id > 0 ? w.smart_group_id : undefined,
    });
  }
  return out;
}

/** The receiver's webhook URL for a base URL ("https://nac.example:8443" → ".../jamf/webhook"). */
export function webhookUrl(base: string): string {
  const u = new URL(base);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new TypeError(`${base} is not an http(s) URL`);
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = path.endsWith('/jamf/webhook') ? path : `${path}/jamf/webhook`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The Classic XML body for POST /JSSResource/webhooks/id/0 (timeouts in seconds, as Jamf's docs). */
export function webhookXml(spec: WebhookSpec, auth: WebhookCredentials): string {
  const el = (tag: string, value: string | number | boolean) => `<${tag}>${escapeXml(String(value))}</${tag}>`;
  const authXml = auth.kind === 'basic'
    ? el('authentication_type', 'BASIC') + el('username', auth.username) + el('password', auth.password.reveal().toString('utf8'))
    : el('authentication_type', 'HEADER') + el('header', JSON.stringify({ [auth.name]: auth.value.reveal().toString('utf8') }));
  return `<?xml version="1.0" encoding="UTF-8"?><webhook>${el('name', spec.name)}${el('enabled', true)}${el('url', spec.url)}` +
    `${el('content_type', 'application/json')}${el('event', spec.event)}${el('connection_timeout', 5)}${el('read_timeout', 5)}` +
    `${authXml}${spec.smartGroupId !== undefined ? el('smart_group_id', spec.smartGroupId) : ''}</webhook>`;
}

/**
 * The webhooks portcullis needs for this Jamf config and receiver URL. Throws when a configured group does not
 * exist in Jamf (a membership webhook needs its id).
 */
export async function plannedWebhooks(http: JamfHttp, baseUrl: string): Promise<WebhookSpec[]> {
  const url = webhookUrl(baseUrl);
  const specs: WebhookSpec[] = [];
  const kinds = [
    { names: http.config.computerGroups, resolve: resolveComputerGroup, membership: 'SmartGroupComputerMembershipChange', inventory: 'ComputerInventoryCompleted' },
    { names: http.config.mobileGroups, resolve: resolveMobileGroup, membership: 'SmartGroupMobileDeviceMembershipChange', inventory: 'MobileDeviceInventoryCompleted' },
  ] as const;
  for (const k of kinds) {
    if (k.names.length === 0) continue;
    for (const name of k.names) {
      const group = await k.resolve(http, name);
      if (!group) throw new Error(`smart group "${name}" was not found in Jamf (check jamf.${k.membership.includes('Computer') ? 'computer_groups' : 'mobile_device_groups'})`);
      specs.push({ name: `portcullis: ${group.jamfName} membership`, url, event: k.membership, smartGroupId: Number(group.id), groupName: group.jamfName });
    }
    specs.push({ name: `portcullis: ${k.inventory}`, url, event: k.inventory });
  }
  return specs;
}

/** Same URL, event and (for membership events) group: the webhook is already there. */
export function sameWebhook(a: JamfWebhook, b: WebhookSpec): boolean {
  return a.url === b.url && a.event === b.event && (b.smartGroupId === undefined || a.smartGroupId === b.smartGroupId);
}

/** Creates one webhook; returns its id. Throws JamfError (403 → missing "Create Webhooks" privilege, 409 → Jamf's reason). */
export async function createWebhook(http: JamfHttp, spec: WebhookSpec, auth: WebhookCredentials): Promise<string> {
  const { config } = http;
  const endpoint = 'POST JSSResource/webhooks/id/0';
  const ca = config.tls.verify && config.tls.caFile ? readFileSync(config.tls.caFile) : undefined;
  const token = await http.token();
  let res;
  try {
    res = await got.post(`${config.url}/JSSResource/webhooks/id/0`, {
      body: webhookXml(spec, auth),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml', accept: 'application/xml', 'user-agent': 'portcullis-nac' },
      https: { rejectUnauthorized: config.tls.verify, certificateAuthority: ca },
      timeout: { connect: config.timeouts.connectMs, request: config.timeouts.requestMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  } catch (err) {
    const code = err instanceof RequestError ? err.code : undefined;
    const { kind, hint } = classifyNetworkError(code, new URL(config.url).host, config.timeouts.requestMs);
    throw new JamfError({ kind, endpoint, code, hint });
  }
  if (res.statusCode !== 201 && res.statusCode !== 200) {
    const hint = res.statusCode === 403 ? 'the API client needs the "Create Webhooks" privilege'
      : res.statusCode === 409 ? `Jamf refused the webhook "${spec.name}" (a webhook with this name may exist with another URL: delete or rename it)` : undefined;
    throw new JamfError({ kind: 'http', endpoint, status: res.statusCode, jamfBody: summariseErrorBody(res.body), hint });
  }
  const value = looksLikeXml(res.body) ? classicXmlToJson(res.body) : JSON.parse(res.body);
  return createdSchema.parse(value).webhook.id;
}

export interface RegisterResult {
  created: (WebhookSpec & { id: string })[];
  existing: (WebhookSpec & { id: string })[];
}

/** Creates the planned webhooks that Jamf does not have yet (same URL + event + group); skips the others. */
export async function registerWebhooks(http: JamfHttp, baseUrl: string, auth: WebhookCredentials): Promise<RegisterResult> {
  const planned = await plannedWebhooks(http, baseUrl);
  const have = await listWebhooks(http);
  const result: RegisterResult = { created: [], existing: [] };
  for (const spec of planned) {
    const found = have.find((w) => sameWebhook(w, spec));
    if (found) {
      result.existing.push({ ...spec, id: found.id });
      continue;
    }
    result.created.push({ ...spec, id: await createWebhook(http, spec, auth) });
  }
  return result;
}
