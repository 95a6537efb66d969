/**
 * CotFramer: splits a TCP byte stream of CoT XML into one Buffer per `<event>…</event>`.
 *
 * Like TAK Server, it splits right after the token `</event>` (optionally `</event  >`), using Buffer.indexOf so
 * each byte is looked at by native code, not a JS loop. It does not parse XML: decodeCot does that. A `</event>`
 * inside a CDATA section or an attribute value therefore ends the event early; decodeCot then rejects the cut
 * event (BW_COT_MALFORMED) and the framer resynchronises on the next `<event`/`<?xml`. Clients never send that.
 *
 * Memory is bounded: an event may grow to maxEventBytes (plus one chunk) before it is dropped with
 * BW_COT_TOO_LARGE; garbage is discarded as it is scanned. `inEvent`/`buffered` let the transport time out an
 * event that never ends.
 */
import type { CodecError } from '../../errors.js';
import { cotError } from './xml-scan.js';

const LT = 0x3c;
const GT = 0x3e;
const EVENT = Buffer.from('<event');
const DECL = Buffer.from('<?xml');
/** A Buffer, not a string: Buffer#indexOf converts a string needle on every call. */
const DECL_END = Buffer.from('?>');
const DOCTYPE = Buffer.from('<!DOCTYPE');
const ENTITY = Buffer.from('<!ENTITY');
const END = Buffer.from('</event');
/** An XML declaration longer than this is not one. */
const MAX_DECL = 1024;

type Start = 'event' | 'decl' | 'doctype' | 'other' | 'more';

const isWsByte = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Whether `pat` starts at data[p]: 1 yes, 0 no, -1 when the bytes so far match but fewer than `pat.length` have
 * arrived. Byte by byte: the patterns are 5–9 bytes, and Buffer#compare plus a table of candidates per call were
 * 2 % of the S2 ingest profile.
 */
function matchAt(data: Buffer, p: number, pat: Buffer): 1 | 0 | -1 {
  const n = Math.min(data.length - p, pat.length);
  for (let i = 0; i < n; i++) if (data[p + i] !== pat[i]) return 0;
  return n < pat.length ? -1 : 1;
}

/** Classify the markup starting at data[p] === '<'; 'more' when too few bytes have arrived to tell. */
function classify(data: Buffer, p: number): Start {
  let partial = false;
  const e = matchAt(data, p, EVENT);
  if (e === 1) {
    if (p + EVENT.length === data.length) return 'more';
    const next = data[p + EVENT.length]!;
    if (isWsByte(next) || next === GT) return 'event';
  } else if (e === -1) partial = true;
  const d = matchAt(data, p, DECL);
  if (d === 1) {
    if (p + DECL.length === data.length) return 'more';
    if (isWsByte(data[p + DECL.length]!)) return 'decl';
  } else if (d === -1) partial = true;
  for (const pat of [DOCTYPE, ENTITY]) {
    const m = matchAt(data, p, pat);
    if (m === 1) return 'doctype';
    if (m === -1) partial = true;
  }
  return partial ? 'more' : 'other';
}

const State = { Outside: 0, InEvent: 1, Resync: 2 } as const;
type State = (typeof State)[keyof typeof State];

/** Streaming framer for CoT XML over TCP/TLS. One instance per connection. */
export class CotFramer {
  private readonly max: number;
  private store = Buffer.allocUnsafe(0);
  private len = 0;
  private state: State = State.Outside;
  /** Where to continue looking for `</event` (relative to the buffered bytes; the event starts at 0). */
  private scanFrom = 0;

  constructor(opts: { maxEventBytes: number }) {
    if (!(opts.maxEventBytes > 0)) throw new RangeError('maxEventBytes must be positive');
    this.max = opts.maxEventBytes;
  }

  /** Bytes held back waiting for more input (a partial event, declaration or marker). */
  get buffered(): number {
    return this.len;
  }

  /** True while an `<event` has started and its end has not arrived: the transport's slowloris timer runs. */
  get inEvent(): boolean {
    return this.state === State.InEvent;
  }

  /** True while bytes that are not CoT are being skipped up to the next `<event` or `<?xml`. */
  get inResync(): boolean {
    return this.state === State.Resync;
  }

  /**
   * Hand over what is held (the start of an event, declaration or marker; copied) and start afresh, so another
   * framer can go on with the stream: the held bytes followed by the next chunks frame exactly as here. Undefined
   * while garbage is being skipped (where it ends is this framer's to find): try again after the next chunk.
   */
  detach(): Buffer | undefined {
    if (this.state === State.Resync) return undefined;
    const rest = Buffer.from(this.store.subarray(0, this.len));
    this.len = 0;
    this.scanFrom = 0;
    this.state = State.Outside;
    return rest;
  }

