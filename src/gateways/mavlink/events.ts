/**
 * Vehicle state -> CoT Events shaped like the ATAK UAS Tool's output, so a TAK client shows a drone with its
 * camera FOV: `contact`, `track`, `status battery`, `sensor`, `spatial/attitude`, `__video`. The camera footprint
 * travels twice: as `__footprint` corners inside the drone's own event (for the web COP, atomic with the drone),
 * and as a separate `u-d-f` polygon event `<uid>.footprint` that any TAK client draws without a plugin.
 */
import { escapeXml, formatNumber } from '../../codecs/cot/index.js';
import {
  DEFAULT_LABEL,
  UNKNOWN_ERROR,
  type Detail,
  type DetailElement,
  type Event,
} from '../../model/index.js';
import type { MavlinkConfig, MavlinkVehicleConfig } from './config.js';
import {
  computeFootprint,
  eulerFromQuat,
  quatFromEuler,
  type Footprint,
  type Quaternion,
} from './footprint.js';
import type { CameraState, VehicleState } from './vehicle.js';

/** Entity uid of a vehicle component. */
export const vehicleUid = (sysid: number, compid: number): string => `MAVLINK-${sysid}-${compid}`;
export const footprintUid = (uid: string): string => `${uid}.footprint`;

/** CoT battle dimension + function for a MAV_TYPE (after the affiliation letter). */
export function cotFunction(mavType: number | undefined): string {
  switch (mavType) {
    case 1: // fixed wing
    case 16: // flapping wing
    case 19: // VTOL variants fly like fixed wings in cruise
    case 20:
    case 21:
    case 22:
    case 23:
    case 24:
    case 25:
      return 'A-M-F-Q';
    case 2: // quadrotor
    case 3: // coaxial
    case 4: // helicopter
    case 13: // hexarotor
    case 14: // octorotor
    case 15: // tricopter
    case 29: // dodecarotor
    case 43: // generic multirotor
      return 'A-M-H-Q';
    case 7: // airship
    case 8: // free balloon
    case 17: // kite
    case 28: // parafoil
      return 'A-M-L';
    case 9: // rocket
      return 'A-W-M';
    case 10: // ground rover
    case 46: // ground quadruped
      return 'G-E-V';
    case 11: // surface boat
      return 'S-X';
    case 12: // submarine
      return 'U-S';
    default:
      return 'A-M';
  }
}

const fmt = (n: number, digits: number) => formatNumber(Number(n.toFixed(digits)));
/** Two decimals; `+ 0` turns -0 into 0 so the view equals what is parsed back from the XML. */
const r2 = (n: number) => Math.round(n * 100) / 100 + 0;

const PRECISION_VIEW = { geopointsrc: 'GPS', altsrc: 'GPS' };
const PRECISION: DetailElement = {
  name: 'precisionlocation',
  xml: '<precisionlocation geopointsrc="GPS" altsrc="GPS"/>',
};
/** `contact` elements by callsign: the same few strings on every update. Bounded: cleared when it gets big. */
const contacts = new Map<string, DetailElement>();
function contactElement(callsign: string): DetailElement {
  let e = contacts.get(callsign);
  if (!e) {
    if (contacts.size >= 10_000) contacts.clear();
    e = { name: 'contact', xml: `<contact callsign="${escapeXml(callsign)}"/>` };
    contacts.set(callsign, e);
  }
  return e;
}
/** A detail element plus the attributes it was written from (handed to the codec so it need not re-parse). */
type Built = DetailElement & { attrs: Record<string, string> };

const el = (name: string, attrs: Record<string, string | number | undefined>, inner = ''): Built => {
  let xml = `<${name}`;
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    const text = String(v);
    kept[k] = text;
    xml += ` ${k}="${escapeXml(text)}"`;
  }
  xml += inner ? `>${inner}</${name}>` : '/>';
  return { name, xml, attrs: kept };
};

/**
 * The typed views, filled from the attributes the elements were written from instead of re-parsing the XML
 * (deriveDetail on every drone event cost ~10 % of the gateway's CPU at 10,000 messages/s). events.test.ts checks
 * that these equal what the codec's deriveDetail reads back from the XML.
 */
