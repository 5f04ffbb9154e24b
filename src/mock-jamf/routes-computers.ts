// /api/v1|v3|v4/computers-inventory (paged, section=, sort, RSQL filter) and single records.
// v3 is answered in the v4 shape (the schema we have documents v1 and v4 only).

import { COMPUTER_SECTIONS, InventoryVersion, iso, renderComputer, sectionsFor } from './render-computer.js';
import { isReply, pageOf, parsePaging, type ListSpec, type SortMap } from './paging.js';
import { Privilege } from './privileges.js';
import { badRequest, json, notFound, type Reply } from './responses.js';
import type { RequestContext, Route } from './router.js';
import type { FieldMap } from './rsql.js';
import type { MockComputer } from './types.js';

function sortFields(v: InventoryVersion): SortMap<MockComputer> {
  return {
    'general.name': (c) => c.name,
    udid: (c) => c.udid,
    id: (c) => c.id,
    'general.assetTag': () => '',
    'general.reportDate': (c) => c.reportDate,
    'general.lastEnrolledDate': (c) => c.lastEnrolled,
    'general.platform': () => 'Mac',
    ...(v === 'v1'
      ? { 'general.lastContactTime': (c: MockComputer) => c.lastContact }
      : { 'general.lastContact': (c: MockComputer) => c.lastContact, 'general.lastCheckIn': (c: MockComputer) => c.lastContact }),
    'hardware.make': () => 'Apple',
    'hardware.model': (c) => c.model,
    'operatingSystem.build': (c) => c.osBuild,
    'operatingSystem.name': () => 'macOS',
    'operatingSystem.version': (c) => c.osVersion,
    'userAndLocation.realname': (c) => c.realName,
  };
}

// hardware.altMacAddress is deliberately absent: Jamf does not allow filtering on it.
function filterFields(v: InventoryVersion): FieldMap<MockComputer> {
  return {
    'general.name': (c) => c.name,
    udid: (c) => c.udid,
    id: (c) => c.id,
    'general.assetTag': () => '',
    'general.barcode1': () => '',
    'general.enrolledViaAutomatedDeviceEnrollment': (c) => c.supervised,
    'general.lastIpAddress': (c) => c.ipAddress,
    'general.reportDate': (c) => iso(c.reportDate),
    'general.lastEnrolledDate': (c) => iso(c.lastEnrolled),
    ...(v === 'v1'
      ? { 'general.lastContactTime': (c: MockComputer) => iso(c.lastContact), 'general.lastReportedIp': (c: MockComputer) => c.ipAddress }
      : { 'general.lastContact': (c: MockComputer) => iso(c.lastContact), 'general.lastCheckIn': (c: MockComputer) => iso(c.lastContact) }),
    'general.lastReportedIpV4': (c) => c.ipAddress,
    'general.managementId': (c) => c.managementId,
    'general.remoteManagement.managed': (c) => c.managed,
    'general.mdmCapable.capable': (c) => c.managed,
    'general.platform': () => 'Mac',
    'general.supervised': (c) => c.supervised,
    'general.userApprovedMdm': (c) => c.managed,
    'hardware.macAddress': (c) => c.macAddress,
    'hardware.make': () => 'Apple',
    'hardware.model': (c) => c.model,
    'hardware.modelIdentifier': (c) => c.modelIdentifier,
    'hardware.serialNumber': (c) => c.serialNumber,
    'hardware.appleSilicon': (c) => c.appleSilicon,
    'operatingSystem.name': () => 'macOS',
    'operatingSystem.version': (c) => c.osVersion,
    'operatingSystem.build': (c) => c.osBuild,
    'operatingSystem.fileVault2Status': (c) => (c.fileVault2Enabled ? 'ALL_ENCRYPTED' : 'NOT_ENCRYPTED'),
    'userAndLocation.username': (c) => c.username,
    'userAndLocation.email': (c) => c.email,
    'userAndLocation.realname': (c) => c.realName,
    'diskEncryption.fileVault2Enabled': (c) => c.fileVault2Enabled,
  };
}

const FIELDS = {
  v1: { filter: filterFields(InventoryVersion.v1), sort: sortFields(InventoryVersion.v1) },
  v4: { filter: filterFields(InventoryVersion.v4), sort: sortFields(InventoryVersion.v4) },
};

function specFor(v: InventoryVersion, ctx: RequestContext): ListSpec<MockComputer> {
  return {
    name: `computers-${v}`, items: () => ctx.state.computers.values(), filterFields: FIELDS[v].filter,
    sortFields: FIELDS[v].sort, defaultSort: 'general.name:asc', id: (c) => c.id,
  };
}

/** section= values → result keys; unknown sections are a 400 like Jamf's enum check. */
function wantedSections(ctx: RequestContext, v: InventoryVersion, all = false): Set<string> | Reply {
  const allowed = sectionsFor(v);
  if (all) return new Set([...allowed].map((s) => COMPUTER_SECTIONS[s]));
  const asked = ctx.query.getAll('section').flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean);
  const wanted = new Set<string>();
  for (const s of asked.length > 0 ? asked : ['GENERAL']) {
    if (!allowed.has(s)) return badRequest('section', `Unknown section: ${s}`);
    wanted.add(COMPUTER_SECTIONS[s]);
  }
  return wanted;
}

function list(v: InventoryVersion) {
  return (ctx: RequestContext): Reply => {
    const wanted = wantedSections(ctx, v);
    if (isReply(wanted)) return wanted;
    const paging = parsePaging(ctx.query, ctx.options.pageSizeCap);
    if (isReply(paging)) return paging;
    const view = ctx.views.view(specFor(v, ctx), ctx.state.version, ctx.query);
    if (isReply(view)) return view;
    const results = pageOf(view, paging).map((c) => renderComputer(c, v, wanted, ctx.state, ctx.options.version));
    return json(200, { totalCount: view.length, results });
  };
}

function one(v: InventoryVersion, allSections = false) {
  return (ctx: RequestContext): Reply => {
    const wanted = wantedSections(ctx, v, allSections);
    if (isReply(wanted)) return wanted;
    const c = /^\d+$/.test(ctx.params.id) ? ctx.state.computers.get(Number(ctx.params.id)) : undefined;
    if (!c) return notFound('Computer', ctx.params.id);
    return json(200, renderComputer(c, v, wanted, ctx.state, ctx.options.version));
  };
}

const read = [Privilege.readComputers];

export const computerRoutes: readonly Route[] = [
  { method: 'GET', path: '/api/v1/computers-inventory', auth: 'bearer', privileges: read, handle: list(InventoryVersion.v1) },
  { method: 'GET', path: '/api/v3/computers-inventory', auth: 'bearer', privileges: read, handle: list(InventoryVersion.v4) },
  { method: 'GET', path: '/api/v4/computers-inventory', auth: 'bearer', privileges: read, handle: list(InventoryVersion.v4) },
  { method: 'GET', path: '/api/v1/computers-inventory/{id}', auth: 'bearer', privileges: read, handle: one(InventoryVersion.v1) },
  { method: 'GET', path: '/api/v3/computers-inventory/{id}', auth: 'bearer', privileges: read, handle: one(InventoryVersion.v4) },
  { method: 'GET', path: '/api/v4/computers-inventory/{id}', auth: 'bearer', privileges: read, handle: one(InventoryVersion.v4) },
  { method: 'GET', path: '/api/v1/computers-inventory-detail/{id}', auth: 'bearer', privileges: read, handle: one(InventoryVersion.v1, true) },
];
