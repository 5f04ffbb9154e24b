// Jamf Pro privilege names as they appear in API roles and in the OpenAPI x-required-privileges.

export const Privilege = {
  readComputers: 'Read Computers',
  readSmartComputerGroups: 'Read Smart Computer Groups',
  readStaticComputerGroups: 'Read Static Computer Groups',
  readMobileDevices: 'Read Mobile Devices',
  readSmartMobileDeviceGroups: 'Read Smart Mobile Device Groups',
  readStaticMobileDeviceGroups: 'Read Static Mobile Device Groups',
  readWebhooks: 'Read Webhooks',
  createWebhooks: 'Create Webhooks',
  updateWebhooks: 'Update Webhooks',
  deleteWebhooks: 'Delete Webhooks',
} as const;
export type Privilege = (typeof Privilege)[keyof typeof Privilege];

/** Every privilege the mock checks; the default for clients and users that name none. */
export const ALL_PRIVILEGES: readonly string[] = Object.values(Privilege);

/** What a read-only NAC integration needs for the Pro API smart-group path. */
export const NAC_PRIVILEGES: readonly string[] = [
  Privilege.readComputers, Privilege.readSmartComputerGroups,
  Privilege.readMobileDevices, Privilege.readSmartMobileDeviceGroups,
];
