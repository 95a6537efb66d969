/**
 * Program-specific information (ISO/IEC 13818-1 §2.4.4): the PAT (program number -> PMT PID) and the PMT (the
 * elementary streams of a program, their stream types and descriptors). Sections are checked with CRC-32/MPEG-2 and
 * parsed defensively: a malformed section is reported, never thrown.
 */
import { crc32Mpeg } from './crc32.js';

export interface Descriptor {
  tag: number;
  data: Uint8Array;
}

export interface ElementaryStream {
  pid: number;
  streamType: number;
  descriptors: Descriptor[];
}

export interface Pmt {
  programNumber: number;
  version: number;
  pcrPid: number;
  descriptors: Descriptor[];
  streams: ElementaryStream[];
}

export type SectionResult<T> = { ok: true; value: T } | { ok: false; reason: 'psi-crc' | 'psi-malformed' };

/** Length of the section starting at `off` (3 header bytes + section_length), or -1 when the header is incomplete. */
export function sectionLength(buf: Uint8Array, off: number): number {
  if (off + 3 > buf.length) return -1;
  return 3 + (((buf[off + 1]! & 0x0f) << 8) | buf[off + 2]!);
}

function checkSection(sec: Uint8Array, tableId: number): 'psi-crc' | 'psi-malformed' | undefined {
  if (sec.length < 12 || sec[0] !== tableId) return 'psi-malformed';
  if ((sec[1]! & 0x80) === 0) return 'psi-malformed'; // section_syntax_indicator must be 1
  if (crc32Mpeg(sec) !== 0) return 'psi-crc';
  return undefined;
}

function descriptors(buf: Uint8Array, start: number, end: number): Descriptor[] | undefined {
  const out: Descriptor[] = [];
  let i = start;
  while (i < end) {
    if (i + 2 > end) return undefined;
    const len = buf[i + 1]!;
    if (i + 2 + len > end) return undefined;
    out.push({ tag: buf[i]!, data: buf.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return out;
}

/** Parse a complete PAT section: program number -> PMT PID (program 0, the NIT, is skipped). */
export function parsePat(sec: Uint8Array): SectionResult<Map<number, number>> {
  const bad = checkSection(sec, 0x00);
  if (bad) return { ok: false, reason: bad };
  const programs = new Map<number, number>();
  const end = sec.length - 4;
  if ((end - 8) % 4 !== 0) return { ok: false, reason: 'psi-malformed' };
  for (let i = 8; i + 4 <= end; i += 4) {
    const program = (sec[i]! << 8) | sec[i + 1]!;
    const pid = ((sec[i + 2]! & 0x1f) << 8) | sec[i + 3]!;
    if (program !== 0) programs.set(program, pid);
  }
  return { ok: true, value: programs };
}

/** Parse a complete PMT section. */
export function parsePmt(sec: Uint8Array): SectionResult<Pmt> {
  const bad = checkSection(sec, 0x02);
  if (bad) return { ok: false, reason: bad };
  const end = sec.length - 4;
  const programNumber = (sec[3]! << 8) | sec[4]!;
  const version = (sec[5]! >> 1) & 0x1f;
  const pcrPid = ((sec[8]! & 0x1f) << 8) | sec[9]!;
  const infoLen = ((sec[10]! & 0x0f) << 8) | sec[11]!;
  if (12 + infoLen > end) return { ok: false, reason: 'psi-malformed' };
  const progDesc = descriptors(sec, 12, 12 + infoLen);
  if (!progDesc) return { ok: false, reason: 'psi-malformed' };
  const streams: ElementaryStream[] = [];
  let i = 12 + infoLen;
  while (i < end) {
    if (i + 5 > end) return { ok: false, reason: 'psi-malformed' };
    const streamType = sec[i]!;
    const pid = ((sec[i + 1]! & 0x1f) << 8) | sec[i + 2]!;
    const esLen = ((sec[i + 3]! & 0x0f) << 8) | sec[i + 4]!;
    if (i + 5 + esLen > end) return { ok: false, reason: 'psi-malformed' };
    const d = descriptors(sec, i + 5, i + 5 + esLen);
    if (!d) return { ok: false, reason: 'psi-malformed' };
    streams.push({ pid, streamType, descriptors: d });
    i += 5 + esLen;
  }
  return { ok: true, value: { programNumber, version, pcrPid, descriptors: progDesc, streams } };
}

const KLVA = 0x4b4c5641;
const u32 = (d: Uint8Array, o: number) =>
  ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;

/** What an elementary stream carries, as far as this hub cares. */
export type StreamKind = 'video' | 'audio' | 'klv-async' | 'klv-sync' | 'data' | 'other';

/** Video codec name of a video stream type. */
export function videoCodec(streamType: number): string | undefined {
  switch (streamType) {
    case 0x1b:
      return 'h264';
    case 0x24:
      return 'h265';
    case 0x01:
    case 0x02:
      return 'mpeg2';
    case 0x10:
      return 'mpeg4';
    default:
      return undefined;
  }
}

function hasKlvaRegistration(d: Descriptor[]): boolean {
  return d.some((x) => x.tag === 0x05 && x.data.length >= 4 && u32(x.data, 0) === KLVA);
}

/** metadata_descriptor (0x26) naming KLV: metadata_format 0xFF with format identifier KLVA. */
function hasKlvaMetadataFormat(d: Descriptor[]): boolean {
  for (const x of d) {
    if (x.tag !== 0x26 || x.data.length < 3) continue;
    const app = (x.data[0]! << 8) | x.data[1]!;
    let o = app === 0xffff ? 6 : 2;
    if (o >= x.data.length) continue;
    const fmt = x.data[o]!;
    o++;
    if (fmt === 0xff && o + 4 <= x.data.length && u32(x.data, o) === KLVA) return true;
  }
  return false;
}

/**
 * Classify a PMT entry. Asynchronous KLV is stream type 0x06 with a KLVA registration descriptor; synchronous KLV is
 * stream type 0x15 with a KLVA metadata descriptor (or none at all, as some encoders write). A 0x06 stream with no
 * registration is `data`: the demuxer looks at its first PES for a SMPTE key before trusting it as KLV
 * (FFmpeg 5.1 writes raw data streams that way).
 */
export function classifyStream(es: ElementaryStream): StreamKind {
  const t = es.streamType;
  if (videoCodec(t)) return 'video';
  if (t === 0x03 || t === 0x04 || t === 0x0f || t === 0x11 || t === 0x81) return 'audio';
  if (t === 0x15) {
    const hasMeta = es.descriptors.some((x) => x.tag === 0x26);
    return !hasMeta || hasKlvaMetadataFormat(es.descriptors) ? 'klv-sync' : 'other';
  }
  if (t === 0x06) {
    if (hasKlvaRegistration(es.descriptors)) return 'klv-async';
    const registered = es.descriptors.some((x) => x.tag === 0x05);
    const audioLike = es.descriptors.some((x) => x.tag === 0x6a || x.tag === 0x7a || x.tag === 0x7f);
    return registered || audioLike ? 'other' : 'data';
  }
  return 'other';
}
