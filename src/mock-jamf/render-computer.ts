// MockComputer → ComputerInventory (v1) / ComputerInventoryV4 JSON. Sections that were not asked
// for come back as null, as on the wire (Elastic's captured GENERAL-only page).

import type { MockJamfState } from './state.js';
import { DeviceKind, type MockComputer } from './types.js';

export const InventoryVersion = { v1: 'v1', v4: 'v4' } as const;
export type InventoryVersion = (typeof InventoryVersion)[keyof typeof InventoryVersion];

/** section= value → result key. PLUGINS and FONTS exist only in v1. */
export const COMPUTER_SECTIONS: Readonly<Record<string, string>> = {
  GENERAL: 'general', DISK_ENCRYPTION: 'diskEncryption', PURCHASING: 'purchasing', APPLICATIONS: 'applications',
  STORAGE: 'storage', USER_AND_LOCATION: 'userAndLocation', CONFIGURATION_PROFILES: 'configurationProfiles',
  PRINTERS: 'printers', SERVICES: 'services', HARDWARE: 'hardware', LOCAL_USER_ACCOUNTS: 'localUserAccounts',
  CERTIFICATES: 'certificates', ATTACHMENTS: 'attachments', PLUGINS: 'plugins', PACKAGE_RECEIPTS: 'packageReceipts',
  FONTS: 'fonts', SECURITY: 'security', OPERATING_SYSTEM: 'operatingSystem', LICENSED_SOFTWARE: 'licensedSoftware',
  IBEACONS: 'ibeacons', SOFTWARE_UPDATES: 'softwareUpdates', EXTENSION_ATTRIBUTES: 'extensionAttributes',
  CONTENT_CACHING: 'contentCaching', GROUP_MEMBERSHIPS: 'groupMemberships',
};

/** Result keys in the order Jamf emits them (v1; v4 drops plugins and fonts). */
const KEY_ORDER = [
  'general', 'diskEncryption', 'localUserAccounts', 'purchasing', 'printers', 'storage', 'applications', 'userAndLocation',
  'configurationProfiles', 'services', 'plugins', 'hardware', 'certificates', 'attachments', 'packageReceipts', 'fonts',
  'security', 'operatingSystem', 'licensedSoftware', 'softwareUpdates', 'groupMemberships', 'extensionAttributes',
  'contentCaching', 'ibeacons',
];
const V1_ONLY = new Set(['plugins', 'fonts']);

export function sectionsFor(version: InventoryVersion): Set<string> {
  return new Set(Object.keys(COMPUTER_SECTIONS).filter((s) => version === 'v1' || !V1_ONLY.has(COMPUTER_SECTIONS[s])));
}

export const iso = (ms: number): string => new Date(ms).toISOString();
const isoDate = (ms: number): string => iso(ms).slice(0, 10);

function general(c: MockComputer, version: InventoryVersion, serverVersion: string): Record<string, unknown> {
  const g: Record<string, unknown> = {
    name: c.name,
    lastIpAddress: c.ipAddress,
    ...(version === 'v1' ? { lastReportedIp: c.ipAddress } : { lastReportedIpV4: c.ipAddress }),
    jamfBinaryVersion: serverVersion,
    platform: 'Mac',
    barcode1: '',
    remoteManagement: { managed: c.managed },
    supervised: c.supervised,
    mdmCapable: { capable: c.managed, capableUsers: c.managed ? [c.username] : [] },
    reportDate: iso(c.reportDate),
    ...(version === 'v1' ? { lastContactTime: iso(c.lastContact) } : { lastContact: iso(c.lastContact), lastCheckIn: iso(c.lastContact) }),
    lastEnrolledDate: iso(c.lastEnrolled),
    initialEntryDate: isoDate(c.initialEntry),
    site: { id: String(c.siteId), name: c.siteId === -1 ? 'None' : `Site ${c.siteId}` },
    itunesStoreAccountActive: false,
    enrolledViaAutomatedDeviceEnrollment: c.supervised,
    userApprovedMdm: c.managed,
    declarativeDeviceManagementEnabled: c.managed && c.appleSilicon,
    managementId: c.managementId,
    extensionAttributes: [],
  };
  return g;
}

function hardware(c: MockComputer): Record<string, unknown> {
  return {
    make: 'Apple', model: c.model, modelIdentifier: c.modelIdentifier, serialNumber: c.serialNumber,
    processorType: c.appleSilicon ? 'Apple Silicon' : 'Intel Core i7', processorArchitecture: c.appleSilicon ? 'arm64' : 'x86_64',
    networkAdapterType: c.networkAdapterType, macAddress: c.macAddress,
    altNetworkAdapterType: c.altNetworkAdapterType, altMacAddress: c.altMacAddress,
    totalRamMegabytes: 16384, bleCapable: true, supportsIosAppInstalls: c.appleSilicon, appleSilicon: c.appleSilicon,
    provisioningUdid: c.provisioningUdid === '' ? null : c.provisioningUdid, extensionAttributes: [],
  };
}

