/** The writing side of records.ts (the decode thread): a connection's slot tables and the writer. */
import type { Detail, DetailElement, Event } from '../../model/event.js';
import {
  MAX_SLOT_CHARS,
  OPTIONAL,
  SLOTS,
  T_ARR,
  T_EL,
  T_EL_SLOT,
  T_FALSE,
  T_NULL,
  T_NUM,
  T_OBJ,
  T_OBJ_REF,
  T_OBJ_SLOT,
  T_STR,
  T_STR_REF,
  T_STR_SLOT,
  T_TRUE,
  T_UNDEF,
} from './record-tags.js';

/** Entries of an Interner's last-seen table before it is cleared. */
const SEEN_LIMIT = 256;

/** SLOTS values by slot number, reused in a ring: the reader's Mirror holds the same values in the same slots. */
class SlotRing<K> {
  private readonly index = new Map<K, number>();
  private readonly at: (K | undefined)[] = [];
  private next = 0;

  /** The slot `v` holds, if it has one. */
  get(v: K): number | undefined {
    return this.index.get(v);
  }

  /** Give `v` the next slot (evicting what held it) and return the slot's number. */
  add(v: K): number {
    const slot = this.next;
    this.next = (slot + 1) % SLOTS;
    const old = this.at[slot];
    if (old !== undefined) this.index.delete(old);
    this.at[slot] = v;
    this.index.set(v, slot);
    return slot;
  }
}

/** The writing side's tables for one connection. */
export class Interner {
  readonly strings = new SlotRing<string>();
  readonly objects = new SlotRing<object>();
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

  /**
   * The bytes written so far, in an ArrayBuffer of their own (transferable), and the writer starts afresh. A small
   * batch (a light sender's one event) is copied out and the buffer kept; a large one takes the buffer with it.
   */
  take(): Buffer {
    const n = this.pos;
    this.pos = 0;
    if (n < this.buf.length / 4) {
      const out = Buffer.allocUnsafeSlow(n);
      out.set(this.buf.subarray(0, n));
      return out;
    }
    const out = this.buf.subarray(0, n);
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.initial, Math.min(n, 1 << 20)));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  /** A tag and a slot number. */
  private tagSlot(tag: number, slot: number): void {
    this.ensure(2);
    this.buf[this.pos] = tag;
    this.buf[this.pos + 1] = slot;
    this.pos += 2;
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
        this.tagSlot(T_OBJ_REF, slot);
        continue;
      }
      if (it.repeated(el)) this.tagSlot(T_EL_SLOT, it.objects.add(el));
      else this.u8(T_EL);
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
      this.tagSlot(T_OBJ_REF, slot);
      return;
    }
    const keys = Object.keys(v);
    if (it.repeated(v)) this.tagSlot(T_OBJ_SLOT, it.objects.add(v));
    else this.u8(T_OBJ);
    this.u32(keys.length);
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
        this.tagSlot(T_STR_REF, slot);
        return;
      }
      if (it.repeated(v)) {
        this.tagSlot(T_STR_SLOT, it.strings.add(v));
        return this.text(v);
      }
    }
    this.u8(T_STR);
    this.text(v);
  }
}
