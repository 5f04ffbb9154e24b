import type { JamfDevice, JamfDeviceKind } from '../../jamf/device.js';
import type { Logger } from '../../log/logger.js';
import type { DeviceRecord } from '../../posture/types.js';
import type { PostureLike } from '../events.js';
import type { Job } from '../work-queue.js';

// A webhook is only a trigger: the device is read back from Jamf's API and that answer is applied. A forged
// or stale webhook therefore cannot make a device compliant; at worst it costs one Jamf request.

/** The record of a device Jamf no longer has, as non-compliant (the next full sync removes it). */
function gone(r: DeviceRecord): JamfDevice {
  return {
    kind: r.kind, jamfId: r.jamfId, udid: r.udid, provisioningUdid: r.provisioningUdid, macs: r.macs, serial: r.serial,
    name: r.name, model: r.model, osVersion: r.osVersion, managed: false, lastInventory: r.lastInventory, compliantGroups: [],
  };
}

/** Fetches one device from Jamf and applies it to the posture store (source 'webhook'). */
export function refreshJob(posture: PostureLike, log: Logger, kind: JamfDeviceKind, jamfId: string): Job {
  return {
    key: `${kind}:${jamfId}`,
    run: async () => {
      const device = await posture.client.deviceById(kind, jamfId);
      if (device) {
        posture.store.applyDevice(device, 'webhook');
        return;
      }
      const known = posture.store.byJamfId(kind, jamfId);
      if (!known) {
        log.debug({ kind, jamfId }, 'webhook named a device Jamf does not have');
        return;
      }
      log.info({ kind, jamfId, key: known.key }, 'webhook named a device Jamf no longer has; non-compliant until the next sync');
      posture.store.applyDevice(gone(known), 'webhook');
    },
  };
}

/** One full sync instead of hundreds of single fetches (a big smart-group recalculation). */
export function fullSyncJob(posture: PostureLike): Job {
  return { key: 'full-sync', run: () => posture.syncNow() };
}
