/**
 * KLV telemetry -> CoT events, shaped like the MAVLink gateway's (src/gateways/mavlink/events.ts) so the COP and TAK
 * clients draw a video platform exactly like a MAVLink drone: the platform with `track`, `sensor`, `__footprint`
 * (the four KLV corners) and `__video`; the footprint polygon `<uid>.footprint` (the gateway's own builder); the
 * frame centre as a sensor point of interest `<uid>.SPI1`; VMTI targets as tracks `<uid>.vmti.<id>`. Each event
 * carries the feed's label as a STANAG 4774 element plus CoT attributes, which the hub's ingress reads.
 */
import { egm96ToEllipsoid } from 'egm96-universal';
import { escapeXml, formatNumber } from '../codecs/cot/index.js';
import type { VmtiTarget } from '../codecs/klv/index.js';
import { footprintEvent, footprintUid } from '../gateways/mavlink/events.js';
import type { Footprint, LatLon } from '../gateways/mavlink/footprint.js';
import { UNKNOWN_ERROR, type Detail, type DetailElement, type Event, type Label } from '../model/index.js';
import { LABEL_ELEMENT, labelToCot, labelToXml } from '../model/label-xml.js';

/** The latest value of each ST 0601 item seen on a feed (packets may carry only what changed). */
export type Telemetry = Record<string, number | string>;

export interface FeedView {
  id: string;
  name?: string;
  type: string;
  platformUid?: string;
  nation?: string;
  label: Label;
  /** URL a TAK client or browser can open from the hub. */
  videoUrl?: string;
}

export const platformUidOf = (f: FeedView): string => f.platformUid ?? `KLV-${f.id}`;

const num = (t: Telemetry, k: string): number | undefined => {
  const v = t[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};
const str = (t: Telemetry, k: string): string | undefined => {
  const v = t[k];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};
const f = (n: number, digits: number) => formatNumber(Number(n.toFixed(digits)) + 0);
const wrap360 = (d: number) => ((d % 360) + 360) % 360;
const wrap180 = (d: number) => wrap360(d + 180) - 180;

/** Height above the ellipsoid of the sensor: tag 104/75, else true altitude (MSL, tag 15) + the EGM96 geoid. */
export function sensorHae(t: Telemetry): number | undefined {
  const hae = num(t, 'sensorEllipsoidHeightExtended') ?? num(t, 'sensorEllipsoidHeight');
  if (hae !== undefined) return hae;
  const msl = num(t, 'sensorTrueAltitude');
  const lat = num(t, 'sensorLatitude');
  const lon = num(t, 'sensorLongitude');
  return msl !== undefined && lat !== undefined && lon !== undefined
    ? egm96ToEllipsoid(lat, lon, msl)
    : undefined;
}

export function frameCentre(t: Telemetry): LatLon | undefined {
  const lat = num(t, 'frameCenterLatitude');
  const lon = num(t, 'frameCenterLongitude');
  return lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
}

/** Image corners (upper-left, upper-right, lower-right, lower-left): full tags 82–89, else centre + offsets 26–33. */
export function corners(t: Telemetry): [LatLon, LatLon, LatLon, LatLon] | undefined {
  const out: LatLon[] = [];
  const c = frameCentre(t);
  for (let i = 1; i <= 4; i++) {
    const lat = num(t, `cornerLatitude${i}`);
    const lon = num(t, `cornerLongitude${i}`);
    if (lat !== undefined && lon !== undefined) {
      out.push({ lat, lon });
      continue;
    }
    const dLat = num(t, `offsetCornerLatitude${i}`);
    const dLon = num(t, `offsetCornerLongitude${i}`);
    if (!c || dLat === undefined || dLon === undefined) return undefined;
    out.push({ lat: c.lat + dLat, lon: c.lon + dLon });
  }
  return out as [LatLon, LatLon, LatLon, LatLon];
}

export function callsignOf(t: Telemetry, feed: FeedView): string {
  return (
    str(t, 'platformCallSign') ??
    str(t, 'platformTailNumber') ??
    str(t, 'platformDesignation') ??
    feed.name ??
    feed.id
  );
}

function labelled(e: Event, label: Label, now: number): Event {
  const attrs = labelToCot(label);
  e.detail.elements.push({ name: LABEL_ELEMENT, xml: labelToXml(label, now) });
  e.access = attrs.access;
  if (attrs.caveat) e.caveat = attrs.caveat;
  if (attrs.releasableTo) e.releasableTo = attrs.releasableTo;
  e.label = label;
  return e;
}

function base(
  uid: string,
  type: string,
  now: number,
  stale: number,
  p: LatLon,
  hae: number,
  feed: FeedView,
): Event {
  return {
    version: '2.0',
    uid,
    type,
    how: 'm-g',
    time: now,
    start: now,
    stale,
    point: { lat: p.lat, lon: p.lon, hae: Number(hae.toFixed(2)), ce: UNKNOWN_ERROR, le: UNKNOWN_ERROR },
    detail: { elements: [] },
    label: feed.label,
    origin: { protocol: 'video' as const, ...(feed.nation ? { nation: feed.nation } : {}) },
  };
}

const push = (d: Detail, name: string, attrs: Record<string, string | number | undefined>, inner = '') => {
  let xml = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) xml += ` ${k}="${escapeXml(String(v))}"`;
  xml += inner ? `>${inner}</${name}>` : '/>';
  d.elements.push({ name, xml } as DetailElement);
};

