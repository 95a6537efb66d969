/**
 * Event <-> GeoEvent. The detail travels whole in `other` (the `<detail>` element as XML, as TAK Server sends it),
 * so it is lossless across hops. Like TAK Server, a plain `<track speed course/>` travels in the speed and course
 * fields instead (TAK Server adds a track element from them on receipt, so leaving it in `other` would double it);
 * it is moved only when rebuilding it gives the very same text. Labels go in access, caveat and releaseableTo and,
 * losslessly, as the STANAG 4774 element inside the detail.
 */
import { DEFAULT_LABEL, UNKNOWN_ERROR, type DetailElement, type Event } from '../../model/index.js';
import { deriveDetail, scanDetailXml } from '../cot/index.js';
import { CodecError } from '../../errors.js';
import { emptyGeo } from './read.js';
import { figError, type GeoEvent } from './wire.js';

/** A `<track>` element that is exactly what TAK Server would rebuild from (speed, course), or undefined. */
function plainTrack(el: DetailElement): { speed: number; course: number } | undefined {
  if (el.name !== 'track') return undefined;
  const m = /^<track speed="([^"]+)" course="([^"]+)"\/>$/.exec(el.xml);
  if (!m) return undefined;
  const speed = Number(m[1]);
  const course = Number(m[2]);
  if (!Number.isFinite(speed) || !Number.isFinite(course) || (speed === 0 && course === 0)) return undefined;
  return trackXml(speed, course) === el.xml ? { speed, course } : undefined;
}

const trackXml = (speed: number, course: number) => `<track speed="${speed}" course="${course}"/>`;

/** The GeoEvent of an event (what crosses a federation link). */
export function eventToGeo(e: Event): GeoEvent {
  const g = emptyGeo();
  g.sendTime = e.time;
  g.startTime = e.start;
  g.staleTime = e.stale;
  g.lat = e.point.lat;
  g.lon = e.point.lon;
  g.hae = e.point.hae;
  g.ce = e.point.ce;
  g.le = e.point.le;
  g.uid = e.uid;
  g.type = e.type;
  g.coordSource = e.how;
  let body = '';
  for (const el of e.detail.elements) {
    const t = plainTrack(el);
    if (t) {
      g.speed = t.speed;
      g.course = t.course;
    } else body += el.xml;
  }
  g.other = `<detail>${body}</detail>`;
  const c = e.detail.contact;
  if (c?.callsign) g.screenName = c.callsign;
  if (c?.phone) g.phone = c.phone;
  if (e.detail.group) {
    g.groupName = e.detail.group.name;
    g.groupRole = e.detail.group.role;
  }
  if (e.detail.status?.battery) g.battery = e.detail.status.battery;
  g.access = e.access ?? '';
  g.caveat = e.caveat ?? '';
  g.releaseableTo = e.releasableTo ?? '';
  g.qos = e.qos ?? '';
  g.opex = e.opex ?? '';
  return g;
}

/** The inner text of `<detail …>…</detail>` (or `<detail/>`); throws on anything else. */
function detailBody(other: string): string {
  const t = other.trim();
  if (t === '') return '';
  if (/^<detail\s*\/>$/.test(t)) return '';
  const open = /^<detail(\s[^>]*)?>/.exec(t);
  if (!open || !t.endsWith('</detail>')) throw figError('GeoEvent.other is not a <detail> element');
  return t.slice(open[0].length, t.length - '</detail>'.length);
}

const MAX_TIME = 8.64e15;

/** The event a GeoEvent carries. Throws CodecError (BW_FIG_BAD_PROTO, or BW_COT_* for faults in the detail XML). */
export function geoToEvent(g: GeoEvent): Event {
  if (!g.uid) throw figError('GeoEvent has no uid');
  if (!g.type) throw figError('GeoEvent has no type');
  for (const t of [g.sendTime, g.startTime, g.staleTime])
    if (!(t > 0 && t < MAX_TIME)) throw figError('GeoEvent time missing or out of range');
  if (g.staleTime < g.startTime) throw figError('stale is before start');
  if (!(Math.abs(g.lat) <= 90) || !(Math.abs(g.lon) <= 180))
    throw figError(`lat/lon ${g.lat},${g.lon} out of range`);
  const fin = (v: number) => (Number.isFinite(v) ? v : UNKNOWN_ERROR);
  const point = { lat: g.lat, lon: g.lon, hae: fin(g.hae), ce: fin(g.ce), le: fin(g.le) };
  if (point.ce < 0 || point.le < 0) throw figError('negative ce/le');
  let elements: DetailElement[];
  try {
    elements = scanDetailXml(detailBody(g.other)).elements;
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw figError(e instanceof Error ? e.message : String(e), e);
  }
  if ((g.speed || g.course) && !elements.some((el) => el.name === 'track')) {
    elements.push({ name: 'track', xml: trackXml(g.speed, g.course) });
  }
  const event: Event = {
    version: '2.0',
    uid: g.uid,
    type: g.type,
    how: g.coordSource || 'h-e',
    time: g.sendTime,
    start: g.startTime,
    stale: g.staleTime,
    point,
    detail: deriveDetail(elements),
    label: DEFAULT_LABEL,
    origin: { protocol: 'federation' },
  };
  if (g.access) event.access = g.access;
  if (g.caveat) event.caveat = g.caveat;
  if (g.releaseableTo) event.releasableTo = g.releaseableTo;
  if (g.qos) event.qos = g.qos;
  if (g.opex) event.opex = g.opex;
  return event;
}

/** A TAK Server contact deletion (ContactListEntry DELETE) as the CoT delete every client understands. */
export function contactDeleteEvent(uid: string, callsign: string, now: number): Event {
  const esc = (v: string) => v.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const link = `<link uid="${esc(uid)}" relation="none" type="${esc(callsign || 'a-f-G')}"/>`;
  return {
    version: '2.0',
    uid: `${uid}-delete`,
    type: 't-x-d-d',
    how: 'h-g-i-g-o',
    time: now,
    start: now,
    stale: now + 20_000,
    point: { lat: 0, lon: 0, hae: UNKNOWN_ERROR, ce: UNKNOWN_ERROR, le: UNKNOWN_ERROR },
    detail: deriveDetail([{ name: 'link', xml: link }]),
    label: DEFAULT_LABEL,
    origin: { protocol: 'federation' },
  };
}
