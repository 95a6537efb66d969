/**
 * Stamp this hub into an event's `_flow-tags_` (loop prevention, as TAK Server does) without re-parsing the
 * detail: per-event cost matters on the ingest path.
 */
import { COT_DECLARATION } from '../codecs/cot/index.js';
import type { DetailElement, Event } from '../model/event.js';

let stampKey = '';
let stampMs = -1;
let stampWhen = '';
let stampAttr = '';
let stampElement: { name: '_flow-tags_'; xml: string } = { name: '_flow-tags_', xml: '' };
/** The flow tags of an event that had none, after stamping (shared by every such event of this millisecond). */
let stampTags: Record<string, string> = {};
/** stampElement's UTF-8 bytes, for restampRaw. */
let stampBytes = Buffer.alloc(0);

/** The ISO time, attribute text and new element for `key` at `ms`, made once per millisecond. */
function stampOf(key: string, ms: number): void {
  if (ms === stampMs && key === stampKey) return;
  stampKey = key;
  stampMs = ms;
  stampWhen = new Date(ms).toISOString();
  stampAttr = ` ${key}="${stampWhen}"`;
  stampElement = { name: '_flow-tags_', xml: `<_flow-tags_${stampAttr}/>` };
  const tags: Record<string, string> = {};
  tags[key] = stampWhen;
  stampTags = Object.freeze(tags);
  stampBytes = Buffer.from(stampElement.xml);
}

/** The index of the `_flow-tags_` element among `elements`, or -1. */
function flowTagsIndex(elements: readonly DetailElement[]): number {
  for (let j = 0; j < elements.length; j++) if (elements[j]!.name === '_flow-tags_') return j;
  return -1;
}

/** The `_flow-tags_` element among `elements`, if any. */
export function flowTagsElement(elements: readonly DetailElement[]): DetailElement | undefined {
  const at = flowTagsIndex(elements);
  return at < 0 ? undefined : elements[at];
}

/**
 * `e` with this hub's flow tag stamped into `_flow-tags_` (added when absent). A copy, so callers that hold `e` see
 * no change; with `inPlace` (the caller owns `e`, its detail and its element list, as a transport owns what it just
 * decoded) `e` itself is changed and returned: the four copies cost about 0.3 µs per event on the ingest path.
 */
export function stampFlowTag(e: Event, key: string, now: number, inPlace = false): Event {
  stampOf(key, now);
  const src = e.detail.elements;
  const at = flowTagsIndex(src);
  const elements: DetailElement[] = inPlace ? src : src.slice();
  if (at < 0) elements.push(stampElement);
  else {
    const xml = src[at]!.xml;
    // Insert before the end of the start tag: "/>" for an empty element, ">" otherwise.
    const end = xml.indexOf('>');
    const cut = xml.charCodeAt(end - 1) === 47 ? end - 1 : end;
    elements[at] = { name: '_flow-tags_', xml: xml.slice(0, cut) + stampAttr + xml.slice(cut) };
  }
  if (inPlace) {
    // A new object even in place: a policy's copy of an event may share its flowTags with the original.
    // An event without flow tags (what clients send) gets the shared, frozen tags of this millisecond.
    const tags = e.detail.flowTags;
    e.detail.flowTags = tags ? { ...tags, [key]: stampWhen } : stampTags;
    return e;
  }
  const flowTags: Record<string, string> = e.detail.flowTags ? { ...e.detail.flowTags } : {};
  flowTags[key] = stampWhen;
  // `flowTags` is written first so the copy already has the property: adding a property to a spread copy of a
  // Detail (whose shapes vary with the elements present) took V8's slow path, about 1 µs per event here.
  const detail = { flowTags, ...e.detail };
  detail.flowTags = flowTags;
  detail.elements = elements;
  const out = { ...e };
  out.detail = detail;
  return out;
}

/** The offset of the last `</detail>` in `raw`: where senders put it, right before `</event>`, is looked at first. */
function endOfDetail(raw: Buffer): number {
  const i = raw.length - END_EVENT.length - END_DETAIL.length;
  if (i >= 0 && matchesAt(raw, i, END_DETAIL) && matchesAt(raw, i + END_DETAIL.length, END_EVENT)) return i;
  return raw.lastIndexOf(END_DETAIL);
}

/** raw[at, at + pat.length) equals pat. A loop: the patterns are 8-9 bytes, a native call costs more. */
function matchesAt(raw: Buffer, at: number, pat: Buffer): boolean {
  for (let k = 0; k < pat.length; k++) if (raw[at + k] !== pat[k]) return false;
  return true;
}

const END_EVENT = Buffer.from('</event>');
const DECLARATION = Buffer.from(COT_DECLARATION);
const END_DETAIL = Buffer.from('</detail>');

/**
 * The stream bytes of an event after stamping, made from the sender's own XML `raw`: the declaration, then `raw`
 * with its `_flow-tags_` element `oldEl` (as decoded from `raw`; undefined when it had none) replaced by `newEl`,
 * or `newEl` inserted before `</detail>`, in memory from `alloc` (the hub's slabs.ts). Returns undefined when that
 * cannot be done safely (no `</detail>`, or the old element's text is not found), and the caller encodes.
 */
export function restampRaw(
  raw: Buffer,
  oldEl: DetailElement | undefined,
  newEl: DetailElement | undefined,
  alloc: (n: number) => Buffer = Buffer.allocUnsafe,
): Buffer | undefined {
  if (!newEl) return undefined;
  const add = newEl === stampElement ? stampBytes : Buffer.from(newEl.xml);
  let at: number;
  let end: number;
  if (oldEl) {
    at = raw.indexOf(oldEl.xml);
    if (at < 0) return undefined;
    end = at + Buffer.byteLength(oldEl.xml);
  } else {
    at = endOfDetail(raw);
    if (at < 0) return undefined;
    end = at;
  }
  // One allocation, and copies with TypedArray set/copyWithin: Buffer#copy's argument checks made each of its four
  // copies cost more than the bytes (Buffer.concat of subarrays cost two extra Buffer objects and a list per
  // event: 6 % of the S2 ingest profile with the rest of the Buffer work).
  const d = DECLARATION.length;
  const out = alloc(d + at + add.length + raw.length - end);
  out.set(DECLARATION, 0);
  if (end === at) {
    // Insert (the common case): the whole event, then its tail (`</detail></event>`) moved up to make room.
    out.set(raw, d);
    out.copyWithin(d + at + add.length, d + at, d + raw.length);
  } else {
    out.set(raw.subarray(0, at), d);
    out.set(raw.subarray(end), d + at + add.length);
  }
  out.set(add, d + at);
  return out;
}
