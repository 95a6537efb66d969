/** Sockets <-> codecs <-> hub. */
export * from './listeners.js';
export * from './udp.js';
export * from './stream.js';
export * from './rate.js';
