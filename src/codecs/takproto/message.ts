/**
 * TAK Protocol v1 `TakMessage` <-> Event, written by hand on @bufbuild/protobuf's wire reader/writer from the
 * public field numbers (TAK Protocol v1, ATAK-CIV `takproto/*.proto`). No .proto file is copied and no code is generated.
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { CodecError } from '../../errors.js';
import { DEFAULT_LABEL, UNKNOWN_ERROR, type Event } from '../../model/index.js';
import { deriveDetailWith, scanDetailXml } from '../cot/index.js';
import { joinDetail, splitDetail, type TypedDetail } from './detail-map.js';
import { frameStream, takError } from './framing.js';

/** TakControl (TakMessage field 1): version negotiation on mesh networks. */
export interface TakControl {
  minProtoVersion?: number;
  maxProtoVersion?: number;
  contactUid?: string;
}

/** A decoded TakMessage. Times are epoch milliseconds. */
export interface TakMessage {
  control?: TakControl;
  event?: Event;
  submissionTime?: number;
  creationTime?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * Strict UTF-8 for protobuf strings. Buffer#toString is several times faster than TextDecoder for the many short
 * strings of a TakMessage but replaces bad bytes with U+FFFD; only when that character shows up does the fatal
 * decoder look again (and throw if the bytes really were invalid).
 */
function strictUtf8(bytes: Uint8Array): string {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return s.includes('\ufffd') ? utf8.decode(bytes) : s;
}

// ---- encoding ----

function str(w: BinaryWriter, field: number, v: string | undefined): void {
  if (v) w.tag(field, WireType.LengthDelimited).string(v);
}

/** Write strings as fields 1, 2, 3… */
function strs(w: BinaryWriter, values: (string | undefined)[]): void {
  values.forEach((v, i) => str(w, i + 1, v));
}

function dbl(w: BinaryWriter, field: number, v: number): void {
  if (v !== 0) w.tag(field, WireType.Bit64).double(v); // proto3: zero is the default and is not written
}

function time(w: BinaryWriter, field: number, ms: number): void {
  if (!(ms >= 0 && Number.isSafeInteger(Math.trunc(ms)))) {
    throw takError('BW_TAK_BAD_PROTO', [`time ${ms} cannot be a uint64`]);
  }
  if (ms > 0) w.tag(field, WireType.Varint).uint64(Math.trunc(ms));
}

function writeTyped(w: BinaryWriter, t: TypedDetail): void {
  const sub = (field: number, fill: () => void): void => {
    w.tag(field, WireType.LengthDelimited).fork();
    fill();
    w.join();
  };
  const { contact, group, precisionLocation: pl, status, takv, track } = t;
  if (contact) sub(2, () => strs(w, [contact.endpoint, contact.callsign]));
  if (group) sub(3, () => strs(w, [group.name, group.role]));
  if (pl) sub(4, () => strs(w, [pl.geopointsrc, pl.altsrc]));
  if (status) {
    sub(5, () => {
      if (status.battery) w.tag(1, WireType.Varint).uint32(status.battery);
    });
  }
  if (takv) sub(6, () => strs(w, [takv.device, takv.platform, takv.os, takv.version]));
  if (track) {
    sub(7, () => {
      dbl(w, 1, track.speed);
      dbl(w, 2, track.course);
    });
  }
}

function writeEvent(w: BinaryWriter, e: Event): void {
  str(w, 1, e.type);
  str(w, 2, e.access);
  str(w, 3, e.qos);
  str(w, 4, e.opex);
  str(w, 5, e.uid);
  time(w, 6, e.time);
  time(w, 7, e.start);
  time(w, 8, e.stale);
  str(w, 9, e.how);
  dbl(w, 10, e.point.lat);
  dbl(w, 11, e.point.lon);
  dbl(w, 12, e.point.hae);
  dbl(w, 13, e.point.ce);
  dbl(w, 14, e.point.le);
  const { typed, xmlDetail } = splitDetail(e.detail.elements);
  if (xmlDetail || Object.keys(typed).length > 0) {
    w.tag(15, WireType.LengthDelimited).fork();
    str(w, 1, xmlDetail);
    writeTyped(w, typed);
    w.join();
  }
  str(w, 16, e.caveat);
  str(w, 17, e.releasableTo);
}

/** Serialise a TakMessage (the payload, without framing). */
export function encodeTakMessage(msg: { control?: TakControl; event?: Event }): Uint8Array {
  const w = writer;
  try {
    write(w, msg);
  } catch (e) {
    w.finish(); // reset the shared writer before the error leaves
    throw e;
  }
  const out = w.finish();
  if (out.length > 65_536) writer = new BinaryWriter(); // do not keep a huge buffer for the next small message
  return out;
}

/**
 * One writer for every call: finish() copies the bytes out and keeps the buffer, so after the first few messages
 * nothing regrows (growing from 128 bytes was 9% of encodeTakMessage). Encoding is synchronous, so no call can
 * see another's half-written state.
 */
let writer = new BinaryWriter();

function write(w: BinaryWriter, msg: { control?: TakControl; event?: Event }): void {
  if (msg.control) {
    const c = msg.control;
    w.tag(1, WireType.LengthDelimited).fork();
    if (c.minProtoVersion) w.tag(1, WireType.Varint).uint32(c.minProtoVersion);
    if (c.maxProtoVersion) w.tag(2, WireType.Varint).uint32(c.maxProtoVersion);
    str(w, 3, c.contactUid);
    w.join();
  }
  if (msg.event) {
    w.tag(2, WireType.LengthDelimited).fork();
    writeEvent(w, msg.event);
    w.join();
  }
}

/** The stream frame of an event (`0xbf`, length, TakMessage): what the hub caches once per event, in `alloc`. */
export function encodeTakStream(event: Event, alloc?: (n: number) => Buffer): Buffer {
  return frameStream(encodeTakMessage({ event }), alloc);
}

// ---- decoding ----

/**
 * Walk the fields of one message, from the reader's position to `end`; `on` returns false for fields it does not
 * know (they are skipped). One reader serves the whole payload: a reader per sub-message (a DataView each) was
 * 6% of decodeTakMessage in the profile.
 */
function fields(
  r: BinaryReader,
  end: number,
  on: (r: BinaryReader, field: number, wt: WireType) => boolean,
): void {
  while (r.pos < end) {
    const [field, wt] = r.tag();
    if (!on(r, field, wt)) r.skip(wt);
    if (r.pos > end) throw takError('BW_TAK_BAD_PROTO', [`field ${field} runs past the end of its message`]);
  }
}

/** Enter a length-delimited sub-message: returns where it ends. */
function enter(r: BinaryReader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw takError('BW_TAK_TRUNCATED', [], r.pos);
  return end;
}

function expect(wt: WireType, want: WireType, field: number): void {
  if (wt !== want)
    throw takError('BW_TAK_BAD_PROTO', [`field ${field} has wire type ${wt}, expected ${want}`]);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function u64(r: BinaryReader): number {
  const v = r.uint64();
  if (typeof v === 'bigint' ? v > MAX_SAFE : Number(v) > Number.MAX_SAFE_INTEGER) {
    throw takError('BW_TAK_BAD_PROTO', ['uint64 out of range']);
  }
  return Number(v);
}

type Shape = Record<number, 'string' | 'double' | 'uint32'>;

/** Decode a flat sub-message whose fields are all strings/doubles/uint32 into field number -> value. */
function flat(r: BinaryReader, shape: Shape): Record<number, string | number> {
  const out: Record<number, string | number> = {};
  fields(r, enter(r), (r, f, wt) => {
    const kind = shape[f];
    if (!kind) return false;
    expect(
      wt,
      kind === 'string' ? WireType.LengthDelimited : kind === 'double' ? WireType.Bit64 : WireType.Varint,
      f,
    );
    out[f] = kind === 'string' ? r.string() : kind === 'double' ? r.double() : r.uint32();
    return true;
  });
  return out;
}

function decodeDetail(r: BinaryReader): { typed: TypedDetail; xml: string } {
  const typed: TypedDetail = {};
  let xml = '';
  fields(r, enter(r), (r, f, wt) => {
    if (f < 1 || f > 7) return false;
    expect(wt, WireType.LengthDelimited, f);
    if (f === 1) {
      xml += r.string();
      return true;
    }
    const b = r;
    const s = (m: Record<number, string | number>, k: number): string => String(m[k] ?? '');
    if (f === 2) {
      const m = flat(b, { 1: 'string', 2: 'string' });
      typed.contact = m[1] ? { callsign: s(m, 2), endpoint: s(m, 1) } : { callsign: s(m, 2) };
    } else if (f === 3) {
      const m = flat(b, { 1: 'string', 2: 'string' });
      typed.group = { name: s(m, 1), role: s(m, 2) };
    } else if (f === 4) {
      const m = flat(b, { 1: 'string', 2: 'string' });
      typed.precisionLocation = { geopointsrc: s(m, 1), altsrc: s(m, 2) };
    } else if (f === 5) {
      typed.status = { battery: Number(flat(b, { 1: 'uint32' })[1] ?? 0) };
    } else if (f === 6) {
      const m = flat(b, { 1: 'string', 2: 'string', 3: 'string', 4: 'string' });
      typed.takv = { device: s(m, 1), platform: s(m, 2), os: s(m, 3), version: s(m, 4) };
    } else {
      const m = flat(b, { 1: 'double', 2: 'double' });
      typed.track = { speed: Number(m[1] ?? 0), course: Number(m[2] ?? 0) };
    }
    return true;
  });
  return { typed, xml };
}

function bad(what: string): CodecError {
  return takError('BW_TAK_BAD_PROTO', [what]);
}

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) ? v : fallback;
}

