// Classic API (/JSSResource): XML by default, JSON (labelled text/plain) with Accept: application/json.
// Errors are HTML status pages. Webhook registration lives here because the Pro API has none.

import { Privilege } from './privileges.js';
import {
  computerBasic, computerGroup, computerRecord, mobileDeviceGroup, mobileDeviceListItem, mobileDeviceRecord, webhookRecord,
} from './render-classic.js';
import { classic, classicError, type Reply } from './responses.js';
import type { RequestContext, Route } from './router.js';
import { DeviceKind, type MockComputer, type MockGroup, type MockMobileDevice } from './types.js';
import { classicXml, xmlText } from './xml.js';

/** Webhook events Jamf Pro accepts (terraform-provider-jamfpro validator + JAWA). */
export const WEBHOOK_EVENTS: readonly string[] = [
  'ComputerAdded', 'ComputerCheckIn', 'ComputerInventoryCompleted', 'ComputerPatchPolicyCompleted', 'ComputerPolicyFinished',
  'ComputerPushCapabilityChanged', 'DeviceAddedToDEP', 'DeviceRateLimited', 'JSSShutdown', 'JSSStartup', 'MobileDeviceCheckIn',
  'MobileDeviceCommandCompleted', 'MobileDeviceEnrolled', 'MobileDeviceInventoryCompleted', 'MobileDevicePushSent',
  'MobileDeviceUnEnrolled', 'PatchSoftwareTitleUpdated', 'PushSent', 'RestAPIOperation', 'SCEPChallenge',
  'SmartGroupComputerMembershipChange', 'SmartGroupMobileDeviceMembershipChange', 'SmartGroupUserMembershipChange',
];

const accept = (ctx: RequestContext): string | undefined => ctx.headers.accept;
const macKey = (mac: string): string => mac.replace(/[^0-9a-f]/gi, '').toLowerCase();

function findComputer(ctx: RequestContext): MockComputer | undefined {
  const { by, value } = ctx.params;
  const v = value.toLowerCase();
  if (by === 'id') return /^\d+$/.test(value) ? ctx.state.computers.get(Number(value)) : undefined;
  for (const c of ctx.state.computers.values()) {
    if (by === 'udid' && c.udid.toLowerCase() === v) return c;
    if (by === 'serialnumber' && c.serialNumber.toLowerCase() === v) return c;
    if (by === 'name' && c.name.toLowerCase() === v) return c;
    if (by === 'macaddress' && (macKey(c.macAddress) === macKey(v) || macKey(c.altMacAddress) === macKey(v))) return c;
  }
  return undefined;
}

function findMobile(ctx: RequestContext): MockMobileDevice | undefined {
  const { by, value } = ctx.params;
  const v = value.toLowerCase();
  if (by === 'id') return /^\d+$/.test(value) ? ctx.state.mobileDevices.get(Number(value)) : undefined;
  for (const m of ctx.state.mobileDevices.values()) {
    if (by === 'udid' && m.udid.toLowerCase() === v) return m;
    if (by === 'serialnumber' && m.serialNumber.toLowerCase() === v) return m;
    if (by === 'name' && m.name.toLowerCase() === v) return m;
    if (by === 'macaddress' && macKey(m.wifiMacAddress) === macKey(v)) return m;
  }
  return undefined;
}

function findGroup(ctx: RequestContext, kind: DeviceKind): MockGroup | undefined {
  const { by, value } = ctx.params;
  if (by === 'id') return /^\d+$/.test(value) ? ctx.state.groups(kind).get(Number(value)) : undefined;
  return by === 'name' ? ctx.state.group(kind, value) : undefined;
}

/** Static groups additionally need the "Read Static … Groups" privilege. */
function groupReply(ctx: RequestContext, kind: DeviceKind): Reply {
  const g = findGroup(ctx, kind);
  if (!g) return classicError(404);
  const staticPrivilege = kind === DeviceKind.computer ? Privilege.readStaticComputerGroups : Privilege.readStaticMobileDeviceGroups;
  if (!g.smart && !ctx.grant?.privileges.has(staticPrivilege)) return classicError(403);
  return classic(accept(ctx), kind === DeviceKind.computer ? computerGroup(g, ctx.state) : mobileDeviceGroup(g, ctx.state));
}

function groupList(ctx: RequestContext, kind: DeviceKind): Reply {
  const groups = [...ctx.state.groups(kind).values()].map((g) => ({ id: g.id, name: g.name, is_smart: g.smart }));
  return classic(accept(ctx), kind === DeviceKind.computer ? { computer_groups: groups } : { mobile_device_groups: groups });
}

// --- webhooks ----------------------------------------------------------------------------------

