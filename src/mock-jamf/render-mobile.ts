// MockMobileDevice → the Pro API's mobile shapes: MobileDeviceV2 (list), MobileDeviceDetailsGetV2
// (one device), MobileDeviceInventory (/v2/mobile-devices/detail, by section) and
// InventoryListMobileDevice (smart-group membership rows).

import { iso } from './render-computer.js';
import type { SortMap } from './paging.js';
import type { FieldMap } from './rsql.js';
import type { MockJamfState } from './state.js';
import { DeviceKind, type MockGroup, type MockMobileDevice } from './types.js';

const DAY_MS = 86_400_000;
const DEVICE_TYPE = { ios: 'iOS', tvos: 'tvOS' } as const;

function site(siteId: number): { id: string; name: string } {
  return { id: String(siteId), name: siteId === -1 ? 'None' : `Site ${siteId}` };
}

/** Fields both sortable and filterable on the mobile inventory endpoints (a subset of Jamf's list). */
export const MOBILE_FIELDS: SortMap<MockMobileDevice> = {
  mobileDeviceId: (m) => m.id,
  udid: (m) => m.udid,
  displayName: (m) => m.name,
  serialNumber: (m) => m.serialNumber,
  wifiMacAddress: (m) => m.wifiMacAddress,
  bluetoothMacAddress: (m) => m.bluetoothMacAddress,
  managed: (m) => m.managed,
  supervised: (m) => m.supervised,
  model: (m) => m.model,
  modelIdentifier: (m) => m.modelIdentifier,
  modelNumber: (m) => m.modelNumber,
  osVersion: (m) => m.osVersion,
  osBuild: (m) => m.osBuild,
  managementId: (m) => m.managementId,
  ipAddress: (m) => m.ipAddress,
  username: (m) => m.username,
  fullName: (m) => m.realName,
  emailAddress: (m) => m.email,
  devicePhoneNumber: (m) => m.phoneNumber,
  lastInventoryUpdateDate: (m) => iso(m.lastInventoryUpdate),
  lastContactDate: (m) => iso(m.lastContact),
  lastEnrolledDate: (m) => iso(m.lastEnrolled),
};

/** The detail endpoint also filters on the groups a device is in. */
export function mobileDetailFilter(state: MockJamfState): FieldMap<MockMobileDevice> {
  const groups = (m: MockMobileDevice): MockGroup[] => state.groupsOf(DeviceKind.mobile, m.id);
  return {
    ...MOBILE_FIELDS,
    groupId: (m) => groups(m).map((g) => g.id),
    groupName: (m) => groups(m).map((g) => g.name),
  };
}

export function renderMobileV2(m: MockMobileDevice): Record<string, unknown> {
  return {
    id: String(m.id), name: m.name, serialNumber: m.serialNumber, wifiMacAddress: m.wifiMacAddress, udid: m.udid,
    phoneNumber: m.phoneNumber, model: m.model, modelIdentifier: m.modelIdentifier, username: m.username, type: m.type,
    managementId: m.managementId, softwareUpdateDeviceId: '',
  };
}

function groupRows(state: MockJamfState, m: MockMobileDevice): Record<string, unknown>[] {
  return state.groupsOf(DeviceKind.mobile, m.id).map((g) => ({
    groupId: String(g.id), groupName: g.name, groupDescription: g.description, smart: g.smart,
  }));
}

export function renderMobileDetailsV2(m: MockMobileDevice, state: MockJamfState): Record<string, unknown> {
  const platform = {
    model: m.model, modelIdentifier: m.modelIdentifier, modelNumber: m.modelNumber, supervised: m.supervised,
  };
  return {
    id: String(m.id), name: m.name, enforceName: false, assetTag: '',
    lastInventoryUpdateTimestamp: iso(m.lastInventoryUpdate), lastContactTimestamp: iso(m.lastContact),
    osVersion: m.osVersion, osBuild: m.osBuild, osSupplementalBuildVersion: '', osRapidSecurityResponse: '',
    softwareUpdateDeviceId: '', serialNumber: m.serialNumber, udid: m.udid, ipAddress: m.ipAddress,
    wifiMacAddress: m.wifiMacAddress, bluetoothMacAddress: m.bluetoothMacAddress, managed: m.managed, timeZone: 'Etc/GMT',
    initialEntryTimestamp: iso(m.lastEnrolled), lastEnrollmentTimestamp: iso(m.lastEnrolled),
    mdmProfileExpirationTimestamp: iso(m.lastEnrolled + 730 * DAY_MS), deviceOwnershipLevel: 'institutional',
    enrollmentMethod: m.supervised ? 'Prestage enrollment' : 'User-initiated - no invitation',
    enrollmentSessionTokenValid: false, declarativeDeviceManagementEnabled: m.managed, site: site(m.siteId),
    extensionAttributes: [],
    location: {
      username: m.username, realName: m.realName, emailAddress: m.email, position: '', phoneNumber: m.phoneNumber,
      departmentId: '-1', buildingId: '-1', room: '',
    },
    type: m.type,
    ...(m.type === 'tvos' ? { tvos: platform } : { ios: { ...platform, batteryLevel: 80, capacityMb: 122_070, availableMb: 90_000, percentageUsed: 26 } }),
    managementId: m.managementId,
    groups: groupRows(state, m),
  };
}

