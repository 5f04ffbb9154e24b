// Smart groups in the Pro API: computer groups (v1 plain list, v2/v3 paged smart-group search,
// {"members":[…]} membership) and mobile-device groups (v1/v2 list, smart-group search with
// groupId/groupName, paged membership rows).

import { criteriaFor } from './criteria.js';
import { isReply, pageOf, parsePaging, type ListSpec, type SortMap } from './paging.js';
import { Privilege } from './privileges.js';
import { MOBILE_FIELDS, renderInventoryListItem } from './render-mobile.js';
import { json, notFound, type Reply } from './responses.js';
import type { RequestContext, Route } from './router.js';
import { DeviceKind, type MockGroup, type MockMobileDevice } from './types.js';

function smartGroup(ctx: RequestContext, kind: DeviceKind): MockGroup | undefined {
  const id = ctx.params.id;
  const g = /^\d+$/.test(id) ? ctx.state.groups(kind).get(Number(id)) : undefined;
  return g?.smart ? g : undefined;
}

function smartGroupSpec(ctx: RequestContext, kind: DeviceKind): ListSpec<MockGroup> {
  const smart = () => [...ctx.state.groups(kind).values()].filter((g) => g.smart);
  const computer = kind === DeviceKind.computer;
  // Computer groups are searched by id/name, mobile ones by groupId/groupName (per the OpenAPI document).
  const fields: SortMap<MockGroup> = computer
    ? { id: (g: MockGroup) => g.id, name: (g: MockGroup) => g.name, siteId: (g: MockGroup) => g.siteId }
    : { groupId: (g: MockGroup) => g.id, groupName: (g: MockGroup) => g.name, siteId: (g: MockGroup) => g.siteId };
  return {
    name: `smart-groups-${kind}`, items: smart, filterFields: fields, sortFields: fields,
    defaultSort: computer ? 'id:asc' : 'groupId:asc', id: (g) => g.id,
  };
}

function smartGroupSearch(kind: DeviceKind) {
  return (ctx: RequestContext): Reply => {
    const paging = parsePaging(ctx.query, ctx.options.pageSizeCap);
    if (isReply(paging)) return paging;
    const view = ctx.views.view(smartGroupSpec(ctx, kind), ctx.state.version, ctx.query);
    if (isReply(view)) return view;
    const results = pageOf(view, paging).map((g) => kind === DeviceKind.computer
      ? { id: String(g.id), siteId: String(g.siteId), name: g.name, description: g.description, membershipCount: g.members.size }
      : { groupId: String(g.id), groupName: g.name, groupDescription: g.description, siteId: String(g.siteId), count: g.members.size });
    return json(200, { totalCount: view.length, results });
  };
}

function computerGroupList(ctx: RequestContext): Reply {
  return json(200, [...ctx.state.groups(DeviceKind.computer).values()].map((g) => ({
    id: String(g.id), name: g.name, description: g.description, smartGroup: g.smart,
  })));
}

function mobileGroupList(ctx: RequestContext): Reply {
  return json(200, [...ctx.state.groups(DeviceKind.mobile).values()].map((g) => ({
    id: g.id, name: g.name, description: g.description, isSmartGroup: g.smart,
  })));
}

function smartGroupDetail(ctx: RequestContext): Reply {
  const g = smartGroup(ctx, DeviceKind.computer);
  if (!g) return notFound('Smart Computer Group', ctx.params.id);
  const criteria = criteriaFor(g).map((c) => ({ ...c, openingParen: false, closingParen: false }));
  return json(200, { name: g.name, description: g.description, criteria, siteId: String(g.siteId) });
}

function computerMembership(ctx: RequestContext): Reply {
  const g = smartGroup(ctx, DeviceKind.computer);
  if (!g) return notFound('Smart Computer Group', ctx.params.id);
  return json(200, { members: [...g.members].sort((a, b) => a - b) });
}

function mobileMembership(ctx: RequestContext): Reply {
  const g = smartGroup(ctx, DeviceKind.mobile);
  if (!g) return notFound('Smart Mobile Device Group', ctx.params.id);
  const paging = parsePaging(ctx.query, ctx.options.pageSizeCap);
  if (isReply(paging)) return paging;
  const spec: ListSpec<MockMobileDevice> = {
    name: `mobile-members-${g.id}`,
    items: function* () {
      for (const id of g.members) {
        const m = ctx.state.mobileDevices.get(id);
        if (m) yield m;
      }
    },
    filterFields: MOBILE_FIELDS, sortFields: MOBILE_FIELDS, defaultSort: 'displayName:asc', id: (m) => m.id,
  };
  const view = ctx.views.view(spec, ctx.state.version, ctx.query);
  if (isReply(view)) return view;
  return json(200, { totalCount: view.length, results: pageOf(view, paging).map(renderInventoryListItem) });
}

const P = Privilege;
const bearer = 'bearer' as const;
const smartComputer = [P.readSmartComputerGroups];
const smartMobile = [P.readSmartMobileDeviceGroups];

export const groupRoutes: readonly Route[] = [
  { method: 'GET', path: '/api/v1/computer-groups', auth: bearer, privileges: [P.readSmartComputerGroups, P.readStaticComputerGroups], handle: computerGroupList },
  ...(['v2', 'v3'] as const).flatMap((v): Route[] => [
    { method: 'GET', path: `/api/${v}/computer-groups/smart-groups`, auth: bearer, privileges: smartComputer, handle: smartGroupSearch(DeviceKind.computer) },
    { method: 'GET', path: `/api/${v}/computer-groups/smart-group-membership/{id}`, auth: bearer, privileges: smartComputer, handle: computerMembership },
  ]),
  { method: 'GET', path: '/api/v3/computer-groups/smart-groups/{id}', auth: bearer, privileges: smartComputer, handle: smartGroupDetail },
  ...(['v1', 'v2'] as const).flatMap((v): Route[] => [
    { method: 'GET', path: `/api/${v}/mobile-device-groups`, auth: bearer, privileges: [P.readSmartMobileDeviceGroups, P.readStaticMobileDeviceGroups], handle: mobileGroupList },
    { method: 'GET', path: `/api/${v}/mobile-device-groups/smart-groups`, auth: bearer, privileges: smartMobile, handle: smartGroupSearch(DeviceKind.mobile) },
    { method: 'GET', path: `/api/${v}/mobile-device-groups/smart-group-membership/{id}`, auth: bearer, privileges: [P.readSmartMobileDeviceGroups, P.readMobileDevices], handle: mobileMembership },
  ]),
];
