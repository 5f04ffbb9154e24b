import { z } from 'zod';

// Payloads Jamf Pro POSTs to a webhook URL (JSON form). Read by the webhook receiver (src/push/jamf); the
// shapes are Jamf's documented templates and JAWA samples (jamf-api.md §5). The smart-group id is `jssid` in
// Jamf's docs and `jssID` in JAWA's samples: both are accepted, for the device events too.

export const webhookEnvelopeSchema = z.object({
  webhook: z.object({
    eventTimestamp: z.number(),
    id: z.number().int(),
    name: z.string(),
    webhookEvent: z.string(),
  }),
  event: z.record(z.unknown()),
});

const optText = z.string().nullish();

/**
 * SmartGroupComputerMembershipChange / SmartGroupMobileDeviceMembershipChange. Only the id lists are read:
 * `groupAddedDevices`/`groupRemovedDevices` are names (JAWA) or display-field objects (Jamf docs), so they vary.
 */
export const smartGroupMembershipChangeSchema = z.object({
  computer: z.boolean(),
  name: z.string(),
  smartGroup: z.boolean().optional(),
  jssid: z.number().int().optional(),
  jssID: z.number().int().optional(),
  groupAddedDevicesIds: z.array(z.number().int()).default([]),
  groupRemovedDevicesIds: z.array(z.number().int()).default([]),
}).transform((e, ctx) => {
  const groupId = e.jssid ?? e.jssID;
  if (groupId === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'missing jssid (smart group id)', path: ['jssid'] });
    return z.NEVER;
  }
  return { computer: e.computer, name: e.name, groupId, added: e.groupAddedDevicesIds, removed: e.groupRemovedDevicesIds };
});

/** The device id is `jssID` in Jamf's templates; `jssid` is accepted too (the smart-group events use it). */
function withJssId(event: unknown): unknown {
  if (event && typeof event === 'object' && !('jssID' in event) && 'jssid' in event) return { ...event, jssID: (event as { jssid: unknown }).jssid };
  return event;
}

/** ComputerAdded / ComputerInventoryCompleted / ComputerPushCapabilityChanged (flat computer object). */
export const computerEventSchema = z.preprocess(withJssId, z.object({
  jssID: z.number().int(),
  udid: optText,
  macAddress: optText,
  alternateMacAddress: optText,
  serialNumber: optText,
  deviceName: optText,
  model: optText,
  osVersion: optText,
  managementId: optText,
}));

/** MobileDeviceEnrolled / MobileDeviceInventoryCompleted / MobileDeviceCheckIn (flat mobile object). */
export const mobileDeviceEventSchema = z.preprocess(withJssId, z.object({
  jssID: z.number().int(),
  udid: optText,
  wifiMacAddress: optText,
  bluetoothMacAddress: optText,
  serialNumber: optText,
  deviceName: optText,
  model: optText,
  osVersion: optText,
  managementId: optText,
}));

/** DeviceAddedToDEP: a serial number, not yet an inventory record. */
export const deviceAddedToDepSchema = z.object({
  serialNumber: z.string(),
  model: optText,
  assetTag: optText,
  deviceAssignedDate: z.number().optional(),
});

const EVENT_SCHEMAS = {
  SmartGroupComputerMembershipChange: smartGroupMembershipChangeSchema,
  SmartGroupMobileDeviceMembershipChange: smartGroupMembershipChangeSchema,
  ComputerAdded: computerEventSchema,
  ComputerInventoryCompleted: computerEventSchema,
  ComputerPushCapabilityChanged: computerEventSchema,
  MobileDeviceEnrolled: mobileDeviceEventSchema,
  MobileDeviceInventoryCompleted: mobileDeviceEventSchema,
  MobileDeviceCheckIn: mobileDeviceEventSchema,
  DeviceAddedToDEP: deviceAddedToDepSchema,
} as const;
export type KnownWebhookEvent = keyof typeof EVENT_SCHEMAS;

export type ParsedWebhook =
  | { [K in KnownWebhookEvent]: { type: K; timestamp: number; webhookId: number; event: z.infer<(typeof EVENT_SCHEMAS)[K]> } }[KnownWebhookEvent]
  | { type: 'other'; webhookEvent: string; timestamp: number; webhookId: number };

/**
 * Parses a webhook JSON body; events the NAC does not use come back as `other` (ComputerCheckIn and
 * ComputerPolicyFinished nest the computer under event.computer and are among them). Throws ZodError on a bad body.
 */
export function parseWebhook(body: unknown): ParsedWebhook {
  const env = webhookEnvelopeSchema.parse(body);
  const { webhookEvent, eventTimestamp, id } = env.webhook;
  if (!(webhookEvent in EVENT_SCHEMAS)) return { type: 'other', webhookEvent, timestamp: eventTimestamp, webhookId: id };
  const type = webhookEvent as KnownWebhookEvent;
  const event = EVENT_SCHEMAS[type].parse(env.event);
  return { type, timestamp: eventTimestamp, webhookId: id, event } as ParsedWebhook;
}
