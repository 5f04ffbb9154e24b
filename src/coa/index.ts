// Dynamic Authorization Client (RFC 5176): Disconnect-Request and CoA-Request to NASes.
export * from './types.js';
export * from './error-cause.js';
export * from './messages.js';
export * from './profiles.js';
export * from './client.js';
export * from './session-row.js';
export { CoaTransport, type TransportOptions, type OutgoingRequest } from './transport.js';
