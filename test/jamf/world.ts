// A small fleet served the way Jamf serves it (test only): Pro API endpoints with RSQL `==` filters, paging
// with a silent page-size clamp, and the Classic API for servers that lack the Pro endpoints.
import { page, tokenIssuer, type StubHandler, type StubReply, type StubRequest } from './stub.js';

export interface FakeComputer {
  id: string;
  udid: string;
  name: string;
  serial: string;
  mac: string;
  altMac?: string;
  managed: boolean;
  os: string;
}

export interface FakeMobile {
  id: string;
  udid: string;
  name: string;
  serial: string;
  wifiMac: string;
  managed: boolean;
  os: string;
}

export interface FakeGroup {
  id: string;
  name: string;
  members: string[];
}

export interface World {
  computers: FakeComputer[];
  mobiles: FakeMobile[];
  computerGroups: FakeGroup[];
  mobileGroups: FakeGroup[];
  /** Page-size Jamf clamps to without saying so. */
  clamp: number;
  /** Paths (prefixes) answered 404, as on an older server. */
  missing: string[];
  /** Per-path overrides (403s, 500s …). */
  override?: (req: StubRequest) => StubReply | undefined;
}

export function computer(n: number, extra: Partial<FakeComputer> = {}): FakeComputer {
  const hex = n.toString(16).padStart(2, '0');
  return {
    id: String(n),
    udid: `0000${hex}00-1111-2222-3333-44445555${hex}${hex}`.toUpperCase(),
    name: `mac-${n}`,
    serial: `C02SERIAL${String(n).padStart(3, '0')}`,
    mac: `AA:00:00:00:00:${hex.toUpperCase()}`,
    altMac: `bb:00:00:00:00:${hex}`,
    managed: true,
    os: '14.5',
    ...extra,
  };
}

export function mobile(n: number, extra: Partial<FakeMobile> = {}): FakeMobile {
  const hex = n.toString(16).padStart(2, '0');
  return {
    id: String(n),
    udid: `00008030-0012345678${hex}001e`,
    name: `iphone-${n}`,
    serial: `DMQSERIAL${String(n).padStart(3, '0')}`,
    wifiMac: `cc:00:00:00:00:${hex}`,
    managed: true,
    os: '17.5',
    ...extra,
  };
}

/** field=="value" → [field, value]; the only RSQL form the client sends. */
function equalsFilter(q: URLSearchParams): [string, string] | undefined {
  const m = /^([\w.]+)=="((?:[^"\\]|\\.)*)"$/.exec(q.get('filter') ?? '');
  return m ? [m[1], m[2].replace(/\\(.)/g, '$1')] : undefined;
}

function filtered<T>(rows: T[], q: URLSearchParams, fields: Record<string, (row: T) => string | undefined>): T[] {
  const f = equalsFilter(q);
  if (!f) return rows;
  const get = fields[f[0]];
  if (!get) throw new Error(`stub: field ${f[0]} is not filterable`);
  return rows.filter((r) => get(r)?.toLowerCase() === f[1].toLowerCase());
}

function computerInventory(w: World, c: FakeComputer) {
  return {
    id: c.id,
    udid: c.udid,
    general: { name: c.name, reportDate: '2024-06-19T15:54:37.692Z', remoteManagement: { managed: c.managed }, platform: 'Mac' },
    hardware: { serialNumber: c.serial, macAddress: c.mac, altMacAddress: c.altMac ?? '', model: 'MacBook Pro', networkAdapterType: 'IEEE80211' },
    operatingSystem: { name: 'macOS', version: c.os },
    groupMemberships: w.computerGroups.filter((g) => g.members.includes(c.id)).map((g) => ({ groupId: g.id, groupName: g.name, smartGroup: true })),
    diskEncryption: null,
  };
}

function mobileDetail(w: World, m: FakeMobile) {
  return {
    mobileDeviceId: m.id,
    deviceType: 'iOS',
    general: { udid: m.udid, displayName: m.name, osVersion: m.os, managed: m.managed, lastInventoryUpdateDate: '2024-06-20T08:00:00Z' },
    hardware: { serialNumber: m.serial, wifiMacAddress: m.wifiMac, model: 'iPhone 15' },
    groups: w.mobileGroups.filter((g) => g.members.includes(m.id)).map((g) => ({ groupId: g.id, groupName: g.name, smart: true })),
  };
}

function membershipRow(m: FakeMobile) {
  return { mobileDeviceId: m.id, udid: m.udid, displayName: m.name, serialNumber: m.serial, wifiMacAddress: m.wifiMac, managed: m.managed, osVersion: m.os, model: 'iPhone 15', lastInventoryUpdateDate: '2024-06-20T08:00:00Z' };
}

