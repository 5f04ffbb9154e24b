// /api/v2/mobile-devices (paged list, no filter), /api/v2/mobile-devices/{id}, …/{id}/detail and the
// paged, sectioned, filterable /api/v2/mobile-devices/detail.

import { isReply, pageOf, parsePaging, type ListSpec } from './paging.js';
import { Privilege } from './privileges.js';
import {
  MOBILE_FIELDS, MOBILE_SECTIONS, mobileDetailFilter, renderMobileDetailsV2, renderMobileInventory, renderMobileV2,
} from './render-mobile.js';
import { badRequest, json, notFound, type Reply } from './responses.js';
import type { RequestContext, Route } from './router.js';
import type { MockMobileDevice } from './types.js';

const LIST_SORT = {
  id: (m: MockMobileDevice) => m.id,
  name: (m: MockMobileDevice) => m.name,
  serialNumber: (m: MockMobileDevice) => m.serialNumber,
  udid: (m: MockMobileDevice) => m.udid,
  wifiMacAddress: (m: MockMobileDevice) => m.wifiMacAddress,
  model: (m: MockMobileDevice) => m.model,
  username: (m: MockMobileDevice) => m.username,
};

function list(ctx: RequestContext): Reply {
  const paging = parsePaging(ctx.query, ctx.options.pageSizeCap);
  if (isReply(paging)) return paging;
  const spec: ListSpec<MockMobileDevice> = {
    name: 'mobile-devices-v2', items: () => ctx.state.mobileDevices.values(), filterFields: {}, sortFields: LIST_SORT,
    defaultSort: 'id:asc', id: (m) => m.id,
  };
  // This endpoint has no filter parameter; a stray one is ignored rather than applied.
  const query = new URLSearchParams(ctx.query);
  query.delete('filter');
  const view = ctx.views.view(spec, ctx.state.version, query);
  if (isReply(view)) return view;
  return json(200, { totalCount: view.length, results: pageOf(view, paging).map(renderMobileV2) });
}

function device(ctx: RequestContext): MockMobileDevice | undefined {
  return /^\d+$/.test(ctx.params.id) ? ctx.state.mobileDevices.get(Number(ctx.params.id)) : undefined;
}

function one(ctx: RequestContext): Reply {
  const m = device(ctx);
  return m ? json(200, renderMobileV2(m)) : notFound('Mobile device', ctx.params.id);
}

function oneDetail(ctx: RequestContext): Reply {
  const m = device(ctx);
  return m ? json(200, renderMobileDetailsV2(m, ctx.state)) : notFound('Mobile device', ctx.params.id);
}

function detailList(ctx: RequestContext): Reply {
  const asked = ctx.query.getAll('section').flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean);
  const wanted = new Set<string>();
  for (const s of asked.length > 0 ? asked : ['GENERAL']) {
    if (!(s in MOBILE_SECTIONS)) return badRequest('section', `Unknown section: ${s}`);
    wanted.add(MOBILE_SECTIONS[s]);
  }
  const paging = parsePaging(ctx.query, ctx.options.pageSizeCap);
  if (isReply(paging)) return paging;
  const spec: ListSpec<MockMobileDevice> = {
    name: 'mobile-devices-detail', items: () => ctx.state.mobileDevices.values(), filterFields: mobileDetailFilter(ctx.state),
    sortFields: MOBILE_FIELDS, defaultSort: 'displayName:asc', id: (m) => m.id,
  };
  const view = ctx.views.view(spec, ctx.state.version, ctx.query);
  if (isReply(view)) return view;
  const results = pageOf(view, paging).map((m) => renderMobileInventory(m, wanted, ctx.state));
  return json(200, { totalCount: view.length, results });
}

const read = [Privilege.readMobileDevices];

export const mobileRoutes: readonly Route[] = [
  { method: 'GET', path: '/api/v2/mobile-devices', auth: 'bearer', privileges: read, handle: list },
  // Listed before {id} so "detail" is not taken for an id.
  { method: 'GET', path: '/api/v2/mobile-devices/detail', auth: 'bearer', privileges: read, handle: detailList },
  { method: 'GET', path: '/api/v2/mobile-devices/{id}', auth: 'bearer', privileges: read, handle: one },
  { method: 'GET', path: '/api/v2/mobile-devices/{id}/detail', auth: 'bearer', privileges: read, handle: oneDetail },
];
