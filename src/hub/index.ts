/** The hub: state, routing, the egress gate and fan-out. */
export * from './hub.js';
export * from './gate.js';
export * from './close.js';
export * from './session.js';
export * from './envelope.js';
export { OutQueue } from './queue.js';
export { State } from './state.js';
