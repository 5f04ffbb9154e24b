// The mock's own model of a Jamf Pro fleet. Records are kept flat and compact (dates as epoch ms,
// shared strings for models/OS) so 100,000 devices fit in modest memory; the route handlers turn
// them into Jamf's wire shapes on the way out.

export const AdapterType = { ethernet: 'Ethernet', wifi: 'IEEE80211' } as const;
export type AdapterType = (typeof AdapterType)[keyof typeof AdapterType];

export interface MockComputer {
  /** Jamf id; the Pro API renders it as a string, Classic and smart-group members as an integer. */
  id: number;
  /** Hardware UUID, upper-case 8-4-4-4-12. */
  udid: string;
  /** Apple-silicon provisioning UDID ("00006002-000249020103401E"), "" on Intel Macs. */
  provisioningUdid: string;
  name: string;
  serialNumber: string;
  /** en0: Ethernet on desktops, Wi-Fi on laptops (Jamf reports whatever en0 is). */
  macAddress: string;
  networkAdapterType: AdapterType;
  altMacAddress: string;
  altNetworkAdapterType: AdapterType;
  model: string;
  modelIdentifier: string;
  appleSilicon: boolean;
  osVersion: string;
  osBuild: string;
  managed: boolean;
  supervised: boolean;
  fileVault2Enabled: boolean;
  /** Epoch ms. */
  reportDate: number;
  lastContact: number;
  lastEnrolled: number;
  initialEntry: number;
  managementId: string;
  ipAddress: string;
  username: string;
  realName: string;
  email: string;
  siteId: number;
}

export const MobileType = { ios: 'ios', tvos: 'tvos' } as const;
export type MobileType = (typeof MobileType)[keyof typeof MobileType];

export interface MockMobileDevice {
  id: number;
  /** 40 lower-case hex (older devices) or "00008030-001234567890001E". */
  udid: string;
  name: string;
  serialNumber: string;
  wifiMacAddress: string;
  bluetoothMacAddress: string;
  type: MobileType;
  model: string;
  modelIdentifier: string;
  modelNumber: string;
  osVersion: string;
  osBuild: string;
  managed: boolean;
  supervised: boolean;
  lastInventoryUpdate: number;
  lastContact: number;
  lastEnrolled: number;
  managementId: string;
  ipAddress: string;
  username: string;
  realName: string;
  email: string;
  phoneNumber: string;
  siteId: number;
}

export const DeviceKind = { computer: 'computer', mobile: 'mobile' } as const;
export type DeviceKind = (typeof DeviceKind)[keyof typeof DeviceKind];

export interface MockGroup {
  /** Computer and mobile groups have separate id spaces, as in Jamf. */
  id: number;
  kind: DeviceKind;
  name: string;
  description: string;
  smart: boolean;
  siteId: number;
  /** Device ids. Membership is set explicitly (criteria are not evaluated). */
  members: Set<number>;
}

export interface MockWebhook {
  id: number;
  name: string;
  enabled: boolean;
  url: string;
  contentType: string;
  event: string;
  connectionTimeout: number;
  readTimeout: number;
  authenticationType: string;
  username: string;
  password: string;
  header: string;
  smartGroupId: number;
}

/** Emitted by the state after every change, so later code (webhooks, CoA tests) can react. */
export type FleetChange =
  | { type: 'membership'; kind: DeviceKind; groupId: number; added: number[]; removed: number[] }
  | { type: 'device-added' | 'device-updated' | 'device-removed'; kind: DeviceKind; id: number }
  | { type: 'group-added' | 'group-removed'; kind: DeviceKind; groupId: number }
  | { type: 'webhook-added' | 'webhook-removed'; id: number };
