/**
 * Telemetry of a platform orbiting a point with its camera on the centre: position, attitude, sensor angles, slant
 * range, frame centre and the four image corners, consistent with each other (flat ground, the MAVLink gateway's
 * footprint projection). For generated test streams and the demo camera when no MAVLink drone is linked.
 */
import { computeFootprint, quatFromEuler } from '../gateways/mavlink/footprint.js';

export interface OrbitOptions {
  lat?: number;
  lon?: number;
  radius?: number;
  altitude?: number;
  periodS?: number;
}

export function orbitTelemetry(tS: number, o: OrbitOptions = {}): Record<string, number | string> {
  const lat0 = o.lat ?? 54.4167;
  const lon0 = o.lon ?? 23.2333;
  const r = o.radius ?? 1500;
  const alt = o.altitude ?? 800;
  const angle = (2 * Math.PI * tS) / (o.periodS ?? 240);
  const north = r * Math.cos(angle);
  const east = r * Math.sin(angle);
  const lat = lat0 + north / 111_320;
  const lon = lon0 + east / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const heading = ((((angle * 180) / Math.PI + 90) % 360) + 360) % 360;
  const look = (Math.atan2(-east, -north) * 180) / Math.PI; // towards the centre
  const depression = (Math.atan2(alt, r) * 180) / Math.PI;
  const hfov = 30;
  const vfov = 17;
  const fp = computeFootprint({
    camera: { lat, lon },
    heightAboveGround: alt,
    q: quatFromEuler(0, (-depression * Math.PI) / 180, (look * Math.PI) / 180),
    hfov,
    vfov,
  });
  const t: Record<string, number | string> = {
    platformTailNumber: 'LTU-UAV-7',
    platformDesignation: 'Demo UAV',
    imageSourceSensor: 'EO',
    platformHeading: heading,
    platformPitch: 0,
    platformRoll: -8,
    platformGroundSpeed: Math.round((2 * Math.PI * r) / (o.periodS ?? 240)),
    sensorLatitude: lat,
    sensorLongitude: lon,
    sensorEllipsoidHeight: alt + 30,
    sensorHorizontalFov: hfov,
    sensorVerticalFov: vfov,
    sensorRelativeAzimuth: (((look - heading) % 360) + 360) % 360,
    sensorRelativeElevation: -depression,
    sensorRelativeRoll: 0,
    uasLsVersion: 19,
  };
  if (fp) {
    t.slantRange = fp.range;
    t.frameCenterLatitude = fp.centre.lat;
    t.frameCenterLongitude = fp.centre.lon;
    t.frameCenterHeightAboveEllipsoid = 30;
    fp.corners.forEach((c, i) => {
      t[`cornerLatitude${i + 1}`] = c.lat;
      t[`cornerLongitude${i + 1}`] = c.lon;
    });
  }
  return t;
}
