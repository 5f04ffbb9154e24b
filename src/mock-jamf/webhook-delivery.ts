// Webhook delivery, as Jamf Pro does it: when the fleet changes, every enabled webhook registered for that
// event POSTs the JSON envelope {webhook:{eventTimestamp,id,name,webhookEvent}, event:{…}} to its URL with
// its authentication (Basic, or the header JSON). Smart-group membership changes go to hooks whose
// smart_group_id is that group (or that name none); an updated device counts as a completed inventory.
// The mock only delivers to loopback URLs, so a test never sends traffic off the machine; XML hooks and
// other URLs are recorded as skipped. No retries (Jamf's retry behaviour is not documented).

import http from 'node:http';
import https from 'node:https';
import type { MockJamfState } from './state.js';
import { DeviceKind, type FleetChange, type MockComputer, type MockMobileDevice, type MockWebhook } from './types.js';

export interface WebhookDeliveryOptions {
  /** CA for https hook URLs (a test receiver's certificate). */
  ca?: string | Buffer;
  /** false: deliver nothing (the state still records webhooks). Default true. */
  enabled?: boolean;
  /** Clock for eventTimestamp (ms). */
  now?: () => number;
}

export interface DeliveryRecord {
  hookId: number;
  event: string;
  url: string;
  /** The JSON body sent (or that would have been sent). */
  payload: Record<string, unknown>;
  /** HTTP status of the receiver's answer; undefined when not sent or failed. */
  status?: number;
  error?: string;
  skipped?: string;
  at: number;
}

const LOG_LIMIT = 1000;

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

function computerEvent(c: MockComputer): Record<string, unknown> {
  return {
    alternateMacAddress: c.altMacAddress, building: '', department: '', deviceName: c.name, emailAddress: c.email,
    ipAddress: c.ipAddress, jssID: c.id, macAddress: c.macAddress, model: c.model, osBuild: c.osBuild, osVersion: c.osVersion,
    phone: '', position: '', realName: c.realName, reportedIpAddress: c.ipAddress, room: '', serialNumber: c.serialNumber,
    udid: c.udid, userDirectoryID: '-1', username: c.username, managementId: c.managementId,
  };
}

function mobileEvent(m: MockMobileDevice): Record<string, unknown> {
  return {
    bluetoothMacAddress: m.bluetoothMacAddress, building: '', department: '', deviceName: m.name, emailAddress: m.email,
    icciID: '', imei: '', ipAddress: m.ipAddress, jssID: m.id, model: m.model, modelDisplay: m.model, osBuild: m.osBuild,
    osVersion: m.osVersion, phone: m.phoneNumber, position: '', product: m.modelIdentifier, realName: m.realName, room: '',
    serialNumber: m.serialNumber, udid: m.udid, userDirectoryID: '-1', username: m.username, version: m.osVersion,
    wifiMacAddress: m.wifiMacAddress, managementId: m.managementId,
  };
}

export class WebhookDelivery {
  readonly #state: MockJamfState;
  readonly #o: WebhookDeliveryOptions;
  readonly #pending = new Set<Promise<void>>();
  readonly #unsubscribe: () => void;
  /** Every delivery attempt, newest last (at most 1000). */
  readonly deliveries: DeliveryRecord[] = [];

  constructor(state: MockJamfState, options: WebhookDeliveryOptions = {}) {
    this.#state = state;
    this.#o = options;
    this.#unsubscribe = state.onChange((change) => this.#onChange(change));
  }

  /** Resolves when every delivery started so far has been answered or failed. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  close(): void {
    this.#unsubscribe();
  }

  #hooks(event: string): MockWebhook[] {
    return [...this.#state.webhooks.values()].filter((h) => h.enabled && h.event === event);
  }

  #onChange(change: FleetChange): void {
    if (this.#o.enabled === false) return;
    if (change.type === 'membership') {
      const group = this.#state.groups(change.kind).get(change.groupId);
      const computer = change.kind === DeviceKind.computer;
      const event = computer ? 'SmartGroupComputerMembershipChange' : 'SmartGroupMobileDeviceMembershipChange';
      const describe = (id: number): unknown => {
        if (computer) return this.#state.computers.get(id)?.name ?? String(id);
        const m = this.#state.mobileDevices.get(id);
        return m ? { deviceName: m.name, jssID: m.id, serialNumber: m.serialNumber, udid: m.udid, wifiMacAddress: m.wifiMacAddress } : { jssID: id };
      };
      for (const hook of this.#hooks(event)) {
        if (hook.smartGroupId > 0 && hook.smartGroupId !== change.groupId) continue;
        this.#send(hook, {
          computer, groupAddedDevices: change.added.map(describe), groupAddedDevicesIds: change.added,
          groupRemovedDevices: change.removed.map(describe), groupRemovedDevicesIds: change.removed,
          jssid: change.groupId, name: group?.name ?? '', smartGroup: group?.smart ?? true,
        });
      }
    } else if (change.type === 'device-updated') {
      if (change.kind === DeviceKind.computer) {
        const c = this.#state.computers.get(change.id);
        if (c) for (const hook of this.#hooks('ComputerInventoryCompleted')) this.#send(hook, computerEvent(c));
      } else {
        const m = this.#state.mobileDevices.get(change.id);
        if (m) for (const hook of this.#hooks('MobileDeviceInventoryCompleted')) this.#send(hook, mobileEvent(m));
      }
    }
  }

  #send(hook: MockWebhook, event: Record<string, unknown>): void {
    const at = (this.#o.now ?? Date.now)();
    const payload = { webhook: { eventTimestamp: at, id: hook.id, name: hook.name, webhookEvent: hook.event }, event };
    const record: DeliveryRecord = { hookId: hook.id, event: hook.event, url: hook.url, payload, at };
    this.deliveries.push(record);
    if (this.deliveries.length > LOG_LIMIT) this.deliveries.shift();

    let url: URL;
    try {
      url = new URL(hook.url);
    } catch {
      record.skipped = 'invalid URL';
      return;
    }
    if (!/json/i.test(hook.contentType)) record.skipped = 'the mock sends JSON only';
    else if (!isLoopbackHost(url.hostname)) record.skipped = 'the mock delivers to loopback URLs only';
    else if (url.protocol !== 'http:' && url.protocol !== 'https:') record.skipped = `unsupported scheme ${url.protocol}`;
    if (record.skipped) return;

    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8', 'user-agent': 'Jamf Pro (mock)' };
    if (hook.authenticationType === 'BASIC') {
      headers.authorization = `Basic ${Buffer.from(`${hook.username}:${hook.password}`).toString('base64')}`;
    } else if (hook.authenticationType === 'HEADER' && hook.header) {
      try {
        for (const [k, v] of Object.entries(JSON.parse(hook.header) as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
      } catch {
        record.skipped = 'header authentication is not a JSON object';
        return;
      }
    }
    const p = this.#post(url, headers, body, (hook.connectionTimeout + hook.readTimeout) * 1000)
      .then((status) => {
        record.status = status;
      }, (err: Error) => {
        record.error = err.message;
      })
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  #post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, {
        method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(url.protocol === 'https:' && this.#o.ca ? { ca: this.#o.ca } : {}),
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), Math.max(timeoutMs, 1000));
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end(body);
    });
  }
}
