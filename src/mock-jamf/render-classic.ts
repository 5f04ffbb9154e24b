// Classic API (JSSResource) documents: snake_case, integer ids, *_utc / *_epoch dates. Shapes follow
// the real Jamf Cloud captures (computers/subset/basic, computers/id/N) and the SDK fixtures for groups.

import { criteriaFor } from './criteria.js';
import type { MockJamfState } from './state.js';
import { DeviceKind, type MockComputer, type MockGroup, type MockMobileDevice, type MockWebhook } from './types.js';

/** "2020-08-03T12:24:29.968+0000" */
export function classicUtc(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** "2020-08-03 12:24:29" (server local time in Jamf; the mock's server runs on UTC). */
function classicLocal(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function site(siteId: number): { id: number; name: string } {
  return { id: siteId, name: siteId === -1 ? 'None' : `Site ${siteId}` };
}

export function computerBasic(c: MockComputer): Record<string, unknown> {
  return {
    id: c.id, name: c.name, managed: c.managed, username: c.username, model: c.modelIdentifier, department: '',
    building: '', mac_address: c.macAddress, udid: c.udid, serial_number: c.serialNumber,
    report_date_utc: classicUtc(c.reportDate), report_date_epoch: c.reportDate,
  };
}

/** The full record, limited to the parts a NAC needs: general, hardware basics, group memberships. */
export function computerRecord(c: MockComputer, state: MockJamfState): Record<string, unknown> {
  return {
    computer: {
      general: {
        id: c.id, name: c.name, network_adapter_type: c.networkAdapterType, mac_address: c.macAddress,
        alt_network_adapter_type: c.altNetworkAdapterType, alt_mac_address: c.altMacAddress, ip_address: c.ipAddress,
        last_reported_ip: c.ipAddress, serial_number: c.serialNumber, udid: c.udid, platform: 'Mac', barcode_1: '',
        barcode_2: '', asset_tag: '', remote_management: { managed: c.managed, management_username: '' },
        supervised: c.supervised, mdm_capable: c.managed,
        report_date: classicLocal(c.reportDate), report_date_epoch: c.reportDate, report_date_utc: classicUtc(c.reportDate),
        last_contact_time: classicLocal(c.lastContact), last_contact_time_epoch: c.lastContact,
        last_contact_time_utc: classicUtc(c.lastContact),
        initial_entry_date: classicLocal(c.initialEntry).slice(0, 10), initial_entry_date_epoch: c.initialEntry,
        initial_entry_date_utc: classicUtc(c.initialEntry),
        last_enrolled_date_epoch: c.lastEnrolled, last_enrolled_date_utc: classicUtc(c.lastEnrolled),
        site: site(c.siteId), itunes_store_account_is_active: false,
      },
      hardware: {
        make: 'Apple', model: c.model, model_identifier: c.modelIdentifier, os_name: 'macOS', os_version: c.osVersion,
        os_build: c.osBuild, is_apple_silicon: c.appleSilicon, processor_architecture: c.appleSilicon ? 'arm64' : 'x86_64',
      },
      groups_accounts: {
        computer_group_memberships: state.groupsOf(DeviceKind.computer, c.id).map((g) => g.name),
      },
    },
  };
}

function classicCriteria(g: MockGroup): Record<string, unknown>[] {
  return criteriaFor(g).map((c) => ({
    name: c.name, priority: c.priority, and_or: c.andOr, search_type: c.searchType, value: c.value,
    opening_paren: false, closing_paren: false,
  }));
}

export function computerGroup(g: MockGroup, state: MockJamfState): Record<string, unknown> {
  const computers: Record<string, unknown>[] = [];
  for (const id of [...g.members].sort((a, b) => a - b)) {
    const c = state.computers.get(id);
    if (c) computers.push({ id, name: c.name, mac_address: c.macAddress, alt_mac_address: c.altMacAddress, serial_number: c.serialNumber });
  }
  return {
    computer_group: { id: g.id, name: g.name, is_smart: g.smart, site: site(g.siteId), criteria: classicCriteria(g), computers },
  };
}

export function mobileDeviceGroup(g: MockGroup, state: MockJamfState): Record<string, unknown> {
  const devices: Record<string, unknown>[] = [];
  for (const id of [...g.members].sort((a, b) => a - b)) {
    const m = state.mobileDevices.get(id);
    if (m) {
      devices.push({
        id, name: m.name, mac_address: m.wifiMacAddress, udid: m.udid, wifi_mac_address: m.wifiMacAddress,
        serial_number: m.serialNumber,
      });
    }
  }
  return {
    mobile_device_group: {
      id: g.id, name: g.name, is_smart: g.smart, site: site(g.siteId), criteria: classicCriteria(g), mobile_devices: devices,
    },
  };
}

export function mobileDeviceListItem(m: MockMobileDevice): Record<string, unknown> {
  return {
    id: m.id, name: m.name, device_name: m.name, udid: m.udid, serial_number: m.serialNumber, phone_number: m.phoneNumber,
    wifi_mac_address: m.wifiMacAddress, managed: m.managed, supervised: m.supervised, model: m.model,
    model_identifier: m.modelIdentifier, model_display: m.model, username: m.username,
  };
}

/** UNVERIFIED shape (no capture): general plus group memberships. */
export function mobileDeviceRecord(m: MockMobileDevice, state: MockJamfState): Record<string, unknown> {
  return {
    mobile_device: {
      general: {
        id: m.id, display_name: m.name, device_name: m.name, name: m.name, asset_tag: '',
        last_inventory_update: classicLocal(m.lastInventoryUpdate), last_inventory_update_epoch: m.lastInventoryUpdate,
        last_inventory_update_utc: classicUtc(m.lastInventoryUpdate), ip_address: m.ipAddress,
        wifi_mac_address: m.wifiMacAddress, bluetooth_mac_address: m.bluetoothMacAddress, udid: m.udid,
        serial_number: m.serialNumber, os_type: m.type === 'tvos' ? 'tvOS' : 'iOS', os_version: m.osVersion,
        os_build: m.osBuild, managed: m.managed, supervised: m.supervised, model: m.model,
        model_identifier: m.modelIdentifier, phone_number: m.phoneNumber, site: site(m.siteId),
      },
      mobile_device_groups: state.groupsOf(DeviceKind.mobile, m.id).map((g) => ({ id: g.id, name: g.name })),
    },
  };
}

export function webhookRecord(w: MockWebhook): Record<string, unknown> {
  return {
    webhook: {
      id: w.id, name: w.name, enabled: w.enabled, url: w.url, content_type: w.contentType, event: w.event,
      connection_timeout: w.connectionTimeout, read_timeout: w.readTimeout, authentication_type: w.authenticationType,
      ...(w.authenticationType === 'BASIC' ? { username: w.username } : {}),
      ...(w.smartGroupId > 0 ? { smart_group_id: w.smartGroupId } : {}),
    },
  };
}
