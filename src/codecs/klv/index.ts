/** SMPTE 336 KLV and the MISB sets a STANAG 4609 feed carries: ST 0601 (UAS Datalink), ST 0102, ST 0903. */
export * from './ber.js';
export * from './st0601.js';
export * from './st0102.js';
export * from './st0903.js';
export { ST0601_TAGS } from './st0601-tags.js';
export { imapb, mapSigned, mapUnsigned } from './values.js';
export { encodeUasDatalink, securityItem } from './encode.js';