export function worldHandler(w: World): StubHandler {
  const token = tokenIssuer();
  return (req) => {
    const t = token(req);
    if (t) return t;
    const o = w.override?.(req);
    if (o) return o;
    if (w.missing.some((m) => req.path.startsWith(m))) return { status: 404, json: { httpStatus: 404, errors: [] } };
    const q = req.query;
    const p = req.path;
    let m: RegExpExecArray | null;
    if (/^api\/v[14]\/computers-inventory$/.test(p)) {
      const rows = filtered(w.computers, q, { udid: (c) => c.udid, 'hardware.macAddress': (c) => c.mac, 'hardware.serialNumber': (c) => c.serial });
      return { json: page(rows.map((c) => computerInventory(w, c)), q, w.clamp) };
    }
    if (/^api\/v[23]\/computer-groups\/smart-groups$/.test(p)) {
      const rows = filtered(w.computerGroups, q, { name: (g) => g.name });
      return { json: page(rows.map((g) => ({ id: g.id, name: g.name, siteId: '-1', membershipCount: g.members.length })), q, w.clamp) };
    }
    if ((m = /^api\/v[23]\/computer-groups\/smart-group-membership\/(\w+)$/.exec(p))) {
      const g = w.computerGroups.find((x) => x.id === m![1]);
      return g ? { json: { members: g.members.map(Number) } } : { status: 404, json: { httpStatus: 404, errors: [{ code: 'NOT_FOUND', field: '', description: 'not found' }] } };
    }
    if (/^api\/v[12]\/mobile-device-groups\/smart-groups$/.test(p)) {
      const rows = filtered(w.mobileGroups, q, { groupName: (g) => g.name });
      return { json: page(rows.map((g) => ({ groupId: g.id, groupName: g.name, siteId: '-1', count: g.members.length })), q, w.clamp) };
    }
    if ((m = /^api\/v[12]\/mobile-device-groups\/smart-group-membership\/(\w+)$/.exec(p))) {
      const g = w.mobileGroups.find((x) => x.id === m![1]);
      if (!g) return { status: 404, json: { httpStatus: 404, errors: [] } };
      return { json: page(w.mobiles.filter((d) => g.members.includes(d.id)).map(membershipRow), q, w.clamp) };
    }
    if (p === 'api/v2/mobile-devices/detail') {
      const rows = filtered(w.mobiles, q, { udid: (d) => d.udid, wifiMacAddress: (d) => d.wifiMac, serialNumber: (d) => d.serial });
      return { json: page(rows.map((d) => mobileDetail(w, d)), q, w.clamp) };
    }
    if (p === 'api/v2/mobile-devices') return { json: page(w.mobiles.map((d) => ({ id: d.id, name: d.name, udid: d.udid })), q, w.clamp) };
    if (p === 'api/v1/jamf-pro-version') return { json: { version: '11.30.1-t1784555528405' } };
    return classic(w, req);
  };
}

/** The Classic API, in JSON as Jamf sends it (text/plain). */
function classic(w: World, req: StubRequest): StubReply {
  const p = req.path;
  const json = (v: unknown): StubReply => ({ body: JSON.stringify(v), headers: { 'content-type': 'text/plain;charset=UTF-8' } });
  const notFound: StubReply = { status: 404, body: '<html><body><p>The server has not found anything matching the request URI</p></body></html>', headers: { 'content-type': 'text/html' } };
  let m: RegExpExecArray | null;
  if (p === 'JSSResource/computergroups') return json({ computer_groups: [...w.computerGroups.map((g) => ({ id: Number(g.id), name: g.name, is_smart: true })), { id: 99, name: 'Static Stuff', is_smart: false }] });
  if ((m = /^JSSResource\/computergroups\/id\/(\d+)$/.exec(p))) {
    const g = w.computerGroups.find((x) => x.id === m![1]);
    if (!g) return notFound;
    const computers = w.computers.filter((c) => g.members.includes(c.id)).map((c) => ({ id: Number(c.id), name: c.name, mac_address: c.mac, alt_mac_address: c.altMac ?? '', serial_number: c.serial }));
    return json({ computer_group: { id: Number(g.id), name: g.name, is_smart: true, site: { id: -1, name: 'None' }, criteria: [], computers } });
  }
  if (p === 'JSSResource/computers/subset/basic') {
    return json({ computers: w.computers.map((c) => ({ id: Number(c.id), name: c.name, managed: c.managed, model: 'MacBookPro18,1', mac_address: c.mac, udid: c.udid, serial_number: c.serial, report_date_utc: '2020-08-03T12:24:29.968+0000', report_date_epoch: 1596457469968 })) });
  }
  if ((m = /^JSSResource\/computers\/(udid|macaddress|serialnumber)\/(.+)$/.exec(p))) {
    const v = decodeURIComponent(m[2]).toLowerCase();
    const c = w.computers.find((x) => (m![1] === 'udid' ? x.udid : m![1] === 'macaddress' ? x.mac : x.serial).toLowerCase() === v);
    if (!c) return notFound;
    return json({ computer: { general: { id: Number(c.id), name: c.name, mac_address: c.mac, alt_mac_address: c.altMac ?? '', udid: c.udid, serial_number: c.serial, remote_management: { managed: c.managed }, report_date_utc: '2020-08-03T12:24:29.968+0000', report_date_epoch: 1596457469968 }, hardware: { model: 'MacBook Pro', os_version: c.os }, groups_accounts: { computer_group_memberships: w.computerGroups.filter((g) => g.members.includes(c.id)).map((g) => g.name) } } });
  }
  if (p === 'JSSResource/mobiledevicegroups') return json({ mobile_device_groups: w.mobileGroups.map((g) => ({ id: Number(g.id), name: g.name, is_smart: true })) });
  if ((m = /^JSSResource\/mobiledevicegroups\/id\/(\d+)$/.exec(p))) {
    const g = w.mobileGroups.find((x) => x.id === m![1]);
    if (!g) return notFound;
    const mobile_devices = w.mobiles.filter((d) => g.members.includes(d.id)).map((d) => ({ id: Number(d.id), name: d.name, udid: d.udid, serial_number: d.serial, wifi_mac_address: d.wifiMac }));
    return json({ mobile_device_group: { id: Number(g.id), name: g.name, is_smart: true, mobile_devices } });
  }
  if (p === 'JSSResource/mobiledevices') {
    return json({ mobile_devices: w.mobiles.map((d) => ({ id: Number(d.id), name: d.name, udid: d.udid, serial_number: d.serial, wifi_mac_address: d.wifiMac, managed: d.managed, model: 'iPhone 15', os_version: d.os })) });
  }
  return notFound;
}
