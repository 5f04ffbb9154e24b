/** Public surface of the push layer (what src/app.ts and the CLI import). */
export { startPushReceiver, type PushReceiver, type PushReceiverDeps } from './receiver.js';
export {
  DEFAULT_SET_ALGORITHMS, SET_ALGORITHMS, defaultMetadataUrl, isLoopback, parsePushSection, pushSectionSchema, pushSettingsFromSection,
  type JamfWebhookSettings, type PushProblem, type PushSection, type PushSectionInput, type PushSettings, type SsfSettings, type WebhookAuth,
} from './config.js';
export { PushEvents, type DeviceRef, type PostureLike, type PostureStoreLike, type PushEventMap, type SessionRevoked, type VerificationReceived } from './events.js';
export { EVENT_TYPES } from './ssf/caep.js';
