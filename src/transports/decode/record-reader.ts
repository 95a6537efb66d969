/** The reading side of records.ts (the hub's thread): a connection's slot tables and the reader. */
import type { Detail, DetailElement, Event } from '../../model/event.js';
import { DEFAULT_LABEL } from '../../model/label.js';
import {
  OPTIONAL,
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

/** The reading side's tables for one connection. */
export class Mirror {
  readonly strings: string[] = [];
  readonly objects: object[] = [];
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