/** The platform's own event (only for feeds that are not linked to another gateway's entity). */
export function platformEvent(t: Telemetry, feed: FeedView, now: number, stale: number): Event | undefined {
  const lat = num(t, 'sensorLatitude');
  const lon = num(t, 'sensorLongitude');
  if (lat === undefined || lon === undefined) return undefined;
  const uid = platformUidOf(feed);
  const callsign = callsignOf(t, feed);
  const e = base(uid, feed.type, now, stale, { lat, lon }, sensorHae(t) ?? 0, feed);
  const d = e.detail;
  push(d, 'contact', { callsign });
  const heading = num(t, 'platformHeading') ?? 0;
  const course = num(t, 'platformCourseAngle') ?? heading;
  const speed = num(t, 'platformGroundSpeed') ?? 0;
  push(d, 'track', { course: f(course, 2), speed: f(speed, 2) });
  const pitch = num(t, 'platformPitchFull') ?? num(t, 'platformPitch');
  const roll = num(t, 'platformRollFull') ?? num(t, 'platformRoll');
  if (pitch !== undefined || roll !== undefined)
    push(
      d,
      'spatial',
      {},
      `<attitude roll="${f(roll ?? 0, 2)}" pitch="${f(pitch ?? 0, 2)}" yaw="${f(heading, 2)}"/>`,
    );
  const hfov = num(t, 'sensorHorizontalFov');
  if (hfov !== undefined) {
    const azimuth = wrap360(heading + (num(t, 'sensorRelativeAzimuth') ?? 0));
    const range = num(t, 'slantRange');
    push(d, 'sensor', {
      azimuth: f(azimuth, 1),
      elevation: f(wrap180(num(t, 'sensorRelativeElevation') ?? -90), 1),
      roll: f(num(t, 'sensorRelativeRoll') ?? 0, 1),
      fov: f(hfov, 1),
      vfov: f(num(t, 'sensorVerticalFov') ?? hfov * 0.75, 1),
      north: f(azimuth, 1),
      range: range !== undefined ? Math.round(range) : undefined,
      type: 'r-e',
      model: str(t, 'imageSourceSensor') ?? 'STANAG 4609 sensor',
      version: '0.6',
    });
  }
  const k = corners(t);
  if (k) {
    const v = k.map((c) => `<vertex lat="${f(c.lat, 7)}" lon="${f(c.lon, 7)}"/>`).join('');
    push(d, '__footprint', { uid: footprintUid(uid) }, v);
  }
  if (feed.videoUrl)
    push(d, '__video', { url: feed.videoUrl, uid: feed.id, sensor: callsign, spi: `${callsign}.SPI1` });
  d.contact = { callsign };
  d.track = { course: Number(f(course, 2)), speed: Number(f(speed, 2)) };
  return labelled(e, feed.label, now);
}

/** The footprint polygon event, drawn by any TAK client (the MAVLink gateway's builder). */
export function footprintPolygon(
  t: Telemetry,
  feed: FeedView,
  type: string,
  now: number,
  stale: number,
): Event | undefined {
  const k = corners(t);
  if (!k) return undefined;
  const centre = frameCentre(t) ?? k[0];
  const fp: Footprint = { corners: k, centre, range: num(t, 'slantRange') ?? 0, clamped: false };
  const e = footprintEvent(platformUidOf(feed), type, callsignOf(t, feed), fp, stale, now, feed.label, {
    protocol: 'video' as const,
    ...(feed.nation ? { nation: feed.nation } : {}),
  });
  e.detail = { ...e.detail, elements: [...e.detail.elements] };
  return labelled(e, feed.label, now);
}