function createWebhook(ctx: RequestContext): Reply {
  const type = String(ctx.headers['content-type'] ?? '').toLowerCase();
  if (!/(application|text)\/xml/.test(type)) return classicError(415);
  const xml = ctx.body.toString('utf8');
  const name = xmlText(xml, 'name');
  if (!name) return classicError(409, 'Error: Problem with name');
  if ([...ctx.state.webhooks.values()].some((w) => w.name === name)) return classicError(409, 'Error: Duplicate name');
  const event = xmlText(xml, 'event') ?? '';
  if (!WEBHOOK_EVENTS.includes(event)) return classicError(409, 'Error: Invalid event');
  const int = (tag: string, fallback: number) => {
    const t = xmlText(xml, tag);
    return t !== undefined && /^-?\d+$/.test(t) ? Number(t) : fallback;
  };
  const hook = ctx.state.addWebhook({
    name, event, enabled: xmlText(xml, 'enabled') !== 'false', url: xmlText(xml, 'url') ?? '',
    contentType: xmlText(xml, 'content_type') ?? 'application/json', connectionTimeout: int('connection_timeout', 5),
    readTimeout: int('read_timeout', 2), authenticationType: (xmlText(xml, 'authentication_type') ?? 'NONE').toUpperCase(),
    username: xmlText(xml, 'username') ?? '', password: xmlText(xml, 'password') ?? '', header: xmlText(xml, 'header') ?? '',
    smartGroupId: int('smart_group_id', -1),
  });
  return { status: 201, headers: { 'content-type': 'application/xml;charset=UTF-8' }, body: classicXml({ webhook: { id: hook.id } }) };
}

function deleteWebhook(ctx: RequestContext): Reply {
  const id = Number(ctx.params.id);
  if (!/^\d+$/.test(ctx.params.id) || !ctx.state.removeWebhook(id)) return classicError(404);
  return { status: 200, headers: { 'content-type': 'application/xml;charset=UTF-8' }, body: classicXml({ webhook: { id } }) };
}

function getWebhook(ctx: RequestContext): Reply {
  const { by, value } = ctx.params;
  const hook = [...ctx.state.webhooks.values()].find((w) => (by === 'id' ? String(w.id) === value : by === 'name' && w.name === value));
  return hook ? classic(accept(ctx), webhookRecord(hook)) : classicError(404);
}

const P = Privilege;
const c = { auth: 'bearer' as const, classic: true };

export const classicRoutes: readonly Route[] = [
  { ...c, method: 'GET', path: '/JSSResource/computers', privileges: [P.readComputers],
    handle: (ctx) => classic(accept(ctx), { computers: [...ctx.state.computers.values()].map((x) => ({ id: x.id, name: x.name })) }) },
  { ...c, method: 'GET', path: '/JSSResource/computers/subset/basic', privileges: [P.readComputers],
    handle: (ctx) => classic(accept(ctx), { computers: [...ctx.state.computers.values()].map(computerBasic) }) },
  { ...c, method: 'GET', path: '/JSSResource/computers/{by}/{value}', privileges: [P.readComputers], handle: (ctx) => {
    const found = findComputer(ctx);
    return found ? classic(accept(ctx), computerRecord(found, ctx.state)) : classicError(404);
  } },
  { ...c, method: 'GET', path: '/JSSResource/computergroups', privileges: [P.readSmartComputerGroups], handle: (ctx) => groupList(ctx, DeviceKind.computer) },
  { ...c, method: 'GET', path: '/JSSResource/computergroups/{by}/{value}', privileges: [P.readSmartComputerGroups], handle: (ctx) => groupReply(ctx, DeviceKind.computer) },
  { ...c, method: 'GET', path: '/JSSResource/mobiledevices', privileges: [P.readMobileDevices],
    handle: (ctx) => classic(accept(ctx), { mobile_devices: [...ctx.state.mobileDevices.values()].map(mobileDeviceListItem) }) },
  { ...c, method: 'GET', path: '/JSSResource/mobiledevices/{by}/{value}', privileges: [P.readMobileDevices], handle: (ctx) => {
    const found = findMobile(ctx);
    return found ? classic(accept(ctx), mobileDeviceRecord(found, ctx.state)) : classicError(404);
  } },
  { ...c, method: 'GET', path: '/JSSResource/mobiledevicegroups', privileges: [P.readSmartMobileDeviceGroups], handle: (ctx) => groupList(ctx, DeviceKind.mobile) },
  { ...c, method: 'GET', path: '/JSSResource/mobiledevicegroups/{by}/{value}', privileges: [P.readSmartMobileDeviceGroups], handle: (ctx) => groupReply(ctx, DeviceKind.mobile) },
  { ...c, method: 'GET', path: '/JSSResource/webhooks', privileges: [P.readWebhooks],
    handle: (ctx) => classic(accept(ctx), { webhooks: [...ctx.state.webhooks.values()].map((w) => ({ id: w.id, name: w.name })) }) },
  { ...c, method: 'GET', path: '/JSSResource/webhooks/{by}/{value}', privileges: [P.readWebhooks], handle: getWebhook },
  { ...c, method: 'POST', path: '/JSSResource/webhooks/id/{id}', privileges: [P.createWebhooks], handle: createWebhook },
  { ...c, method: 'DELETE', path: '/JSSResource/webhooks/id/{id}', privileges: [P.deleteWebhooks], handle: deleteWebhook },
];
