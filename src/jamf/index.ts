/** Public surface of the Jamf layer (what src/posture, src/cli and src/app import). */
export { createJamfClient, type JamfClient, type JamfClientOptions } from './client.js';
export {
  JAMF_MAX_CONNECTIONS, JAMF_MAX_PAGE_SIZE, jamfConfigFromSection, jamfSectionSchema, jamfStartupWarnings, parseJamfSection,
  type JamfConfig, type JamfProblem, type JamfSection, type JamfSectionInput, type JamfSectionResult,
} from './config.js';
export { JamfError, type JamfErrorKind } from './errors.js';
export type { JamfDevice, JamfDeviceKind } from './device.js';
export { FleetSync, fetchFleet, fleetDevices, type FetchFleetOptions, type FleetFailure, type FleetProgress, type FleetGroup, type FleetResult, type FleetStats, type SyncFailureRecord, type SyncOutcome } from './sync.js';
export { lookupDevice, type LookupKey } from './lookup.js';
export { formatCheckLine, runJamfChecks, type JamfCheckLine, type JamfCheckReport } from './check.js';
export { JamfHttp, type JamfHttpStats } from './http.js';
export { parseWebhook, type ParsedWebhook } from './webhook-schemas.js';