/** The frame centre as a sensor point of interest (what ATAK's UAS tool calls the SPI). */
export function spiEvent(t: Telemetry, feed: FeedView, now: number, stale: number): Event | undefined {
  const c = frameCentre(t);
  if (!c) return undefined;
  const parent = platformUidOf(feed);
  const callsign = callsignOf(t, feed);
  const hae = num(t, 'frameCenterHeightAboveEllipsoid') ?? num(t, 'frameCenterElevation') ?? UNKNOWN_ERROR;
  const e = base(`${parent}.SPI1`, 'b-m-p-s-p-i', now, stale, c, hae, feed);
  push(e.detail, 'contact', { callsign: `${callsign}.SPI1` });
  push(e.detail, 'link', { uid: parent, type: feed.type, relation: 'p-p' });
  push(e.detail, 'precisionlocation', { geopointsrc: 'CALC', altsrc: 'CALC' });
  e.detail.contact = { callsign: `${callsign}.SPI1` };
  e.detail.links = [{ uid: parent, type: feed.type, relation: 'p-p' }];
  return labelled(e, feed.label, now);
}

/** A VMTI detection as a track (unknown affiliation ground track), linked to the platform. */
export function vmtiEvent(
  target: VmtiTarget,
  t: Telemetry,
  feed: FeedView,
  now: number,
  stale: number,
): Event | undefined {
  const c = frameCentre(t);
  const lat = target.lat ?? (c && target.latOffset !== undefined ? c.lat + target.latOffset : undefined);
  const lon = target.lon ?? (c && target.lonOffset !== undefined ? c.lon + target.lonOffset : undefined);
  if (lat === undefined || lon === undefined) return undefined;
  const parent = platformUidOf(feed);
  const e = base(
    `${parent}.vmti.${target.id}`,
    'a-u-G',
    now,
    stale,
    { lat, lon },
    target.hae ?? UNKNOWN_ERROR,
    feed,
  );
  const callsign = `${callsignOf(t, feed)} MTI ${target.id}`;
  push(e.detail, 'contact', { callsign });
  push(e.detail, 'link', { uid: parent, type: feed.type, relation: 'p-p' });
  if (target.confidence !== undefined) push(e.detail, 'remarks', {}, `VMTI confidence ${target.confidence}%`);
  e.detail.contact = { callsign };
  e.detail.links = [{ uid: parent, type: feed.type, relation: 'p-p' }];
  return labelled(e, feed.label, now);
}

/** What a snapshot marker needs besides the telemetry: the image's hash and who took it. */
export interface SnapshotInfo {
  uid: string;
  sha256: string;
  bytes: number;
  by: string;
}

/**
 * A snapshot marker: ATAK's image marker type (`b-i-x-i`, as Quick Pic drops) at the point the camera looks at (the
 * frame centre, else the platform), linked to the platform, the image attached as TAK clients attach files to a
 * marker (`attachment_list` of SHA-256 hashes, fetched from `/Marti/sync/content?hash=`), with the feed's label.
 */
export function snapshotEvent(t: Telemetry, feed: FeedView, s: SnapshotInfo, now: number): Event | undefined {
  const centre = frameCentre(t);
  const lat = num(t, 'sensorLatitude');
  const lon = num(t, 'sensorLongitude');
  const at = centre ?? (lat !== undefined && lon !== undefined ? { lat, lon } : undefined);
  if (!at) return undefined;
  const hae = centre
    ? (num(t, 'frameCenterHeightAboveEllipsoid') ?? num(t, 'frameCenterElevation') ?? UNKNOWN_ERROR)
    : (sensorHae(t) ?? UNKNOWN_ERROR);
  const parent = platformUidOf(feed);
  const callsign = `${callsignOf(t, feed)} ${new Date(now).toISOString().slice(11, 19).replace(/:/g, '')}Z`;
  const e = base(s.uid, 'b-i-x-i', now, now + 24 * 3_600_000, at, hae, feed);
  const slant = num(t, 'slantRange');
  const remarks =
    `Snapshot of ${feed.name ?? feed.id} by ${s.by}` +
    (centre ? ', at the frame centre' : ', at the platform (no frame centre in the KLV)') +
    (slant !== undefined ? `, slant range ${Math.round(slant)} m` : '');
  push(e.detail, 'contact', { callsign });
  push(e.detail, 'link', { uid: parent, type: feed.type, relation: 'p-p' });
  push(e.detail, 'remarks', {}, escapeXml(remarks));
  push(e.detail, 'attachment_list', { hashes: JSON.stringify([s.sha256]) });
  push(e.detail, 'archive', {});
  push(e.detail, 'precisionlocation', { geopointsrc: 'CALC', altsrc: 'CALC' });
  e.detail.contact = { callsign };
  e.detail.remarks = { text: remarks };
  e.detail.links = [{ uid: parent, type: feed.type, relation: 'p-p' }];
  return labelled(e, feed.label, now);
}
