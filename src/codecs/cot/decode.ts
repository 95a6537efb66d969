/**
 * decodeCot: one CoT XML event (bytes or text) to the protocol-neutral Event.
 * Hot path of the hub: one pass over the text, attributes read only for `<event>`, `<point>` and view elements.
 */
import {
  DEFAULT_LABEL,
  UNKNOWN_ERROR,
  type DetailElement,
  type Event,
  type Point,
} from '../../model/index.js';
import { deriveDetailWith, wantsAttributes } from './detail.js';
import {
  checkControlChars,
  cotError,
  hasTabCrLf,
  isWs,
  readStartTag,
  skipContent,
  type StartTag,
} from './xml-scan.js';
import { learnTag, matchTag, type TagMemo } from './tag-memo.js';
import { parseDecimal, parseTime } from './values.js';
import { splitElements } from './xml-split.js';
import type { CotMemo } from './memo.js';

/** Largest event decodeCot accepts unless told otherwise (the hub passes its configured limit). */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** Longest event a sender memo remembers anything of (see memo.ts; an ATAK position report is about 1 Ki). */
export const MEMO_MAX_EVENT_CHARS = 4 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode UTF-8 strictly; invalid sequences are BW_COT_BAD_UTF8, never U+FFFD. Buffer#toString is faster than
 * TextDecoder (7% of decodeCot in the profile) but replaces bad bytes, so the fatal decoder only looks again when a
 * U+FFFD shows up (a one-byte string cannot contain it, so that check is free for ASCII events). A leading BOM is
 * dropped, as TextDecoder does.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  // Buffer#toString() without arguments is Node's direct UTF-8 slice; a plain Uint8Array gets a Buffer view first.
  const s = (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ).toString();
  if (s.includes('\ufffd')) {
    try {
      return utf8.decode(bytes);
    } catch {
      throw cotError('BW_COT_BAD_UTF8');
    }
  }
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function skipWs(s: string, p: number): number {
  while (p < s.length && isWs(s.charCodeAt(p))) p++;
  return p;
}

/**
 * Skip an optional `<?xml …?>` declaration, whitespace (also before the declaration: stream captures often
 * start with a newline) and comments; refuse a DOCTYPE.
 */
function skipProlog(s: string): number {
  let p = skipWs(s, 0);
  if (s.charCodeAt(p + 1) === 63 && s.startsWith('<?xml', p) && isWs(s.charCodeAt(p + 5))) {
    const end = s.indexOf('?>', p);
    if (end === -1) throw cotError('BW_COT_MALFORMED', ['unterminated XML declaration'], p);
    p = skipWs(s, end + 2);
  }
  return skipMisc(s, p);
}

/** Skip whitespace and comments from `p`; refuse a DOCTYPE. */
function skipMisc(s: string, p: number): number {
  for (;;) {
    // Only `<!` can start a comment or a DOCTYPE: one character test spares three string searches per call.
    if (s.charCodeAt(p) !== 60 || s.charCodeAt(p + 1) !== 33) return p;
    if (s.startsWith('<!--', p)) {
      const end = s.indexOf('-->', p + 4);
      if (end === -1) throw cotError('BW_COT_MALFORMED', ['unterminated comment'], p);
      p = skipWs(s, end + 3);
    } else if (s.startsWith('<!DOCTYPE', p) || s.startsWith('<!ENTITY', p)) {
      throw cotError('BW_COT_DOCTYPE', [], p);
    } else return p;
  }
}

function numberAttr(a: Record<string, string>, name: string, fallback: number | undefined): number {
  const v = a[name];
  if (v === undefined || v === '') {
    if (fallback === undefined) throw cotError('BW_COT_MISSING_ATTR', [`point ${name}`]);
    return fallback;
  }
  const n = parseDecimal(v.trim());
  if (Number.isFinite(n)) return n;
  // ATAK writes hae/ce/le="NaN" for "no fix" (file-transfer acks): that is CoT's "unknown", not an error.
  if (fallback !== undefined && v.trim() === 'NaN') return fallback;
  throw cotError('BW_COT_BAD_VALUE', [`point ${name}="${v}"`]);
}

