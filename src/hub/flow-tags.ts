/**
 * Stamp this hub into an event's `_flow-tags_` (loop prevention, as TAK Server does) without re-parsing the
 * detail: per-event cost matters on the ingest path.
 */
import type { Event } from '../model/event.js';

let isoMs = -1;
let iso = '';

/** ISO time of `ms`, formatted once per millisecond (many events arrive within one). */
function isoOf(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    iso = new Date(ms).toISOString();
  }
  return iso;
}

export function stampFlowTag(e: Event, key: string, now: number): Event {
  const when = isoOf(now);
  const attr = ` ${key}="${when}"`;
  const elements = e.detail.elements.slice();
  const i = elements.findIndex((el) => el.name === '_flow-tags_');
  if (i >= 0) {
    const xml = elements[i]!.xml;
    // Insert before the end of the start tag: "/>" for an empty element, ">" otherwise.
    const end = xml.indexOf('>');
    const at = xml[end - 1] === '/' ? end - 1 : end;
    elements[i] = { name: '_flow-tags_', xml: xml.slice(0, at) + attr + xml.slice(at) };
  } else {
    elements.push({ name: '_flow-tags_', xml: `<_flow-tags_${attr}/>` });
  }
  return { ...e, detail: { ...e.detail, elements, flowTags: { ...e.detail.flowTags, [key]: when } } };
}

const DECLARATION = Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>');
const END_DETAIL = Buffer.from('</detail>');

/**
 * The stream bytes of `after` (= `before` with this hub's flow tag stamped), made from the sender's own XML: the
 * declaration, then `raw` with the `_flow-tags_` element replaced or inserted before `</detail>`. Returns undefined
 * when that cannot be done safely (no `</detail>`, or the old element's text is not found), and the caller encodes.
 */
export function restampRaw(raw: Buffer, before: Event, after: Event): Buffer | undefined {
  const oldEl = before.detail.elements.find((e) => e.name === '_flow-tags_');
  const newEl = after.detail.elements.find((e) => e.name === '_flow-tags_');
  if (!newEl) return undefined;
  const add = Buffer.from(newEl.xml);
  if (oldEl) {
    const at = raw.indexOf(oldEl.xml);
    if (at < 0) return undefined;
    const end = at + Buffer.byteLength(oldEl.xml);
    return Buffer.concat([DECLARATION, raw.subarray(0, at), add, raw.subarray(end)]);
  }
  const at = raw.lastIndexOf(END_DETAIL);
  if (at < 0) return undefined;
  return Buffer.concat([DECLARATION, raw.subarray(0, at), add, raw.subarray(at)]);
}
