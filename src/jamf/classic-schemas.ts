import { z } from 'zod';

// zod schemas for the Classic API (/JSSResource), the fallback for servers without the Pro endpoints.
// They read Classic JSON and Classic XML turned into the same shape (classic-xml.ts), where every leaf is
// a string: ids and flags are accepted as numbers/booleans or as their text.

/** 12 or "12" → "12". */
const classicId = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform(String);
/** true / "true" → true; "" → undefined. */
const flag = z.union([z.boolean(), z.enum(['true', 'false', '']).transform((s) => (s === '' ? undefined : s === 'true'))]).optional();
/** A number, its text, or "" (→ undefined). */
const num = z.union([z.number(), z.string()]).transform((v) => (v === '' ? undefined : Number(v))).optional();
const text = z.string().optional();

// --- computers ------------------------------------------------------------------------------------

/** GET /JSSResource/computers/subset/basic (real capture, Jamf Cloud 10.42.1). */
export const classicComputersBasicSchema = z.object({
  computers: z.array(z.object({
    id: classicId,
    name: text,
    managed: flag,
    username: text,
    model: text,
    mac_address: text,
    udid: text,
    serial_number: text,
    report_date_utc: text,
    report_date_epoch: num,
  })).default([]),
});
export type ClassicComputerBasic = z.infer<typeof classicComputersBasicSchema>['computers'][number];

/** GET /JSSResource/computers/id|udid|macaddress|serialnumber/{v}: one full record. */
export const classicComputerSchema = z.object({
  computer: z.object({
    general: z.object({
      id: classicId,
      name: text,
      network_adapter_type: text,
      mac_address: text,
      alt_network_adapter_type: text,
      alt_mac_address: text,
      serial_number: text,
      udid: text,
      remote_management: z.object({ managed: flag }).optional(),
      report_date_utc: text,
      report_date_epoch: num,
    }),
    hardware: z.object({ model: text, model_identifier: text, os_version: text }).optional(),
    groups_accounts: z.object({ computer_group_memberships: z.array(z.string()).default([]) }).optional(),
  }),
});
export type ClassicComputer = z.infer<typeof classicComputerSchema>['computer'];

// --- computer groups ------------------------------------------------------------------------------

/** GET /JSSResource/computergroups. */
export const classicComputerGroupListSchema = z.object({
  computer_groups: z.array(z.object({ id: classicId, name: z.string(), is_smart: flag })).default([]),
});

const criterion = z.object({ name: text, priority: num, and_or: text, search_type: text, value: text });

/** GET /JSSResource/computergroups/id/{id}: members with MACs and serial, but no UDID. */
export const classicComputerGroupSchema = z.object({
  computer_group: z.object({
    id: classicId,
    name: z.string(),
    is_smart: flag,
    criteria: z.array(criterion).default([]),
    computers: z.array(z.object({
      id: classicId,
      name: text,
      mac_address: text,
      alt_mac_address: text,
      serial_number: text,
    })).default([]),
  }),
});
export type ClassicComputerGroup = z.infer<typeof classicComputerGroupSchema>['computer_group'];

// --- mobile devices and their groups (field names partly UNVERIFIED, see jamf-api.md §2c) -------------

const classicMobileRow = z.object({
  id: classicId,
  name: text,
  device_name: text,
  udid: text,
  serial_number: text,
  mac_address: text,
  wifi_mac_address: text,
  managed: flag,
  model: text,
  model_identifier: text,
  os_version: text,
});
export type ClassicMobileRow = z.infer<typeof classicMobileRow>;

/** GET /JSSResource/mobiledevices. */
export const classicMobileDevicesSchema = z.object({ mobile_devices: z.array(classicMobileRow).default([]) });

/** GET /JSSResource/mobiledevices/udid|macaddress|serialnumber/{v}. */
export const classicMobileDeviceSchema = z.object({
  mobile_device: z.object({
    general: z.object({
      id: classicId,
      display_name: text,
      device_name: text,
      name: text,
      udid: text,
      serial_number: text,
      wifi_mac_address: text,
      managed: flag,
      model: text,
      os_version: text,
      last_inventory_update_utc: text,
      last_inventory_update_epoch: num,
    }),
    mobile_device_groups: z.array(z.object({ id: classicId.optional(), name: z.string() })).default([]),
  }),
});
export type ClassicMobileDevice = z.infer<typeof classicMobileDeviceSchema>['mobile_device'];

/** GET /JSSResource/mobiledevicegroups. */
export const classicMobileGroupListSchema = z.object({
  mobile_device_groups: z.array(z.object({ id: classicId, name: z.string(), is_smart: flag })).default([]),
});

/** GET /JSSResource/mobiledevicegroups/id/{id}. */
export const classicMobileGroupSchema = z.object({
  mobile_device_group: z.object({
    id: classicId,
    name: z.string(),
    is_smart: flag,
    criteria: z.array(criterion).default([]),
    mobile_devices: z.array(classicMobileRow).default([]),
  }),
});

// --- webhooks (registration is Classic-only) ------------------------------------------------------

/** GET /JSSResource/webhooks/id/{id}. */
export const classicWebhookSchema = z.object({
  webhook: z.object({
    id: classicId,
    name: z.string(),
    enabled: flag,
    url: z.string(),
    content_type: text,
    event: z.string(),
    connection_timeout: num,
    read_timeout: num,
    authentication_type: text,
    smart_group_id: num,
  }),
});