/** section= value → result key for /api/v2/mobile-devices/detail. */
export const MOBILE_SECTIONS: Readonly<Record<string, string>> = {
  GENERAL: 'general', HARDWARE: 'hardware', USER_AND_LOCATION: 'userAndLocation', PURCHASING: 'purchasing',
  SECURITY: 'security', APPLICATIONS: 'applications', EBOOKS: 'ebooks', NETWORK: 'network',
  SERVICE_SUBSCRIPTIONS: 'serviceSubscriptions', CERTIFICATES: 'certificates', PROFILES: 'profiles',
  USER_PROFILES: 'userProfiles', PROVISIONING_PROFILES: 'provisioningProfiles', SHARED_USERS: 'sharedUsers',
  GROUPS: 'groups', EXTENSION_ATTRIBUTES: 'extensionAttributes',
};

function mobileSection(key: string, m: MockMobileDevice, state: MockJamfState): unknown {
  switch (key) {
    case 'general':
      return {
        udid: m.udid, displayName: m.name, assetTag: '', siteId: String(m.siteId),
        lastInventoryUpdateDate: iso(m.lastInventoryUpdate), lastContactDate: iso(m.lastContact),
        osVersion: m.osVersion, osBuild: m.osBuild, osSupplementalBuildVersion: '', osRapidSecurityResponse: '',
        softwareUpdateDeviceId: '', ipAddress: m.ipAddress, managed: m.managed, supervised: m.supervised,
        deviceOwnershipType: 'Institutional', enrollmentSessionTokenValid: false, lastEnrolledDate: iso(m.lastEnrolled),
        mdmProfileExpirationDate: iso(m.lastEnrolled + 730 * DAY_MS), timeZone: 'Etc/GMT',
        declarativeDeviceManagementEnabled: m.managed, managementId: m.managementId, extensionAttributes: [],
        lastLoggedInUsernameSelfService: m.username, lastLoggedInUsernameSelfServiceTimestamp: iso(m.lastContact),
        lastLoggedInUsernameMdm: m.username, lastLoggedInUsernameMdmTimestamp: iso(m.lastContact),
      };
    case 'hardware':
      return {
        capacityMb: 122_070, availableSpaceMb: 90_000, usedSpacePercentage: 26, batteryLevel: 80, batteryHealth: 'NORMAL',
        serialNumber: m.serialNumber, wifiMacAddress: m.wifiMacAddress, bluetoothMacAddress: m.bluetoothMacAddress,
        model: m.model, modelIdentifier: m.modelIdentifier, modelNumber: m.modelNumber, bluetoothLowEnergyCapable: true,
        deviceId: m.managementId, extensionAttributes: [],
      };
    case 'userAndLocation':
      return {
        username: m.username, realName: m.realName, emailAddress: m.email, position: '', phoneNumber: m.phoneNumber,
        departmentId: '-1', buildingId: '-1', room: '', building: '', department: '', extensionAttributes: [],
      };
    case 'groups': return groupRows(state, m);
    case 'purchasing': case 'security': case 'network': return null;
    default: return [];
  }
}

/** One MobileDeviceInventory item with only the requested sections (as the captured SDK fixture shows). */
export function renderMobileInventory(m: MockMobileDevice, wanted: ReadonlySet<string>, state: MockJamfState): Record<string, unknown> {
  const out: Record<string, unknown> = { mobileDeviceId: String(m.id), deviceType: DEVICE_TYPE[m.type] };
  for (const key of Object.values(MOBILE_SECTIONS)) if (wanted.has(key)) out[key] = mobileSection(key, m, state);
  return out;
}

/** One row of /api/v2/mobile-device-groups/smart-group-membership/{id}. */
export function renderInventoryListItem(m: MockMobileDevice): Record<string, unknown> {
  return {
    mobileDeviceId: String(m.id), udid: m.udid, displayName: m.name, serialNumber: m.serialNumber,
    wifiMacAddress: m.wifiMacAddress, bluetoothMacAddress: m.bluetoothMacAddress, devicePhoneNumber: m.phoneNumber,
    model: m.model, modelIdentifier: m.modelIdentifier, modelNumber: m.modelNumber, osVersion: m.osVersion, osBuild: m.osBuild,
    managed: m.managed, supervised: m.supervised, lastInventoryUpdateDate: iso(m.lastInventoryUpdate),
    lastContactDate: iso(m.lastContact), lastEnrolledDate: iso(m.lastEnrolled), managementId: m.managementId,
    ipAddress: m.ipAddress, deviceOwnershipType: 'institutional', username: m.username, fullName: m.realName,
    emailAddress: m.email,
  };
}
