/**
 * What the gateway knows about one MAVLink system: the vehicle components (keyed by component id) and the camera
 * and gimbal state, which usually arrives from separate components (compid 100 camera, 154 gimbal) of the same
 * system id and belongs to that system's vehicle.
 */
import { egm96ToEllipsoid } from 'egm96-universal';
import type { MavLinkData } from 'node-mavlink';
import { common, minimal } from './messages.js';
import type { Quaternion } from './footprint.js';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const UINT16_MAX = 65535;

/** MAV_TYPE values that are parts of a vehicle or ground equipment, never an entity of their own. */
const NOT_A_VEHICLE = new Set([5, 6, 18, 26, 27, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 49]);

/** Latest position, in CoT terms. */
export interface Position {
  lat: number;
  lon: number;
  /** Height above the WGS-84 ellipsoid, metres (EGM96 geoid added to MSL). */
  hae: number;
  altMsl: number;
  /** Height above home, metres. */
  relativeAlt: number | undefined;
  /** Course over ground, degrees true 0..360; speed m/s; slope degrees, negative = descending. */
  course: number | undefined;
  speed: number;
  slope: number;
  /** Heading from the autopilot, degrees; undefined when unknown. */
  heading: number | undefined;
}

export interface Attitude {
  roll: number;
  pitch: number;
  yaw: number;
  rollRate: number;
  pitchRate: number;
  yawRate: number;
}

/** One vehicle component (system id + component id): one CoT entity. */
export interface VehicleState {
  sysid: number;
  compid: number;
  mavType: number | undefined;
  autopilot: number | undefined;
  armed: boolean;
  position: Position | undefined;
  attitude: Attitude | undefined;
  /** Horizontal / vertical 1-sigma errors in metres, from GPS_RAW_INT. */
  ce: number | undefined;
  le: number | undefined;
  battery: number | undefined;
  voltage: number | undefined;
  homeAltMsl: number | undefined;
  /** When GLOBAL_POSITION_INT last came: GPS_RAW_INT positions are used only without it. */
  fusedAt: number;
  lastHeard: number;
  lastPublished: number;
  dirty: boolean;
}

/** Camera and gimbal state shared by the components of one system. */
export interface CameraState {
  /** From CAMERA_FOV_STATUS: camera position and the image centre on the ground. */
  fov:
    | {
        lat: number;
        lon: number;
        altMsl: number | undefined;
        imageLat: number | undefined;
        imageLon: number | undefined;
        imageAltMsl: number | undefined;
        q: Quaternion;
        at: number;
      }
    | undefined;
  hfov: number | undefined;
  vfov: number | undefined;
  /** Gimbal orientation in the earth frame, or with yaw relative to the vehicle. */
  gimbal: { q: Quaternion; yawInVehicleFrame: boolean; at: number } | undefined;
  /** Legacy MOUNT_ORIENTATION angles in degrees. */
  mount:
    { roll: number; pitch: number; yaw: number; yawAbsolute: number | undefined; at: number } | undefined;
  videoUrl: string | undefined;
  model: string | undefined;
}

export function newVehicle(sysid: number, compid: number, now: number): VehicleState {
  return {
    sysid,
    compid,
    mavType: undefined,
    autopilot: undefined,
    armed: false,
    position: undefined,
    attitude: undefined,
    ce: undefined,
    le: undefined,
    battery: undefined,
    voltage: undefined,
    homeAltMsl: undefined,
    fusedAt: -Infinity,
    lastHeard: now,
    lastPublished: 0,
    dirty: false,
  };
}

export function newCamera(): CameraState {
  return {
    fov: undefined,
    hfov: undefined,
    vfov: undefined,
    gimbal: undefined,
    mount: undefined,
    videoUrl: undefined,
    model: undefined,
  };
}

/** True when a HEARTBEAT type says this component is a vehicle (so it may become an entity). */
export function isVehicleType(mavType: number | undefined): boolean {
  return mavType === undefined || !NOT_A_VEHICLE.has(mavType);
}

