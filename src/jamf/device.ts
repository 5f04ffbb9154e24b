import { intern, NO_GROUPS } from '../posture/intern.js';
import { normaliseMac } from '../posture/mac.js';
import type { ClassicComputer, ClassicComputerBasic, ClassicMobileDevice, ClassicMobileRow } from './classic-schemas.js';
import type { ComputerInventory, InventoryListMobileDevice, MobileDeviceDetail } from './schemas.js';

// One device as the NAC sees it, whatever Jamf endpoint it came from. Identifiers are normalised so they
// can be matched against RADIUS attributes: UDIDs upper-case, MACs "aa:bb:cc:dd:ee:ff". Values that repeat
// across a fleet (model, OS version) are pooled and `compliantGroups` starts as a shared frozen empty list:
// a 100,000-device sync holds every device at once, so per-device copies add up.

export type JamfDeviceKind = 'computer' | 'mobile';

export interface JamfDevice {
  kind: JamfDeviceKind;
  jamfId: string;
  /** Upper-case. Missing only where Jamf gave none (Classic group member without inventory). */
  udid?: string;
  /** Apple-silicon Macs also report a provisioning UDID; which one a device certificate carries is unverified. */
  provisioningUdid?: string;
  /** Primary and alternate MAC (computers) or Wi-Fi MAC (mobile), normalised, no duplicates. */
  macs: string[];
  serial?: string;
  name?: string;
  model?: string;
  osVersion?: string;
  /** Jamf's managed flag; false when Jamf did not say. */
  managed: boolean;
  /** Last inventory report, ISO 8601. */
  lastInventory?: string;
  /** The configured smart groups this device is a member of (configured spelling). May be a shared frozen
   * list: assign a new array, never push onto it. */
  compliantGroups: string[];
}

type Text = string | null | undefined;

function clean(v: Text): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

export function normaliseUdid(v: Text): string | undefined {
  return clean(v)?.toUpperCase();
}

export function macList(...values: Text[]): string[] {
  // Array.from sizes the array exactly: push() would give every device's list a 17-slot backing store.
  const out = new Set<string>();
  for (const v of values) {
    const m = v ? normaliseMac(v) : undefined;
    if (m) out.add(m);
  }
  return Array.from(out);
}

/** Jamf dates (ISO "…Z", Classic "…+0000", date-only) or epoch ms → ISO 8601. */
export function isoDate(text: Text, epochMs?: number): string | undefined {
  if (epochMs !== undefined && Number.isFinite(epochMs) && epochMs > 0) return new Date(epochMs).toISOString();
  const t = clean(text);
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Configured group names found in `memberOf`, compared case-insensitively (Jamf names are). */
export function matchGroups(memberOf: Iterable<string>, configured: readonly string[]): string[] {
  const have = new Set([...memberOf].map((n) => n.toLowerCase()));
  return configured.filter((n) => have.has(n.toLowerCase()));
}

export function computerFromInventory(c: ComputerInventory): JamfDevice {
  return {
    kind: 'computer',
    jamfId: c.id,
    udid: normaliseUdid(c.udid),
    provisioningUdid: normaliseUdid(c.hardware?.provisioningUdid),
    macs: macList(c.hardware?.macAddress, c.hardware?.altMacAddress),
    serial: clean(c.hardware?.serialNumber),
    name: clean(c.general?.name),
    model: intern(clean(c.hardware?.model) ?? clean(c.hardware?.modelIdentifier)),
    osVersion: intern(clean(c.operatingSystem?.version)),
    managed: c.general?.remoteManagement?.managed ?? false,
    lastInventory: isoDate(c.general?.reportDate),
    compliantGroups: NO_GROUPS,
  };
}

/** Classic basic list row: primary MAC only (sync adds the alternate one from group member rows). */
export function computerFromClassicBasic(b: ClassicComputerBasic): JamfDevice {
  return {
    kind: 'computer',
    jamfId: b.id,
    udid: normaliseUdid(b.udid),
    macs: macList(b.mac_address),
    serial: clean(b.serial_number),
    name: clean(b.name),
    model: intern(clean(b.model)),
    managed: b.managed ?? false,
    lastInventory: isoDate(b.report_date_utc, b.report_date_epoch),
    compliantGroups: NO_GROUPS,
  };
}

export function computerFromClassic(c: ClassicComputer): JamfDevice {
  const g = c.general;
  return {
    kind: 'computer',
    jamfId: g.id,
    udid: normaliseUdid(g.udid),
    macs: macList(g.mac_address, g.alt_mac_address),
    serial: clean(g.serial_number),
    name: clean(g.name),
    model: intern(clean(c.hardware?.model) ?? clean(c.hardware?.model_identifier)),
    osVersion: intern(clean(c.hardware?.os_version)),
    managed: g.remote_management?.managed ?? false,
    lastInventory: isoDate(g.report_date_utc, g.report_date_epoch),
    compliantGroups: NO_GROUPS,
  };
}

export function mobileFromDetail(d: MobileDeviceDetail): JamfDevice {
  return {
    kind: 'mobile',
    jamfId: d.mobileDeviceId,
    udid: normaliseUdid(d.general?.udid),
    macs: macList(d.hardware?.wifiMacAddress),
    serial: clean(d.hardware?.serialNumber),
    name: clean(d.general?.displayName),
    model: intern(clean(d.hardware?.model) ?? clean(d.hardware?.modelIdentifier)),
    osVersion: intern(clean(d.general?.osVersion)),
    managed: d.general?.managed ?? false,
    lastInventory: isoDate(d.general?.lastInventoryUpdateDate),
    compliantGroups: NO_GROUPS,
  };
}

/** A row of a mobile smart-group membership page (it carries the whole inventory summary). */
export function mobileFromInventoryList(r: InventoryListMobileDevice): JamfDevice {
  return {
    kind: 'mobile',
    jamfId: r.mobileDeviceId,
    udid: normaliseUdid(r.udid),
    macs: macList(r.wifiMacAddress),
    serial: clean(r.serialNumber),
    name: clean(r.displayName),
    model: intern(clean(r.model) ?? clean(r.modelIdentifier)),
    osVersion: intern(clean(r.osVersion)),
    managed: r.managed ?? false,
    lastInventory: isoDate(r.lastInventoryUpdateDate),
    compliantGroups: NO_GROUPS,
  };
}

export function mobileFromClassicRow(r: ClassicMobileRow): JamfDevice {
  return {
    kind: 'mobile',
    jamfId: r.id,
    udid: normaliseUdid(r.udid),
    macs: macList(r.wifi_mac_address, r.mac_address),
    serial: clean(r.serial_number),
    name: clean(r.name) ?? clean(r.device_name),
    model: intern(clean(r.model) ?? clean(r.model_identifier)),
    osVersion: intern(clean(r.os_version)),
    managed: r.managed ?? false,
    compliantGroups: NO_GROUPS,
  };
}

export function mobileFromClassic(m: ClassicMobileDevice): JamfDevice {
  const g = m.general;
  return {
    kind: 'mobile',
    jamfId: g.id,
    udid: normaliseUdid(g.udid),
    macs: macList(g.wifi_mac_address),
    serial: clean(g.serial_number),
    name: clean(g.display_name) ?? clean(g.device_name) ?? clean(g.name),
    model: intern(clean(g.model)),
    osVersion: intern(clean(g.os_version)),
    managed: g.managed ?? false,
    lastInventory: isoDate(g.last_inventory_update_utc, g.last_inventory_update_epoch),
    compliantGroups: NO_GROUPS,
  };
}
