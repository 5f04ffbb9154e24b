// Public surface of the mock Jamf Pro server.
export { startMockJamf, type MockJamf } from './server.js';
export {
  DEFAULT_CLIENT, DEFAULT_PAGE_SIZE_CAP, DEFAULT_USER, DEFAULT_VERSION, OLDER_SERVER_MISSING,
  type MockJamfClient, type MockJamfOptions, type MockJamfUser, type ResolvedOptions,
} from './options.js';
export { MockJamfState, type GroupRef, type NewGroup } from './state.js';
export { createSeededState, seedFleet, DEFAULT_COMPUTER_GROUPS, DEFAULT_MOBILE_GROUPS, type SeedGroup, type SeedOptions } from './seed.js';
export { generateComputer, generateMobileDevice } from './generate.js';
export { FaultSet, type FaultRule } from './faults.js';
export { ALL_PRIVILEGES, NAC_PRIVILEGES, Privilege } from './privileges.js';
export { TokenKind, type TokenGrant } from './tokens.js';
export type { RequestFilter, RequestRecord } from './traffic.js';
export { compileFilter, RsqlError } from './rsql.js';
export { WEBHOOK_EVENTS } from './routes-classic.js';
export { WebhookDelivery, type DeliveryRecord, type WebhookDeliveryOptions } from './webhook-delivery.js';
export * from './types.js';