function operatingSystem(c: MockComputer): Record<string, unknown> {
  return {
    name: 'macOS', version: c.osVersion, build: c.osBuild, supplementalBuildVersion: c.osBuild, rapidSecurityResponse: '',
    activeDirectoryStatus: 'Not Bound', fileVault2Status: c.fileVault2Enabled ? 'ALL_ENCRYPTED' : 'NOT_ENCRYPTED',
    softwareUpdateDeviceId: '', extensionAttributes: [],
  };
}

function diskEncryption(c: MockComputer): Record<string, unknown> {
  return {
    bootPartitionEncryptionDetails: {
      partitionName: 'Macintosh HD (Boot Partition)',
      partitionFileVault2State: c.fileVault2Enabled ? 'ENCRYPTED' : 'UNENCRYPTED',
      partitionFileVault2Percent: c.fileVault2Enabled ? 100 : 0,
    },
    individualRecoveryKeyValidityStatus: c.fileVault2Enabled ? 'VALID' : 'NOT_APPLICABLE',
    institutionalRecoveryKeyPresent: false,
    diskEncryptionConfigurationName: c.fileVault2Enabled ? 'FileVault' : '',
    fileVault2Enabled: c.fileVault2Enabled,
    fileVault2EnabledUserNames: c.fileVault2Enabled ? [c.username] : [],
    fileVault2EligibilityMessage: 'Eligible',
  };
}

function security(c: MockComputer): Record<string, unknown> {
  return {
    sipStatus: 'ENABLED', gatekeeperStatus: 'APP_STORE_AND_IDENTIFIED_DEVELOPERS', xprotectVersion: '5287',
    autoLoginDisabled: true, remoteDesktopEnabled: false, activationLockEnabled: false, recoveryLockEnabled: false,
    firewallEnabled: true, secureBootLevel: c.appleSilicon ? 'FULL_SECURITY' : 'NOT_SUPPORTED',
    externalBootLevel: c.appleSilicon ? 'NOT_SUPPORTED' : 'DISALLOW_BOOTING_FROM_EXTERNAL_MEDIA',
    bootstrapTokenAllowed: c.managed, bootstrapTokenEscrowedStatus: c.managed ? 'ESCROWED' : 'NOT_ESCROWED',
  };
}

function userAndLocation(c: MockComputer): Record<string, unknown> {
  return {
    username: c.username, realname: c.realName, email: c.email, position: '', phone: '',
    departmentId: '-1', buildingId: '-1', room: '', extensionAttributes: [],
  };
}

function purchasing(c: MockComputer): Record<string, unknown> {
  const bought = isoDate(c.initialEntry);
  return {
    purchased: true, leased: false, poNumber: '', poDate: bought, vendor: 'Apple', warrantyDate: isoDate(c.initialEntry + 3 * 365 * 86_400_000),
    appleCareId: '', leaseDate: null, purchasePrice: '', lifeExpectancy: 4, purchasingAccount: '', purchasingContact: '',
    extensionAttributes: [],
  };
}

function section(key: string, c: MockComputer, version: InventoryVersion, state: MockJamfState, serverVersion: string): unknown {
  switch (key) {
    case 'general': return general(c, version, serverVersion);
    case 'hardware': return hardware(c);
    case 'operatingSystem': return operatingSystem(c);
    case 'diskEncryption': return diskEncryption(c);
    case 'security': return security(c);
    case 'userAndLocation': return userAndLocation(c);
    case 'groupMemberships':
      return state.groupsOf(DeviceKind.computer, c.id).map((g) => ({
        groupId: String(g.id), groupName: g.name, groupDescription: g.description, smartGroup: g.smart,
      }));
    case 'purchasing': return purchasing(c);
    case 'storage': return { bootDriveAvailableSpaceMegabytes: 250_000, disks: [] };
    case 'packageReceipts': return { installedByJamfPro: [], installedByInstallerSwu: [], cached: [] };
    case 'contentCaching': return null;
    default: return [];
  }
}

/** One results[] item with the requested section keys (as result keys) filled in. */
export function renderComputer(
  c: MockComputer, version: InventoryVersion, wanted: ReadonlySet<string>, state: MockJamfState, serverVersion: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { id: String(c.id), udid: c.udid };
  for (const key of KEY_ORDER) {
    if (version === 'v4' && V1_ONLY.has(key)) continue;
    out[key] = wanted.has(key) ? section(key, c, version, state, serverVersion) : null;
  }
  return out;
}