function detailOf(els: Built[]): Detail {
  const d: Detail = { elements: els.map(({ name, xml }) => ({ name, xml })) };
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  for (const { name, attrs: a } of els) {
    if (name === 'contact' && !d.contact)
      d.contact = { ...(a.callsign !== undefined ? { callsign: a.callsign } : {}) };
    else if (name === 'track' && !d.track) {
      d.track = {};
      for (const k of ['course', 'speed', 'slope'] as const) if (a[k] !== undefined) d.track[k] = num(a[k]);
    } else if (name === 'status' && !d.status)
      d.status = a.battery !== undefined ? { battery: num(a.battery) } : {};
    else if (name === 'precisionlocation' && !d.precisionLocation) d.precisionLocation = { ...a };
    else if (name === 'sensor' && !d.sensor) d.sensor = { ...a };
    else if (name === '__video' && !d.video) d.video = { ...a };
    else if (name === 'link') (d.links ??= []).push({ ...a });
  }
  return d;
}

/** Camera orientation in the earth (NED) frame, from whichever source is freshest. */
export function cameraOrientation(
  v: VehicleState,
  c: CameraState,
  now: number,
  maxAgeMs: number,
): Quaternion | undefined {
  const fresh = (at: number) => now - at <= maxAgeMs;
  if (c.fov && fresh(c.fov.at)) return c.fov.q;
  const vehicleYaw = v.attitude?.yaw ?? v.position?.heading ?? v.position?.course ?? 0;
  if (c.gimbal && fresh(c.gimbal.at)) {
    if (!c.gimbal.yawInVehicleFrame) return c.gimbal.q;
    const e = eulerFromQuat(c.gimbal.q);
    return quatFromEuler(e.roll, e.pitch, e.yaw + (vehicleYaw * Math.PI) / 180);
  }
  if (c.mount && fresh(c.mount.at)) {
    const yaw = c.mount.yawAbsolute ?? c.mount.yaw + vehicleYaw;
    const r = Math.PI / 180;
    return quatFromEuler(c.mount.roll * r, c.mount.pitch * r, yaw * r);
  }
  return undefined;
}

/** Footprint of the system's camera, or undefined when orientation, fov or height is missing. */
export function vehicleFootprint(
  v: VehicleState,
  c: CameraState,
  now: number,
  maxAgeMs: number,
): Footprint | undefined {
  const q = cameraOrientation(v, c, now, maxAgeMs);
  if (!q || c.hfov === undefined) return undefined;
  const vfov = c.vfov ?? c.hfov * 0.75;
  const fovFresh = c.fov && now - c.fov.at <= maxAgeMs ? c.fov : undefined;
  const camera = fovFresh ?? v.position;
  if (!camera) return undefined;
  const camAlt = fovFresh?.altMsl ?? v.position?.altMsl;
  // Ground: the image centre's elevation when the camera knows it, else the home elevation (flat-earth guess).
  const ground = fovFresh?.imageAltMsl ?? v.homeAltMsl;
  if (camAlt === undefined || ground === undefined) return undefined;
  return computeFootprint({
    camera: { lat: camera.lat, lon: camera.lon },
    heightAboveGround: camAlt - ground,
    q,
    hfov: c.hfov,
    vfov,
  });
}

export interface BuildContext {
  cfg: MavlinkConfig;
  now: number;
  /** Footprint event wanted on this publication (it is rate-limited separately). */
  withFootprintEvent: boolean;
}

function callsignOf(v: VehicleState, cfg: MavlinkConfig, vc: MavlinkVehicleConfig | undefined): string {
  if (vc?.callsign) return vc.callsign;
  return v.compid === 1 ? `${cfg.callsignPrefix}${v.sysid}` : `${cfg.callsignPrefix}${v.sysid}-${v.compid}`;
}

