/**
 * MAVLink telemetry a simulated drone sends, built from plain numbers in SI units with node-mavlink's classes:
 * what an ArduPilot/PX4 vehicle with a camera gimbal streams to a ground station.
 */
import { common, minimal } from 'node-mavlink';
import { egm96ToEllipsoid } from 'egm96-universal';

export interface DroneTelemetry {
  lat: number;
  lon: number;
  /** Altitude above mean sea level (EGM96), metres. */
  altMsl: number;
  /** Height above the take-off point, metres. */
  relativeAlt: number;
  /** Velocity north / east / DOWN in m/s (MAVLink's NED convention). */
  vn: number;
  ve: number;
  vd: number;
  /** Heading, degrees true. */
  heading: number;
  timeBootMs: number;
}

export function heartbeat(mavType: number, armed = true): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.type = mavType as minimal.MavType;
  hb.autopilot = minimal.MavAutopilot.ARDUPILOTMEGA;
  hb.baseMode = (armed ? 0x80 | 0x01 : 0x01) as minimal.MavModeFlag;
  hb.customMode = 0;
  hb.systemStatus = minimal.MavState.ACTIVE;
  hb.mavlinkVersion = 3;
  return hb;
}

export function globalPositionInt(t: DroneTelemetry): common.GlobalPositionInt {
  const m = new common.GlobalPositionInt();
  m.timeBootMs = t.timeBootMs >>> 0;
  m.lat = Math.round(t.lat * 1e7);
  m.lon = Math.round(t.lon * 1e7);
  m.alt = Math.round(t.altMsl * 1000);
  m.relativeAlt = Math.round(t.relativeAlt * 1000);
  m.vx = clamp16(Math.round(t.vn * 100));
  m.vy = clamp16(Math.round(t.ve * 100));
  m.vz = clamp16(Math.round(t.vd * 100));
  m.hdg = Math.round((((t.heading % 360) + 360) % 360) * 100) % 36000;
  return m;
}

/** GPS_RAW_INT with the ellipsoid altitude extension and accuracies, as a u-blox receiver reports them. */
export function gpsRawInt(t: DroneTelemetry, hAccM = 1.5, vAccM = 3): common.GpsRawInt {
  const m = new common.GpsRawInt();
  m.timeUsec = BigInt(t.timeBootMs) * 1000n;
  m.lat = Math.round(t.lat * 1e7);
  m.lon = Math.round(t.lon * 1e7);
  m.alt = Math.round(t.altMsl * 1000);
  m.eph = 80;
  m.epv = 120;
  m.vel = Math.round(Math.hypot(t.vn, t.ve) * 100);
  m.cog = Math.round((((((Math.atan2(t.ve, t.vn) * 180) / Math.PI) % 360) + 360) % 360) * 100) % 36000;
  m.fixType = common.GpsFixType.GPS_FIX_TYPE_3D_FIX;
  m.satellitesVisible = 14;
  m.altEllipsoid = Math.round(egm96ToEllipsoid(t.lat, t.lon, t.altMsl) * 1000);
  m.hAcc = Math.round(hAccM * 1000);
  m.vAcc = Math.round(vAccM * 1000);
  return m;
}

/** ATTITUDE: angles in degrees in, radians on the wire. */
export function attitude(
  rollDeg: number,
  pitchDeg: number,
  yawDeg: number,
  timeBootMs: number,
): common.Attitude {
  const m = new common.Attitude();
  const r = Math.PI / 180;
  m.timeBootMs = timeBootMs >>> 0;
  m.roll = rollDeg * r;
  m.pitch = pitchDeg * r;
  // ATTITUDE yaw is -pi..pi.
  const y = ((((yawDeg + 180) % 360) + 360) % 360) - 180;
  m.yaw = y * r;
  m.rollspeed = 0;
  m.pitchspeed = 0;
  m.yawspeed = 0;
  return m;
}

export function sysStatus(batteryPercent: number, voltage: number): common.SysStatus {
  const m = new common.SysStatus();
  m.voltageBattery = Math.round(voltage * 1000);
  m.currentBattery = -1;
  m.batteryRemaining = Math.round(batteryPercent);
  m.load = 250;
  return m;
}

/**
 * CAMERA_FOV_STATUS for a camera at the drone's position looking along (yaw, pitch), with the image centre on
 * flat ground at `groundMsl`.
 */
export function cameraFovStatus(
  t: DroneTelemetry,
  o: { yawDeg: number; pitchDeg: number; hfov: number; vfov: number; groundMsl: number },
): common.CameraFovStatus {
  const m = new common.CameraFovStatus();
  const r = Math.PI / 180;
  m.timeBootMs = t.timeBootMs >>> 0;
  m.latCamera = Math.round(t.lat * 1e7);
  m.lonCamera = Math.round(t.lon * 1e7);
  m.altCamera = Math.round(t.altMsl * 1000);
  const h = t.altMsl - o.groundMsl;
  const down = -o.pitchDeg * r;
  if (down > 0.01 && h > 0) {
    const dist = h / Math.tan(down);
    const n = dist * Math.cos(o.yawDeg * r);
    const e = dist * Math.sin(o.yawDeg * r);
    m.latImage = Math.round((t.lat + n / 6_371_008.8 / r) * 1e7);
    m.lonImage = Math.round((t.lon + e / (6_371_008.8 * Math.cos(t.lat * r)) / r) * 1e7);
    m.altImage = Math.round(o.groundMsl * 1000);
  } else {
    m.latImage = 2147483647;
    m.lonImage = 2147483647;
    m.altImage = -2147483648;
  }
  // Quaternion of yaw then pitch (no roll), camera frame -> NED.
  const cy = Math.cos((o.yawDeg * r) / 2);
  const sy = Math.sin((o.yawDeg * r) / 2);
  const cp = Math.cos((o.pitchDeg * r) / 2);
  const sp = Math.sin((o.pitchDeg * r) / 2);
  m.q = [cp * cy, -sp * sy, sp * cy, cp * sy];
  m.hfov = o.hfov;
  m.vfov = o.vfov;
  return m;
}

function clamp16(n: number): number {
  return Math.max(-32768, Math.min(32767, n));
}
