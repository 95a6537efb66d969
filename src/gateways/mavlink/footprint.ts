/**
 * Camera footprint on the ground: the four image corners projected from the camera position along its orientation
 * onto a flat ground plane. Flat ground at the image-centre (or home) elevation is what a gateway without terrain
 * data can honestly do; the error grows with terrain relief and very oblique views, which is why rays near or above
 * the horizon are clamped to a maximum ground distance instead of being projected to infinity.
 */

/** Quaternion (w, x, y, z) rotating the camera/body frame into local North-East-Down. */
export type Quaternion = [number, number, number, number];

export interface LatLon {
  lat: number;
  lon: number;
}

const R_EARTH = 6_371_008.8;
const DEG = Math.PI / 180;

/** Quaternion from Euler angles in radians (aerospace order: yaw, then pitch, then roll). */
export function quatFromEuler(roll: number, pitch: number, yaw: number): Quaternion {
  const cr = Math.cos(roll / 2);
  const sr = Math.sin(roll / 2);
  const cp = Math.cos(pitch / 2);
  const sp = Math.sin(pitch / 2);
  const cy = Math.cos(yaw / 2);
  const sy = Math.sin(yaw / 2);
  return [
    cr * cp * cy + sr * sp * sy,
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
  ];
}

/** Euler angles in radians { roll, pitch, yaw } of a quaternion (aerospace order). */
export function eulerFromQuat(q: Quaternion): { roll: number; pitch: number; yaw: number } {
  const [w, x, y, z] = q;
  const roll = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  const sinp = Math.max(-1, Math.min(1, 2 * (w * y - z * x)));
  const pitch = Math.asin(sinp);
  const yaw = Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  return { roll, pitch, yaw };
}

/** Rotate vector v by quaternion q (camera frame -> NED). */
export function rotate(q: Quaternion, v: [number, number, number]): [number, number, number] {
  const [w, x, y, z] = q;
  const [vx, vy, vz] = v;
  // t = 2 * cross(q.xyz, v); v' = v + w * t + cross(q.xyz, t)
  const tx = 2 * (y * vz - z * vy);
  const ty = 2 * (z * vx - x * vz);
  const tz = 2 * (x * vy - y * vx);
  return [vx + w * tx + (y * tz - z * ty), vy + w * ty + (z * tx - x * tz), vz + w * tz + (x * ty - y * tx)];
}

/** Point at a local north/east offset in metres (flat-earth; fine for footprint-sized distances). */
export function offset(origin: LatLon, north: number, east: number): LatLon {
  const lat = origin.lat + north / R_EARTH / DEG;
  const lon = origin.lon + east / (R_EARTH * Math.cos(origin.lat * DEG)) / DEG;
  return { lat, lon: ((((lon + 180) % 360) + 360) % 360) - 180 };
}

/** Great-circle distance in metres. */
export function distance(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * DEG;
  const dLon = (b.lon - a.lon) * DEG;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * DEG) * Math.cos(b.lat * DEG) * Math.sin(dLon / 2) ** 2;
  return 2 * R_EARTH * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface FootprintInput {
  camera: LatLon;
  /** Camera height above the ground plane in metres (must be > 0). */
  heightAboveGround: number;
  /** Camera orientation; the boresight is +X (forward), +Y right, +Z down, as for a gimbal at rest. */
  q: Quaternion;
  /** Full horizontal and vertical field of view in degrees. */
  hfov: number;
  vfov: number;
  /** Longest ground distance a ray may reach (clamps rays at or above the horizon). */
  maxRange?: number;
}

export interface Footprint {
  /** Corners in image order: top-left, top-right, bottom-right, bottom-left. */
  corners: [LatLon, LatLon, LatLon, LatLon];
  /** Where the boresight meets the ground (or the clamped point). */
  centre: LatLon;
  /** Slant range from the camera to the image centre, metres. */
  range: number;
  /** True when a ray had to be clamped (view reaches the horizon). */
  clamped: boolean;
}

/** Project the image corners onto the ground. Returns undefined when the geometry is unusable. */
export function computeFootprint(inp: FootprintInput): Footprint | undefined {
  const { camera, heightAboveGround: h, q } = inp;
  if (!(h > 0) || !(inp.hfov > 0 && inp.hfov < 180) || !(inp.vfov > 0 && inp.vfov < 180)) return undefined;
  if (q.some((c) => !Number.isFinite(c))) return undefined;
  const maxRange = inp.maxRange ?? Math.max(2000, 20 * h);
  const th = Math.tan((inp.hfov / 2) * DEG);
  const tv = Math.tan((inp.vfov / 2) * DEG);
  let clamped = false;
  const project = (ray: [number, number, number]) => {
    const [n, e, d] = rotate(q, ray);
    const horiz = Math.hypot(n, e);
    let t: number;
    if (d > 1e-9 && (h / d) * horiz <= maxRange) {
      t = h / d;
    } else {
      clamped = true;
      t = horiz > 1e-9 ? maxRange / horiz : 0;
    }
    const north = n * t;
    const east = e * t;
    return { p: offset(camera, north, east), slant: Math.hypot(north, east, h) };
  };
  const tl = project([1, -th, -tv]);
  const tr = project([1, th, -tv]);
  const br = project([1, th, tv]);
  const bl = project([1, -th, tv]);
  const c = project([1, 0, 0]);
  return { corners: [tl.p, tr.p, br.p, bl.p], centre: c.p, range: c.slant, clamped };
}