/** The drone's event, plus its footprint polygon event when one can be computed and is wanted. */
export function buildVehicleEvents(v: VehicleState, c: CameraState | undefined, ctx: BuildContext): Event[] {
  const { cfg, now } = ctx;
  const p = v.position;
  if (!p) return [];
  const vc = cfg.vehicles[String(v.sysid)];
  const affiliation = vc?.affiliation ?? cfg.affiliation;
  const nation = vc?.nation ?? cfg.nation;
  const type = vc?.type ?? `a-${affiliation}-${cotFunction(v.mavType)}`;
  const uid = vehicleUid(v.sysid, v.compid);
  const callsign = callsignOf(v, cfg, vc);
  const stale = now + cfg.staleSeconds * 1000;
  // Hot path (every position of every drone): element XML is written with templates and the typed views are
  // set from the same numbers, instead of building attribute objects and deriving views from them.
  const elements: DetailElement[] = [contactElement(callsign), PRECISION];
  const detail: Detail = { elements, contact: { callsign }, precisionLocation: { ...PRECISION_VIEW } };
  const course = r2(p.course ?? 0);
  const speed = r2(p.speed);
  const slope = r2(p.slope);
  elements.push({
    name: 'track',
    xml: `<track course="${formatNumber(course)}" speed="${formatNumber(speed)}" slope="${formatNumber(slope)}"/>`,
  });
  detail.track = { course, speed, slope };
  if (v.battery !== undefined) {
    elements.push({ name: 'status', xml: `<status battery="${v.battery}"/>` });
    detail.status = { battery: v.battery };
  }
  if (v.attitude) {
    const a = v.attitude;
    const f = (n: number) => formatNumber(r2(n));
    elements.push({
      name: 'spatial',
      xml:
        `<spatial><attitude roll="${f(a.roll)}" pitch="${f(a.pitch)}" yaw="${f(a.yaw)}"/>` +
        `<spin roll="${f(a.rollRate)}" pitch="${f(a.pitchRate)}" yaw="${f(a.yawRate)}"/></spatial>`,
    });
  }
  const fp = c ? vehicleFootprint(v, c, now, cfg.staleSeconds * 1000) : undefined;
  if (c && fp) {
    const q = cameraOrientation(v, c, now, cfg.staleSeconds * 1000)!;
    const e = eulerFromQuat(q);
    const d = 180 / Math.PI;
    const azimuth = (((e.yaw * d) % 360) + 360) % 360;
    const sensor = el('sensor', {
      azimuth: fmt(azimuth, 1),
      elevation: fmt(e.pitch * d, 1),
      roll: fmt(e.roll * d, 1),
      fov: fmt(c.hfov!, 1),
      vfov: fmt(c.vfov ?? c.hfov! * 0.75, 1),
      // The image top points along the boresight's azimuth for a down-looking camera.
      north: fmt(azimuth, 1),
      range: Math.round(fp.range),
      type: 'r-e',
      model: vc?.cameraModel ?? c.model ?? 'MAVLink camera',
      version: '0.6',
    });
    elements.push({ name: sensor.name, xml: sensor.xml });
    detail.sensor = sensor.attrs;
    const corners = fp.corners.map((k) => `<vertex lat="${fmt(k.lat, 7)}" lon="${fmt(k.lon, 7)}"/>`).join('');
    const clamped = fp.clamped ? ' clamped="true"' : '';
    elements.push({
      name: '__footprint',
      xml: `<__footprint uid="${escapeXml(footprintUid(uid))}"${clamped}>${corners}</__footprint>`,
    });
  }
  const videoUrl = vc?.videoUrl ?? c?.videoUrl;
  if (videoUrl) {
    const video = el('__video', { url: videoUrl, sensor: callsign, spi: `${callsign}.SPI1` });
    elements.push({ name: video.name, xml: video.xml });
    detail.video = video.attrs;
  }
  const label = DEFAULT_LABEL;
  const origin = { protocol: 'mavlink' as const, ...(nation ? { nation } : {}) };
  const drone: Event = {
    version: '2.0',
    uid,
    type,
    how: 'm-g',
    time: now,
    start: now,
    stale,
    point: {
      lat: p.lat,
      lon: p.lon,
      hae: Number(p.hae.toFixed(2)),
      ce: v.ce !== undefined ? Number(v.ce.toFixed(1)) : UNKNOWN_ERROR,
      le: v.le !== undefined ? Number(v.le.toFixed(1)) : UNKNOWN_ERROR,
    },
    detail,
    label,
    origin,
  };
  const out = [drone];
  if (fp && ctx.withFootprintEvent)
    out.push(footprintEvent(uid, type, callsign, fp, stale, now, label, origin));
  return out;
}

export function footprintEvent(
  parentUid: string,
  parentType: string,
  callsign: string,
  fp: Footprint,
  stale: number,
  now: number,
  label: Event['label'],
  origin: Event['origin'],
): Event {
  const ring = [...fp.corners, fp.corners[0]];
  const els: Built[] = ring.map((k) => el('link', { point: `${fmt(k.lat, 7)},${fmt(k.lon, 7)}` }));
  els.push(el('strokeColor', { value: -16711936 })); // opaque green
  els.push(el('strokeWeight', { value: '2.0' }));
  els.push(el('fillColor', { value: 1073807104 })); // 25% green
  els.push(el('labels_on', { value: 'false' }));
  els.push(el('contact', { callsign: `${callsign} footprint` }));
  els.push(el('creator', { uid: parentUid, callsign, type: parentType }));
  return {
    version: '2.0',
    uid: footprintUid(parentUid),
    type: 'u-d-f',
    how: 'm-g',
    time: now,
    start: now,
    stale,
    point: {
      lat: fp.centre.lat,
      lon: fp.centre.lon,
      hae: UNKNOWN_ERROR,
      ce: UNKNOWN_ERROR,
      le: UNKNOWN_ERROR,
    },
    detail: detailOf(els),
    label,
    origin,
  };
}