/** True when the message is one of those that update a camera rather than a vehicle. */
export function isCameraMessage(msg: MavLinkData): boolean {
  return (
    msg instanceof common.CameraFovStatus ||
    msg instanceof common.GimbalDeviceAttitudeStatus ||
    msg instanceof common.MountOrientation ||
    msg instanceof common.VideoStreamInformation ||
    msg instanceof common.CameraInformation
  );
}

const norm360 = (d: number) => ((d % 360) + 360) % 360;

/**
 * Apply a vehicle message. Returns true when the position changed (the caller then publishes, rate-limited).
 */
export function applyVehicleMessage(v: VehicleState, msg: MavLinkData, now: number): boolean {
  v.lastHeard = now;
  if (msg instanceof minimal.Heartbeat) {
    v.mavType = msg.type;
    v.autopilot = msg.autopilot;
    v.armed = (msg.baseMode & 0x80) !== 0;
    return false;
  }
  if (msg instanceof common.GlobalPositionInt) {
    const lat = msg.lat / 1e7;
    const lon = msg.lon / 1e7;
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180) || (msg.lat === 0 && msg.lon === 0)) return false;
    const altMsl = msg.alt / 1000;
    const vn = msg.vx / 100;
    const ve = msg.vy / 100;
    // MAVLink vz is positive DOWN; CoT slope is positive UP. Hence the minus.
    const climb = -msg.vz / 100;
    const speed = Math.hypot(vn, ve);
    const heading = msg.hdg === UINT16_MAX ? undefined : msg.hdg / 100;
    v.position = {
      lat,
      lon,
      hae: egm96ToEllipsoid(lat, lon, altMsl),
      altMsl,
      relativeAlt: msg.relativeAlt / 1000,
      course: speed >= 0.2 ? norm360((Math.atan2(ve, vn) * 180) / Math.PI) : heading,
      speed,
      slope: speed > 0 || climb !== 0 ? (Math.atan2(climb, speed) * 180) / Math.PI : 0,
      heading,
    };
    if (v.homeAltMsl === undefined) v.homeAltMsl = altMsl - msg.relativeAlt / 1000;
    v.fusedAt = now;
    v.dirty = true;
    return true;
  }
  if (msg instanceof common.GpsRawInt) {
    if (msg.hAcc > 0) v.ce = msg.hAcc / 1000;
    // HDOP x an assumed 5 m user range error, when the receiver gives no accuracy of its own.
    else if (msg.eph !== UINT16_MAX && msg.eph > 0) v.ce = (msg.eph / 100) * 5;
    if (msg.vAcc > 0) v.le = msg.vAcc / 1000;
    else if (msg.epv !== UINT16_MAX && msg.epv > 0) v.le = (msg.epv / 100) * 5;
    // Trackers and simple vehicles send only the raw GPS: use it when no fused position came for 2 s.
    if (now - v.fusedAt < 2000 || msg.fixType < 2) return false;
    return applyRawGps(v, msg);
  }
  if (msg instanceof common.Attitude) {
    const angles = [msg.roll, msg.pitch, msg.yaw, msg.rollspeed, msg.pitchspeed, msg.yawspeed];
    // A float field can carry NaN or infinity on the wire; such a sample is dropped, never printed into CoT.
    if (!angles.every(Number.isFinite)) return false;
    const d = 180 / Math.PI;
    v.attitude = {
      roll: msg.roll * d,
      pitch: msg.pitch * d,
      yaw: norm360(msg.yaw * d),
      rollRate: msg.rollspeed * d,
      pitchRate: msg.pitchspeed * d,
      yawRate: msg.yawspeed * d,
    };
    return false;
  }
  if (msg instanceof common.SysStatus) {
    if (msg.batteryRemaining >= 0 && msg.batteryRemaining <= 100) v.battery = msg.batteryRemaining;
    if (msg.voltageBattery !== UINT16_MAX && msg.voltageBattery > 0) v.voltage = msg.voltageBattery / 1000;
    return false;
  }
  if (msg instanceof common.BatteryStatus) {
    if (msg.batteryRemaining >= 0 && msg.batteryRemaining <= 100) v.battery = msg.batteryRemaining;
    return false;
  }
  if (msg instanceof common.HomePosition) {
    v.homeAltMsl = msg.altitude / 1000;
    return false;
  }
  return false;
}

