/**
 * Records: how decoded events cross from a decode thread (worker.ts) to the hub's thread in one transferred
 * ArrayBuffer per batch, cheaper to read than the XML they came from.
 *
 * A record is a tree of tagged values (numbers, strings, booleans, plain objects, arrays). What makes it cheap is
 * that one sender repeats itself: its uid, type, the keys of every object, and the typed views of the detail
 * elements it sends unchanged (the decoder's memo hands out the same objects again, see codecs/cot/memo.ts).
 * Each connection therefore has a small table of slots on both sides: the writer gives a string or an object a
 * slot the second event in a row it appears in, sends it once more with its slot number, and from then on sends
 * only the number; the reader keeps what arrived in the slot and hands out that same string or object.
 *
 * - Sharing follows the writer exactly: an object the decoder shares between events is shared on the reading
 *   side too, and an object it makes new for each event (the event, its point, its detail, every array) is new
 *   there as well, so the hub may change those in place as it does now.
 * - Bounded: SLOTS strings and SLOTS objects per connection on each side, reused in a ring; an evicted entry is
 *   simply sent again. Strings longer than MAX_SLOT_CHARS are always sent in full.
 * - Only plain data: a value of another kind (a function, a Map, a class instance) is refused with an error
 *   (the decoder never makes one).
 *
 * Events have a fixed layout (records.ts writes their header, point and elements without keys, and reads the detail
 * with a store per known key), so the reading side builds them as object literals of constant shape: generic keyed
 * stores were the largest cost of the hub's thread in S2.
 *
 * Pure: no I/O, no threads; the property test in records.test.ts round-trips random trees.
 */

import type { Detail, DetailElement, Event } from '../../model/event.js';
import { DEFAULT_LABEL } from '../../model/label.js';

const T_UNDEF = 0;
const T_NULL = 1;
const T_TRUE = 2;
const T_FALSE = 3;
const T_NUM = 4;
const T_STR = 5;
const T_STR_SLOT = 6;
const T_STR_REF = 7;
const T_OBJ = 8;
const T_OBJ_SLOT = 9;
const T_OBJ_REF = 10;
const T_ARR = 11;
/** A detail element ({name, xml}) without keys, with or without a slot. */
const T_EL = 12;
const T_EL_SLOT = 13;

/** Optional `<event>` attributes, in the order of the mask bits. */
const OPTIONAL = ['access', 'qos', 'opex', 'caveat', 'releasableTo'] as const;

/** Slots per connection and kind (strings, objects). */
export const SLOTS = 64;
/** Longer strings are not given a slot (a sender's repeated long texts sit inside objects that are). */
export const MAX_SLOT_CHARS = 64;
const SEEN_LIMIT = 256;

/** The writing side's tables for one connection. */
export class Interner {
  readonly strings = new Map<string, number>();
  readonly stringAt: (string | undefined)[] = [];
  nextString = 0;
  readonly objects = new Map<object, number>();
  readonly objectAt: (object | undefined)[] = [];
  nextObject = 0;
  /**
   * The record each unslotted value was last seen in: seen in the previous record too, it earns a slot. Cleared
   * when it passes SEEN_LIMIT entries (values new in every record pile up); that only delays a slot by a record.
   */
  private readonly seen = new Map<unknown, number>();
  private record = 1;

  /** Call after each record. */
  endRecord(): void {
    this.record++;
    if (this.seen.size > SEEN_LIMIT) this.seen.clear();
  }

  /** Whether `v` (unslotted) was in the previous record; notes it for the next. */
  repeated(v: unknown): boolean {
    const last = this.seen.get(v);
    this.seen.set(v, this.record);
    return last === this.record - 1;
  }

  slotString(v: string): number {
    const slot = this.nextString;
    this.nextString = (slot + 1) % SLOTS;
    const old = this.stringAt[slot];
    if (old !== undefined) this.strings.delete(old);
    this.stringAt[slot] = v;
    this.strings.set(v, slot);
    return slot;
  }

  slotObject(v: object): number {
    const slot = this.nextObject;
    this.nextObject = (slot + 1) % SLOTS;
    const old = this.objectAt[slot];
    if (old !== undefined) this.objects.delete(old);
    this.objectAt[slot] = v;
    this.objects.set(v, slot);
    return slot;
  }
}

/** The reading side's tables for one connection. */
export class Mirror {
  readonly strings: string[] = [];
  readonly objects: object[] = [];
}

