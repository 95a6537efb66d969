/**
 * The fast-xml-parser side of the decodeCot benchmark: parse with the library, then map the same fields decodeCot
 * produces. It is a lower bound for a library-based decoder: it does not recover the byte-exact text of each
 * detail child (it re-serialises nothing) and checks fewer rules.
 */
import type { XMLParser } from 'fast-xml-parser';
import { parseDecimal, parseTime } from '../../src/codecs/cot/index.js';

type Node = Record<string, unknown>;

/** Decode one event with fast-xml-parser; returns a plain object shaped like an Event. */
export function fxpDecode(parser: XMLParser, bytes: Buffer): unknown {
  const doc = parser.parse(bytes.toString('utf8')) as Node;
  const ev = doc.event as Node | undefined;
  if (!ev) throw new Error('not an event');
  const point = ev.point as Record<string, string>;
  const detail = (ev.detail ?? {}) as Node;
  const contact = detail.contact as Record<string, string> | undefined;
  const group = detail.__group as Record<string, string> | undefined;
  const track = detail.track as Record<string, string> | undefined;
  return {
    uid: ev.uid,
    type: ev.type,
    how: ev.how ?? 'h-e',
    time: parseTime(String(ev.time)),
    start: parseTime(String(ev.start)),
    stale: parseTime(String(ev.stale)),
    point: {
      lat: parseDecimal(point.lat!),
      lon: parseDecimal(point.lon!),
      hae: parseDecimal(point.hae!),
      ce: parseDecimal(point.ce!),
      le: parseDecimal(point.le!),
    },
    detail: {
      elements: Object.keys(detail),
      contact: contact && { callsign: contact.callsign, endpoint: contact.endpoint },
      group: group && { name: group.name, role: group.role },
      track: track && { course: parseDecimal(track.course ?? ''), speed: parseDecimal(track.speed ?? '') },
    },
  };
}
