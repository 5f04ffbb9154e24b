import type { Logger } from '../log/logger.js';
import { runJamfChecks, type JamfCheckReport } from './check.js';
import type { JamfConfig } from './config.js';
import type { JamfDevice, JamfDeviceKind } from './device.js';
import { deviceById } from './device-by-id.js';
import { JamfHttp } from './http.js';
import { lookupDevice, type LookupKey } from './lookup.js';
import { FleetSync, fetchFleet, type FetchFleetOptions, type FleetResult } from './sync.js';

/** The Jamf client the rest of portcullis uses: one HTTP connection pool, one token, one concurrency limit. */
export interface JamfClient {
  readonly config: JamfConfig;
  readonly http: JamfHttp;
  /** One full read of computers and mobile devices with their compliant groups (throws JamfError). */
  fetchFleet(options?: FetchFleetOptions): Promise<FleetResult>;
  /** One device by MAC, UDID or serial (undefined when Jamf has none). */
  lookupDevice(key: LookupKey, kind?: JamfDeviceKind): Promise<JamfDevice | undefined>;
  /** One device by its Jamf id, e.g. from a webhook (undefined when Jamf has none). */
  deviceById(kind: JamfDeviceKind, jamfId: string): Promise<JamfDevice | undefined>;
  /** The `portcullis jamf test` checks. */
  check(): Promise<JamfCheckReport>;
  /** A poller that keeps the last good snapshot (start() to poll every pollIntervalSeconds). */
  createSync(onSnapshot?: (snapshot: FleetResult) => void): FleetSync;
  /** Aborts requests in flight and closes connections. */
  close(): void;
}

export interface JamfClientOptions {
  logger: Logger;
  /** Clock for token expiry (ms since epoch). */
  now?: () => number;
}

/** Creates the client; logs a warning when TLS verification is off or the URL is plain http. */
export function createJamfClient(config: JamfConfig, options: JamfClientOptions): JamfClient {
  const http = new JamfHttp(config, options);
  return {
    config,
    http,
    fetchFleet: (options) => fetchFleet(http, options),
    lookupDevice: (key, kind) => lookupDevice(http, key, kind),
    deviceById: (kind, jamfId) => deviceById(http, kind, jamfId),
    check: () => runJamfChecks(http),
    createSync: (onSnapshot) => new FleetSync(http, { logger: options.logger, onSnapshot }),
    close: () => http.close(),
  };
}
