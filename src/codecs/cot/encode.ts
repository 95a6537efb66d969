/** encodeCot: the protocol-neutral Event back to CoT XML, detail elements written verbatim. */
import type { Event } from '../../model/index.js';
import { escapeXml } from './xml-scan.js';
import { formatNumber, formatTime } from './values.js';

/** The XML declaration TAK clients put before each streamed event (the hub's forwarded bytes start with it too). */
export const COT_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

function attr(name: string, value: string | undefined): string {
  return value === undefined ? '' : ` ${name}="${escapeXml(value)}"`;
}

/**
 * The `<event>` element (no declaration). Times are ISO 8601 UTC with milliseconds; numbers print so they parse
 * back to the same double; detail elements are copied as they are (they were validated when they came in, or
 * built with {@link setDetailElement}).
 */
export function encodeCot(event: Event): string {
  const p = event.point;
  let xml =
    '<event' +
    attr('version', event.version) +
    attr('uid', event.uid) +
    attr('type', event.type) +
    attr('how', event.how) +
    attr('time', formatTime(event.time)) +
    attr('start', formatTime(event.start)) +
    attr('stale', formatTime(event.stale)) +
    attr('access', event.access) +
    attr('qos', event.qos) +
    attr('opex', event.opex) +
    attr('caveat', event.caveat) +
    attr('releasableTo', event.releasableTo) +
    `><point lat="${formatNumber(p.lat)}" lon="${formatNumber(p.lon)}" hae="${formatNumber(p.hae)}"` +
    ` ce="${formatNumber(p.ce)}" le="${formatNumber(p.le)}"/><detail>`;
  for (const el of event.detail.elements) xml += el.xml;
  return xml + '</detail></event>';
}

/**
 * Declaration plus event as UTF-8, nothing after `</event>`: TAK Server splits streams right after that token
 * and a trailing newline would be read as the start of the next message. `alloc`: where the bytes go (default: a
 * new Buffer).
 */
export function encodeCotStream(event: Event, alloc?: (n: number) => Buffer): Buffer {
  const text = COT_DECLARATION + encodeCot(event);
  if (!alloc) return Buffer.from(text, 'utf8');
  // Into the caller's memory (the hub's slabs): exactly as many bytes as the UTF-8 text has.
  const out = alloc(Buffer.byteLength(text, 'utf8'));
  out.write(text, 'utf8');
  return out;
}
