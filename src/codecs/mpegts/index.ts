/** MPEG-2 transport stream codec: the demuxer, PSI parsing, PES helpers and RTP unwrapping. */
export * from './demux.js';
export * from './psi.js';
export * from './pes.js';
export * from './rtp.js';
export { crc32Mpeg } from './crc32.js';
export { KlvInjector, pmtSection } from './klv-inject.js';