/** Writes records into a growing Buffer; take() hands the bytes over and starts a new one. */
export class RecordWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;

  constructor(private readonly initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initial);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** The bytes written so far (their own ArrayBuffer, transferable); the writer starts afresh. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.initial, Math.min(this.pos, 1 << 20)));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  blob(b: Uint8Array): void {
    this.u32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  private text(s: string): void {
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.view.setUint32(this.pos, n, true);
    this.pos += 4 + n;
  }

  /** One value tree; `it` is the connection's tables. */
  value(v: unknown, it: Interner): void {
    switch (typeof v) {
      case 'string':
        return this.string(v, it);
      case 'number':
        this.ensure(9);
        this.buf[this.pos] = T_NUM;
        this.view.setFloat64(this.pos + 1, v, true);
        this.pos += 9;
        return;
      case 'boolean':
        return this.u8(v ? T_TRUE : T_FALSE);
      case 'undefined':
        return this.u8(T_UNDEF);
      case 'object':
        if (v === null) return this.u8(T_NULL);
        if (Array.isArray(v)) {
          this.u8(T_ARR);
          this.u32(v.length);
          for (const x of v as unknown[]) this.value(x, it);
          return;
        }
        return this.object(v, it);
      default:
        throw new TypeError(`records carry plain data, not ${typeof v}`);
    }
  }

  /** An event without its label and origin (the reading side sets those). */
  event(e: Event, it: Interner): void {
    this.string(e.version, it);
    this.string(e.uid, it);
    this.string(e.type, it);
    this.string(e.how, it);
    this.ensure(8 * 8 + 1);
    const v = this.view;
    const p = this.pos;
    const pt = e.point;
    v.setFloat64(p, e.time, true);
    v.setFloat64(p + 8, e.start, true);
    v.setFloat64(p + 16, e.stale, true);
    v.setFloat64(p + 24, pt.lat, true);
    v.setFloat64(p + 32, pt.lon, true);
    v.setFloat64(p + 40, pt.hae, true);
    v.setFloat64(p + 48, pt.ce, true);
    v.setFloat64(p + 56, pt.le, true);
    // Spelt out: a loop over OPTIONAL made each load a keyed (megamorphic) one.
    const mask =
      (e.access !== undefined ? 1 : 0) |
      (e.qos !== undefined ? 2 : 0) |
      (e.opex !== undefined ? 4 : 0) |
      (e.caveat !== undefined ? 8 : 0) |
      (e.releasableTo !== undefined ? 16 : 0);
    this.buf[p + 64] = mask;
    this.pos = p + 65;
    for (let i = 0; i < OPTIONAL.length; i++) if (mask & (1 << i)) this.string(e[OPTIONAL[i]!]!, it);
    const d = e.detail;
    const keys = Object.keys(d);
    this.u32(keys.length);
    for (const k of keys) {
      this.string(k, it);
      if (k === 'elements') this.elements(d.elements, it);
      else this.value(d[k as keyof Detail], it);
    }
  }

  private elements(els: readonly DetailElement[], it: Interner): void {
    this.u32(els.length);
    for (const el of els) {
      const slot = it.objects.get(el);
      if (slot !== undefined) {
        this.ensure(2);
        this.buf[this.pos] = T_OBJ_REF;
        this.buf[this.pos + 1] = slot;
        this.pos += 2;
        continue;
      }
      if (it.repeated(el)) {
        this.ensure(2);
        this.buf[this.pos] = T_EL_SLOT;
        this.buf[this.pos + 1] = it.slotObject(el);
        this.pos += 2;
      } else this.u8(T_EL);
      this.string(el.name, it);
      this.string(el.xml, it);
    }
  }

  /** A plain object's own enumerable properties. */
  object(v: object, it: Interner): void {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new TypeError('records carry plain objects only');
    const slot = it.objects.get(v);
    if (slot !== undefined) {
      this.ensure(3);
      this.buf[this.pos] = T_OBJ_REF;
      this.buf[this.pos + 1] = slot;
      this.pos += 2;
      return;
    }
    const keys = Object.keys(v);
    const n = keys.length;
    if (it.repeated(v)) {
      this.ensure(6);
      this.buf[this.pos] = T_OBJ_SLOT;
      this.buf[this.pos + 1] = it.slotObject(v);
      this.view.setUint32(this.pos + 2, n, true);
      this.pos += 6;
    } else {
      this.ensure(5);
      this.buf[this.pos] = T_OBJ;
      this.view.setUint32(this.pos + 1, n, true);
      this.pos += 5;
    }
    const o = v as Record<string, unknown>;
    for (const k of keys) {
      this.string(k, it);
      this.value(o[k], it);
    }
  }

  private string(v: string, it: Interner): void {
    if (v.length <= MAX_SLOT_CHARS) {
      const slot = it.strings.get(v);
      if (slot !== undefined) {
        this.ensure(2);
        this.buf[this.pos] = T_STR_REF;
        this.buf[this.pos + 1] = slot;
        this.pos += 2;
        return;
      }
      if (it.repeated(v)) {
        this.ensure(2);
        this.buf[this.pos] = T_STR_SLOT;
        this.buf[this.pos + 1] = it.slotString(v);
        this.pos += 2;
        return this.text(v);
      }
    }
    this.u8(T_STR);
    this.text(v);
  }
}

