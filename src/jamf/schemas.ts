import { z } from 'zod';

// zod schemas for every Jamf Pro API response the client reads. Objects strip unknown keys (Jamf adds fields
// with every release); sections that were not requested come back as null. Shapes: Jamf's OpenAPI 11.30.1
// plus real and SDK payloads (shared/research/jamf-fixtures).

/** Pro API ids are strings ("3"), smart-group members are integers: both become strings. */
export const jamfId = z.union([z.string().min(1), z.number().int()]).transform(String);
const str = z.string().nullish();
const bool = z.boolean().nullish();
const int = z.number().int().nullish();

/** A Pro API page: results plus the total across pages. */
export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ totalCount: z.number().int().min(0), results: z.array(item) });
}

// --- authentication -------------------------------------------------------------------------------

/** POST /api/oauth/token and /api/v1/oauth/token (OAuthTokenResponse). */
export const oauthTokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  expires_in: z.number().positive(),
});

/** RFC 6749 §5.2 body of a failed token request (OAuthTokenEndpointErrorResponse). */
export const oauthErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_uri: z.string().optional(),
});

/** POST /api/v1/auth/token (user bearer token; not used by the client, kept for `jamf test` messages). */
export const userTokenSchema = z.object({ token: z.string().min(1), expires: z.string() });

/** The Pro API error body (ApiError); 401/403/404 may carry an empty `errors`. */
export const apiErrorSchema = z.object({
  httpStatus: z.number().int().optional(),
  errors: z.array(z.object({ code: str, field: str, description: str, id: str })).default([]),
});

/** GET /api/v1/jamf-pro-version. */
export const jamfProVersionSchema = z.object({ version: z.string() });

// --- computer groups ------------------------------------------------------------------------------

/** GET /api/v3|v2/computer-groups/smart-groups (SmartComputerGroupSearch). */
export const smartComputerGroupSchema = z.object({
  id: jamfId,
  name: z.string(),
  description: str,
  siteId: jamfId.nullish(),
  membershipCount: int,
});
export const smartComputerGroupPageSchema = pageOf(smartComputerGroupSchema);

/** GET /api/v1/computer-groups: a plain array (older servers). */
export const computerGroupListSchema = z.array(z.object({
  id: jamfId,
  name: z.string(),
  description: str,
  smartGroup: bool,
}));

/** GET /api/v3|v2/computer-groups/smart-group-membership/{id}: computer ids, not paged. */
export const smartGroupMembershipSchema = z.object({ members: z.array(jamfId).default([]) });

/** GET /api/v2/groups (all groups of both platforms). */
export const groupsV2PageSchema = pageOf(z.object({
  groupPlatformId: str,
  groupJamfProId: jamfId,
  groupName: z.string(),
  groupDescription: str,
  groupType: str,
  smart: bool,
  membershipCount: int,
}));

// --- mobile device groups -------------------------------------------------------------------------

/** GET /api/v2|v1/mobile-device-groups/smart-groups (SmartGroup). */
export const smartMobileGroupSchema = z.object({
  groupId: jamfId,
  groupName: z.string(),
  groupDescription: str,
  siteId: jamfId.nullish(),
  count: int,
});
export const smartMobileGroupPageSchema = pageOf(smartMobileGroupSchema);

/** GET /api/v2/mobile-device-groups: a plain array with integer ids. */
export const mobileDeviceGroupListSchema = z.array(z.object({
  id: jamfId,
  name: z.string(),
  description: str,
  isSmartGroup: bool,
}));

/** Rows of GET /api/v2/mobile-device-groups/smart-group-membership/{id} (InventoryListMobileDevice). */
export const inventoryListMobileDeviceSchema = z.object({
  mobileDeviceId: jamfId,
  udid: str,
  displayName: str,
  serialNumber: str,
  wifiMacAddress: str,
  bluetoothMacAddress: str,
  managed: bool,
  supervised: bool,
  lastInventoryUpdateDate: str,
  lastContactDate: str,
  model: str,
  modelIdentifier: str,
  osVersion: str,
});
export const inventoryListMobileDevicePageSchema = pageOf(inventoryListMobileDeviceSchema);
export type InventoryListMobileDevice = z.infer<typeof inventoryListMobileDeviceSchema>;

// --- computers inventory --------------------------------------------------------------------------

const groupMembership = z.object({ groupId: jamfId.nullish(), groupName: z.string(), smartGroup: bool });

/** One result of GET /api/v4|v1/computers-inventory (ComputerInventory / ComputerInventoryV4). */
export const computerInventorySchema = z.object({
  id: jamfId,
  udid: str,
  general: z.object({
    name: str,
    platform: str,
    reportDate: str,
    /** v1 */
    lastContactTime: str,
    /** v4 */
    lastContact: str,
    lastCheckIn: str,
    managementId: str,
    remoteManagement: z.object({ managed: bool }).nullish(),
    supervised: bool,
  }).nullish(),
  hardware: z.object({
    make: str,
    model: str,
    modelIdentifier: str,
    serialNumber: str,
    networkAdapterType: str,
    macAddress: str,
    altNetworkAdapterType: str,
    altMacAddress: str,
    provisioningUdid: str,
  }).nullish(),
  operatingSystem: z.object({ name: str, version: str, build: str }).nullish(),
  groupMemberships: z.array(groupMembership).nullish(),
});
export const computerInventoryPageSchema = pageOf(computerInventorySchema);
export type ComputerInventory = z.infer<typeof computerInventorySchema>;

// --- mobile devices -------------------------------------------------------------------------------

/** One result of GET /api/v2/mobile-devices (MobileDeviceV2; no managed flag, no inventory date). */
export const mobileDeviceV2Schema = z.object({
  id: jamfId,
  name: str,
  serialNumber: str,
  wifiMacAddress: str,
  udid: str,
  model: str,
  modelIdentifier: str,
  type: str,
  managementId: str,
});
export const mobileDeviceV2PageSchema = pageOf(mobileDeviceV2Schema);

/** One result of GET /api/v2/mobile-devices/detail (MobileDeviceInventory). */
export const mobileDeviceDetailSchema = z.object({
  mobileDeviceId: jamfId,
  deviceType: str,
  general: z.object({
    udid: str,
    displayName: str,
    osVersion: str,
    managed: bool,
    supervised: bool,
    lastInventoryUpdateDate: str,
    lastContactDate: str,
    managementId: str,
  }).nullish(),
  hardware: z.object({
    serialNumber: str,
    wifiMacAddress: str,
    bluetoothMacAddress: str,
    model: str,
    modelIdentifier: str,
  }).nullish(),
  groups: z.array(z.object({ groupId: jamfId.nullish(), groupName: z.string(), smart: bool })).nullish(),
});
export const mobileDeviceDetailPageSchema = pageOf(mobileDeviceDetailSchema);
export type MobileDeviceDetail = z.infer<typeof mobileDeviceDetailSchema>;