  /**
   * Feed the next chunk. Returns complete events (from `<event` to the end of `</event>`) and errors, in stream
   * order. Returned Buffers may share memory with `chunk`; they are never overwritten by later pushes.
   */
  push(chunk: Buffer): Array<Buffer | CodecError> {
    const out: Array<Buffer | CodecError> = [];
    let data: Buffer;
    const owned = this.len > 0;
    // Where `chunk` starts within `data`: events that lie wholly inside it are handed out as views of the chunk.
    const base = this.len;
    if (owned) {
      this.append(chunk);
      data = this.store.subarray(0, this.len);
    } else data = chunk;
    const p = this.run(data, owned ? { chunk, base } : undefined, out);
    this.keep(data, p, owned);
    return out;
  }

  /**
   * The state machine; returns how many bytes of `data` were consumed. `owned` is set when `data` is the store
   * (held bytes, then `chunk` from `base` on).
   */
  private run(
    data: Buffer,
    owned: { chunk: Buffer; base: number } | undefined,
    out: Array<Buffer | CodecError>,
  ): number {
    const len = data.length;
    let p = 0;
    for (;;) {
      if (this.state === State.Outside) {
        for (;;) {
          if (p < len && isWsByte(data[p]!)) p++;
          else if (data[p] === 0xef && data[p + 1] === 0xbb && data[p + 2] === 0xbf)
            p += 3; // UTF-8 BOM
          else break;
        }
        if (p >= len) return len;
        if (data[p] !== LT) {
          out.push(cotError('BW_COT_NOT_XML', [], p));
          this.state = State.Resync;
          continue;
        }
        const kind = classify(data, p);
        if (kind === 'more') return p;
        if (kind === 'event') {
          this.state = State.InEvent;
          this.scanFrom = p + EVENT.length;
          continue;
        }
        if (kind === 'decl') {
          const end = data.indexOf(DECL_END, p + DECL.length);
          if (end !== -1 && end - p <= MAX_DECL) {
            p = end + 2;
            continue;
          }
          if (end === -1 && len - p <= MAX_DECL) return p;
        }
        out.push(kind === 'doctype' ? cotError('BW_COT_DOCTYPE', [], p) : cotError('BW_COT_NOT_XML', [], p));
        this.state = State.Resync;
        p++;
      } else if (this.state === State.InEvent) {
        const idx = data.indexOf(END, this.scanFrom);
        if (idx === -1) {
          if (len - p > this.max) {
            out.push(cotError('BW_COT_TOO_LARGE', [this.max], p));
            this.state = State.Resync;
            p++;
            continue;
          }
          this.scanFrom = Math.max(p + EVENT.length, len - END.length + 1);
          return p;
        }
        let q = idx + END.length;
        while (q < len && isWsByte(data[q]!)) q++;
        if (q >= len) {
          this.scanFrom = idx;
          if (len - p > this.max + 64) {
            out.push(cotError('BW_COT_TOO_LARGE', [this.max], p));
            this.state = State.Resync;
            p++;
          } else return p;
          continue;
        }
        if (data[q] !== GT) {
          this.scanFrom = idx + 1; // '</events>' or similar: not our end tag
          continue;
        }
        const end = q + 1;
        if (end - p > this.max) out.push(cotError('BW_COT_TOO_LARGE', [this.max], p));
        else if (!owned) out.push(data.subarray(p, end));
        // The store is overwritten by the next push: an event that began in held bytes is copied out, the rest
        // are views of the chunk (a copy per event was 4 % of the S2 ingest profile with its pool allocations).
        else if (p < owned.base) out.push(Buffer.from(data.subarray(p, end)));
        else out.push(owned.chunk.subarray(p - owned.base, end - owned.base));
        this.state = State.Outside;
        p = end;
      } else {
        const lt = data.indexOf(LT, p);
        if (lt === -1) return len;
        const kind = classify(data, lt);
        if (kind === 'more') return lt;
        if (kind === 'event' || kind === 'decl') this.state = State.Outside;
        p = kind === 'event' || kind === 'decl' ? lt : lt + 1;
      }
    }
  }

  /** Hold back data[p..] for the next push; offsets become relative to the kept bytes. */
  private keep(data: Buffer, p: number, owned: boolean): void {
    const rest = data.length - p;
    this.scanFrom = Math.max(0, this.scanFrom - p);
    if (rest === 0) {
      this.len = 0;
      if (this.store.length > 65536) this.store = Buffer.allocUnsafe(0);
      return;
    }
    if (owned) {
      this.store.copyWithin(0, p, data.length);
      this.len = rest;
      if (this.store.length > 65536 && rest < this.store.length / 4) {
        const small = Buffer.allocUnsafe(Math.max(rest * 2, 4096));
        this.store.copy(small, 0, 0, rest);
        this.store = small;
      }
    } else {
      this.len = 0;
      this.append(data.subarray(p));
    }
  }

  private append(chunk: Buffer): void {
    const need = this.len + chunk.length;
    if (need > this.store.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.store.length * 2, 4096));
      this.store.copy(grown, 0, 0, this.len);
      this.store = grown;
    }
    chunk.copy(this.store, this.len);
    this.len = need;
  }
}