function decodeEvent(r0: BinaryReader): Event {
  const s: Record<number, string> = {};
  const n: Record<number, number> = {};
  let detail: { typed: TypedDetail; xml: string } = { typed: {}, xml: '' };
  fields(r0, enter(r0), (r, f, wt) => {
    if ((f >= 1 && f <= 5) || f === 9 || f === 16 || f === 17) {
      expect(wt, WireType.LengthDelimited, f);
      s[f] = r.string();
    } else if (f >= 6 && f <= 8) {
      expect(wt, WireType.Varint, f);
      n[f] = u64(r);
    } else if (f >= 10 && f <= 14) {
      expect(wt, WireType.Bit64, f);
      n[f] = r.double();
    } else if (f === 15) {
      expect(wt, WireType.LengthDelimited, f);
      detail = decodeDetail(r);
    } else return false;
    return true;
  });
  if (!s[5]) throw bad('cotEvent has no uid');
  if (!s[1]) throw bad('cotEvent has no type');
  if (!n[6] || !n[7] || !n[8]) throw bad('cotEvent lacks sendTime, startTime or staleTime');
  if (n[6] > 8.64e15 || n[7] > 8.64e15 || n[8] > 8.64e15) throw bad('time out of range');
  if (n[8] < n[7]) throw takError('BW_TAK_BAD_PROTO', ['stale is before start']);
  const lat = n[10] ?? 0;
  const lon = n[11] ?? 0;
  if (!(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) throw bad(`lat/lon ${lat},${lon} out of range`);
  const point = {
    lat,
    lon,
    hae: finiteOr(n[12] ?? 0, UNKNOWN_ERROR),
    ce: finiteOr(n[13] ?? 0, UNKNOWN_ERROR),
    le: finiteOr(n[14] ?? 0, UNKNOWN_ERROR),
  };
  if (point.ce < 0 || point.le < 0) throw bad('negative ce/le');
  const x = detail.xml ? scanDetailXml(detail.xml) : { elements: [], attrs: [] };
  const joined = joinDetail(detail.typed, x.elements, x.attrs);
  const event: Event = {
    version: '2.0',
    uid: s[5],
    type: s[1],
    how: s[9] || 'h-e',
    time: n[6],
    start: n[7],
    stale: n[8],
    point,
    detail: deriveDetailWith(joined.elements, joined.attrs),
    label: DEFAULT_LABEL,
    origin: { protocol: 'takproto' },
  };
  if (s[2]) event.access = s[2];
  if (s[3]) event.qos = s[3];
  if (s[4]) event.opex = s[4];
  if (s[16]) event.caveat = s[16];
  if (s[17]) event.releasableTo = s[17];
  return event;
}

/**
 * Decode a TakMessage payload. Throws CodecError only: BW_TAK_TRUNCATED (ends inside a field), BW_TAK_BAD_PROTO
 * (wrong wire types, invalid UTF-8, missing uid/type/times, out-of-range values); problems inside xmlDetail keep
 * the BW_COT_* code of the XML fault (e.g. BW_COT_DOCTYPE).
 */
export function decodeTakMessage(payload: Uint8Array): TakMessage {
  const out: TakMessage = {};
  try {
    const reader = new BinaryReader(payload, strictUtf8);
    fields(reader, reader.len, (r, f, wt) => {
      if (f === 1) {
        expect(wt, WireType.LengthDelimited, f);
        const m = flat(r, { 1: 'uint32', 2: 'uint32', 3: 'string' });
        const c: TakControl = {};
        if (m[1] !== undefined) c.minProtoVersion = Number(m[1]);
        if (m[2] !== undefined) c.maxProtoVersion = Number(m[2]);
        if (m[3]) c.contactUid = String(m[3]);
        out.control = c;
      } else if (f === 2) {
        expect(wt, WireType.LengthDelimited, f);
        out.event = decodeEvent(r);
      } else if (f === 3 || f === 4) {
        expect(wt, WireType.Varint, f);
        out[f === 3 ? 'submissionTime' : 'creationTime'] = u64(r);
      } else return false;
      return true;
    });
  } catch (e) {
    if (e instanceof CodecError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof RangeError && /premature EOF/i.test(msg))
      throw takError('BW_TAK_TRUNCATED', [], undefined, e);
    throw takError('BW_TAK_BAD_PROTO', [msg], undefined, e);
  }
  return out;
}