function applyRawGps(v: VehicleState, msg: common.GpsRawInt): boolean {
  const lat = msg.lat / 1e7;
  const lon = msg.lon / 1e7;
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180) || (msg.lat === 0 && msg.lon === 0)) return false;
  const altMsl = msg.alt / 1000;
  const speed = msg.vel === UINT16_MAX ? 0 : msg.vel / 100;
  const cog = msg.cog === UINT16_MAX ? undefined : msg.cog / 100;
  // alt_ellipsoid (an extension, 0 when absent) is already height above the ellipsoid.
  const hae = msg.altEllipsoid !== 0 ? msg.altEllipsoid / 1000 : egm96ToEllipsoid(lat, lon, altMsl);
  v.position = {
    lat,
    lon,
    hae,
    altMsl,
    relativeAlt: v.homeAltMsl !== undefined ? altMsl - v.homeAltMsl : undefined,
    course: cog,
    speed,
    slope: 0,
    heading: cog,
  };
  v.dirty = true;
  return true;
}

/** Apply a camera/gimbal message to the system's camera state. */
export function applyCameraMessage(c: CameraState, msg: MavLinkData, now: number): void {
  if (msg instanceof common.CameraFovStatus) {
    const known = (x: number) => x !== INT32_MAX && x !== INT32_MIN;
    if (!known(msg.latCamera) || !known(msg.lonCamera)) return;
    const q = msg.q as number[];
    c.fov = {
      lat: msg.latCamera / 1e7,
      lon: msg.lonCamera / 1e7,
      altMsl: known(msg.altCamera) ? msg.altCamera / 1000 : undefined,
      imageLat: known(msg.latImage) ? msg.latImage / 1e7 : undefined,
      imageLon: known(msg.lonImage) ? msg.lonImage / 1e7 : undefined,
      imageAltMsl: known(msg.altImage) ? msg.altImage / 1000 : undefined,
      q: [q[0] ?? 1, q[1] ?? 0, q[2] ?? 0, q[3] ?? 0],
      at: now,
    };
    if (Number.isFinite(msg.hfov) && msg.hfov > 0) c.hfov = msg.hfov;
    if (Number.isFinite(msg.vfov) && msg.vfov > 0) c.vfov = msg.vfov;
  } else if (msg instanceof common.GimbalDeviceAttitudeStatus) {
    const q = msg.q as number[];
    // Flag 64 = yaw in earth frame; 32 = yaw in vehicle frame; neither (old gimbals) = vehicle frame.
    c.gimbal = {
      q: [q[0] ?? 1, q[1] ?? 0, q[2] ?? 0, q[3] ?? 0],
      yawInVehicleFrame: (msg.flags & 64) === 0,
      at: now,
    };
  } else if (msg instanceof common.MountOrientation) {
    c.mount = {
      roll: msg.roll,
      pitch: msg.pitch,
      yaw: msg.yaw,
      yawAbsolute: Number.isFinite(msg.yawAbsolute) && msg.yawAbsolute !== 0 ? msg.yawAbsolute : undefined,
      at: now,
    };
  } else if (msg instanceof common.VideoStreamInformation) {
    const uri = String(msg.uri ?? '').replace(/\0+$/, '');
    if (uri) c.videoUrl = uri;
    if (msg.hfov > 0 && c.hfov === undefined) c.hfov = msg.hfov;
  } else if (msg instanceof common.CameraInformation) {
    const model = Buffer.from((msg.modelName as number[]) ?? [])
      .toString('latin1')
      .replace(/\0.*$/s, '');
    if (model) c.model = model;
    if (msg.focalLength > 0 && msg.sensorSizeH > 0 && msg.sensorSizeV > 0) {
      const fov = (size: number) => (2 * Math.atan(size / (2 * msg.focalLength)) * 180) / Math.PI;
      c.hfov ??= fov(msg.sensorSizeH);
      c.vfov ??= fov(msg.sensorSizeV);
    }
  }
}
