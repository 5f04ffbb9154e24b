// The RADIUS codec: pure functions over Buffers (no I/O, clock, logger or config).
export * from './codec/codes.js';
export * from './codec/errors.js';
export * from './codec/packet.js';
export * from './codec/values.js';
export * from './codec/vsa.js';
export * from './codec/hiding.js';
export * from './codec/authenticator.js';
export * from './codec/attributes.js';
export * from './dictionary/dictionary.js';
export * from './dictionary/errors.js';
export * from './dictionary/parser.js';