function readPoint(a: Record<string, string>): Point {
  const point: Point = {
    lat: numberAttr(a, 'lat', undefined),
    lon: numberAttr(a, 'lon', undefined),
    hae: numberAttr(a, 'hae', UNKNOWN_ERROR),
    ce: numberAttr(a, 'ce', UNKNOWN_ERROR),
    le: numberAttr(a, 'le', UNKNOWN_ERROR),
  };
  if (Math.abs(point.lat) > 90) throw cotError('BW_COT_BAD_VALUE', [`point lat=${point.lat}`]);
  if (Math.abs(point.lon) > 180) throw cotError('BW_COT_BAD_VALUE', [`point lon=${point.lon}`]);
  if (point.ce < 0) throw cotError('BW_COT_BAD_VALUE', [`point ce=${point.ce}`]);
  if (point.le < 0) throw cotError('BW_COT_BAD_VALUE', [`point le=${point.le}`]);
  return point;
}

function required(a: Record<string, string>, name: string): string {
  const v = a[name];
  if (v === undefined || v.trim() === '') throw cotError('BW_COT_MISSING_ATTR', [name]);
  return v;
}

function timeAttr(a: Record<string, string>, name: string): number {
  const v = required(a, name);
  const t = parseTime(v.trim());
  if (Number.isNaN(t)) throw cotError('BW_COT_BAD_VALUE', [`${name}="${v}"`]);
  return t;
}

/** The parts of the XML decodeCot needs, before validation. */
interface Scanned {
  event: Record<string, string>;
  point: Record<string, string> | undefined;
  elements: DetailElement[];
  attrs: (Record<string, string> | undefined)[];
}

function scan(s: string, memo: CotMemo | undefined): Scanned {
  let p = skipProlog(s);
  if (s.charCodeAt(p) !== 60) throw cotError('BW_COT_NOT_XML', [], p);
  const root = readTag(s, p, memo?.event);
  if (root.name !== 'event') throw cotError('BW_COT_NOT_XML', [], p);
  const out: Scanned = { event: root.attrs!, point: undefined, elements: [], attrs: [] };
  if (root.selfClosing) return out;
  let detailSeen = false;
  p = root.end;
  for (;;) {
    const lt = s.indexOf('<', p);
    if (lt === -1) throw cotError('BW_COT_MALFORMED', ['<event> is not closed'], p);
    for (let i = p; i < lt; i++) {
      if (!isWs(s.charCodeAt(i))) throw cotError('BW_COT_MALFORMED', ['text directly inside <event>'], i);
    }
    const c = s.charCodeAt(lt + 1);
    if (c === 47) {
      if (!s.startsWith('</event', lt))
        throw cotError('BW_COT_MALFORMED', ['unexpected end tag in <event>'], lt);
      const gt = s.indexOf('>', lt);
      if (gt === -1 || s.slice(lt + 7, gt).trim() !== '')
        throw cotError('BW_COT_MALFORMED', ['bad </event>'], lt);
      const rest = skipMisc(s, skipWs(s, gt + 1)); // trailing whitespace and comments only
      if (rest !== s.length) throw cotError('BW_COT_MALFORMED', ['content after </event>'], rest);
      return out;
    }
    if (c === 33 || c === 63) {
      if (!s.startsWith('<!--', lt)) {
        if (s.startsWith('<!DOCTYPE', lt) || s.startsWith('<!ENTITY', lt))
          throw cotError('BW_COT_DOCTYPE', [], lt);
        throw cotError('BW_COT_MALFORMED', ['unexpected markup in <event>'], lt);
      }
      const end = s.indexOf('-->', lt + 4);
      if (end === -1) throw cotError('BW_COT_MALFORMED', ['unterminated comment'], lt);
      p = end + 3;
      continue;
    }
    const isPoint = c === 112 && s.startsWith('<point', lt) && !isNameTail(s.charCodeAt(lt + 6));
    const tag = isPoint ? readTag(s, lt, memo?.point) : readStartTag(s, lt, false);
    if (tag.name === 'detail') {
      if (detailSeen) throw cotError('BW_COT_MALFORMED', ['more than one <detail>'], lt);
      detailSeen = true;
      if (tag.selfClosing) p = tag.end;
      else
        ({
          elements: out.elements,
          attrs: out.attrs,
          end: p,
        } = splitElements(s, tag.end, 2, 'detail', wantsAttributes, memo));
      continue;
    }
    if (isPoint) {
      if (out.point) throw cotError('BW_COT_MALFORMED', ['more than one <point>'], lt);
      out.point = tag.attrs;
    }
    // Other children of <event> are not CoT 2.0; they are dropped (documented in docs/codecs.md).
    p = tag.selfClosing ? tag.end : skipContent(s, tag.end, tag.name, 2);
  }
}

