/** The protocol-neutral model: Event, Label, Identity and geo helpers. Pure, no I/O. */
export * from './event.js';
export * from './label.js';
export * from './identity.js';
export * from './cot-type.js';