/** Reads what a RecordWriter wrote, in the same order. */
export class RecordReader {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Buffer) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new RangeError('record ends early');
    return this.buf[this.pos++]!;
  }

  u32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A view of the next length-prefixed bytes (no copy). */
  blob(): Buffer {
    const n = this.u32();
    if (this.pos + n > this.buf.length) throw new RangeError('record ends early');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private text(): string {
    const n = this.u32();
    const end = this.pos + n;
    if (end > this.buf.length) throw new RangeError('record ends early');
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return s;
  }

  /** An event as RecordWriter.event wrote it, with the default label and a placeholder origin. */
  event(m: Mirror): Event {
    const version = this.string(m);
    const uid = this.string(m);
    const type = this.string(m);
    const how = this.string(m);
    if (this.pos + 8 * 8 + 1 > this.buf.length) throw new RangeError('record ends early');
    const v = this.view;
    const p = this.pos;
    const time = v.getFloat64(p, true);
    const start = v.getFloat64(p + 8, true);
    const stale = v.getFloat64(p + 16, true);
    const point = {
      lat: v.getFloat64(p + 24, true),
      lon: v.getFloat64(p + 32, true),
      hae: v.getFloat64(p + 40, true),
      ce: v.getFloat64(p + 48, true),
      le: v.getFloat64(p + 56, true),
    };
    const mask = this.buf[p + 64]!;
    this.pos = p + 65;
    // The same property order as decodeCot's events.
    const e: Event = {
      version,
      uid,
      type,
      how,
      time,
      start,
      stale,
      point,
      detail: undefined as unknown as Detail,
      label: DEFAULT_LABEL,
      origin: { protocol: 'cot-xml' },
    };
    for (let i = 0; i < OPTIONAL.length; i++) if (mask & (1 << i)) e[OPTIONAL[i]!] = this.string(m);
    e.detail = this.detail(m);
    return e;
  }

  private string(m: Mirror): string {
    const s = this.value(m);
    if (typeof s !== 'string') throw new RangeError('record string expected');
    return s;
  }

  /** A store per known key: monomorphic sites instead of one megamorphic keyed store. */
  private detail(m: Mirror): Detail {
    const n = this.u32();
    const d = {} as Detail;
    for (let i = 0; i < n; i++) {
      const k = this.string(m);
      if (k === 'elements') {
        d.elements = this.elements(m);
        continue;
      }
      const v = this.value(m) as never;
      switch (k) {
        case 'contact':
          d.contact = v;
          break;
        case 'group':
          d.group = v;
          break;
        case 'track':
          d.track = v;
          break;
        case 'takv':
          d.takv = v;
          break;
        case 'status':
          d.status = v;
          break;
        case 'precisionLocation':
          d.precisionLocation = v;
          break;
        case 'remarks':
          d.remarks = v;
          break;
        case 'flowTags':
          d.flowTags = v;
          break;
        default:
          define(d as unknown as Record<string, unknown>, k, v);
      }
    }
    return d;
  }

  private elements(m: Mirror): DetailElement[] {
    const n = this.u32();
    const out = new Array<DetailElement>(n);
    for (let i = 0; i < n; i++) {
      const t = this.u8();
      if (t === T_OBJ_REF) {
        out[i] = m.objects[this.u8()] as DetailElement;
        continue;
      }
      const slot = t === T_EL_SLOT ? this.u8() : -1;
      if (t !== T_EL && t !== T_EL_SLOT) throw new RangeError(`bad element tag ${t}`);
      const el = { name: this.string(m), xml: this.string(m) };
      if (slot >= 0) m.objects[slot] = el;
      out[i] = el;
    }
    return out;
  }

  value(m: Mirror): unknown {
    const t = this.u8();
    switch (t) {
      case T_NUM: {
        const v = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return v;
      }
      case T_STR:
        return this.text();
      case T_STR_REF:
        return m.strings[this.u8()];
      case T_STR_SLOT: {
        const slot = this.u8();
        return (m.strings[slot] = this.text());
      }
      case T_OBJ:
        return this.fields({}, this.u32(), m);
      case T_OBJ_REF:
        return m.objects[this.u8()];
      case T_OBJ_SLOT: {
        const slot = this.u8();
        const o = {};
        m.objects[slot] = o;
        return this.fields(o, this.u32(), m);
      }
      case T_ARR: {
        const n = this.u32();
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.value(m);
        return a;
      }
      case T_TRUE:
        return true;
      case T_FALSE:
        return false;
      case T_NULL:
        return null;
      case T_UNDEF:
        return undefined;
      default:
        throw new RangeError(`bad record tag ${t}`);
    }
  }

  private fields(o: Record<string, unknown>, n: number, m: Mirror): Record<string, unknown> {
    for (let i = 0; i < n; i++) {
      const k = this.value(m);
      if (typeof k !== 'string') throw new RangeError('record key is not a string');
      const v = this.value(m);
      define(o, k, v);
    }
    return o;
  }
}

/** Set o[k]; defineProperty for __proto__, so it stays an own property as it was on the writer. */
function define(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true });
  else o[k] = v;
}