/** A start tag with its attributes: through the sender's template when it fits, else read in full (and learnt). */
function readTag(s: string, pos: number, memo: TagMemo | undefined): StartTag {
  if (!memo) return readStartTag(s, pos, true);
  const t = memo.template;
  const fast = t && !hasTabCrLf(s) ? matchTag(s, pos, t) : undefined;
  if (fast) return fast;
  const tag = readStartTag(s, pos, true);
  learnTag(memo, s, pos, tag);
  return tag;
}

function isNameTail(c: number): boolean {
  return !(isWs(c) || c === 47 || c === 62) && !Number.isNaN(c);
}

/**
 * Parse one CoT event. Throws CodecError (never anything else) with a BW_COT_* code on bad input.
 * `origin` and `label` are placeholders the caller overwrites.
 */
export function decodeCot(xml: Buffer | string, opts: { maxBytes?: number; memo?: CotMemo } = {}): Event {
  const max = opts.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  let s: string;
  if (typeof xml === 'string') {
    if (xml.length > max || (xml.length * 3 > max && Buffer.byteLength(xml) > max)) {
      throw cotError('BW_COT_TOO_LARGE', [max]);
    }
    s = xml;
  } else {
    if (xml.length > max) throw cotError('BW_COT_TOO_LARGE', [max]);
    s = decodeUtf8(xml);
  }
  checkControlChars(s);
  // What the memo keeps are slices of `s`, which they keep alive: only small events are remembered.
  const memo = s.length <= MEMO_MAX_EVENT_CHARS ? opts.memo : undefined;
  let scanned: Scanned;
  try {
    scanned = scan(s, memo);
  } catch (e) {
    // A RangeError (e.g. deep recursion on crafted input) must still surface as a codec error.
    if (e instanceof RangeError) throw cotError('BW_COT_MALFORMED', [e.message]);
    throw e;
  }
  const a = scanned.event;
  if (!scanned.point) throw cotError('BW_COT_MISSING_ATTR', ['point']);
  const time = timeAttr(a, 'time');
  const event: Event = {
    version: a.version?.trim() || '2.0',
    uid: required(a, 'uid'),
    type: required(a, 'type').trim(),
    how: a.how?.trim() || 'h-e',
    time,
    start: a.start === a.time ? time : timeAttr(a, 'start'),
    stale: timeAttr(a, 'stale'),
    point: readPoint(scanned.point),
    detail: deriveDetailWith(scanned.elements, scanned.attrs, memo?.elements),
    label: DEFAULT_LABEL,
    origin: { protocol: 'cot-xml' },
  };
  if (event.stale < event.start) throw cotError('BW_COT_STALE_BEFORE_START');
  if (a.access !== undefined) event.access = a.access;
  if (a.qos !== undefined) event.qos = a.qos;
  if (a.opex !== undefined) event.opex = a.opex;
  if (a.caveat !== undefined) event.caveat = a.caveat;
  const rel = a.releasableTo ?? a.releaseableTo;
  if (rel !== undefined) event.releasableTo = rel;
  return event;
}
