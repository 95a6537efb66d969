/**
 * A simulated drone: the telemetry schedule of an ArduPilot vehicle with a camera, sent as MAVLink datagrams.
 * HEARTBEAT and SYS_STATUS at 1 Hz, GLOBAL_POSITION_INT and ATTITUDE at `rateHz`, GPS_RAW_INT at 1 Hz, and
 * CAMERA_FOV_STATUS from the camera component (compid 100) at 2 Hz.
 */
import type { MavLinkData } from 'node-mavlink';
import { encodeFrame } from '../gateways/mavlink/encode.js';
import { signingTimestampNow } from '../gateways/mavlink/signing.js';
import {
  attitude,
  cameraFovStatus,
  globalPositionInt,
  gpsRawInt,
  heartbeat,
  sysStatus,
} from './drone-messages.js';
import { bearing, distance, type Fix } from './motion.js';
import type { DroneUnitSpec } from './scenario.js';

const MAV_TYPE: Record<DroneUnitSpec['vehicle'], number> = {
  quadrotor: 2,
  hexarotor: 13,
  octorotor: 14,
  helicopter: 4,
  'fixed-wing': 1,
  vtol: 22,
  rover: 10,
};

export const CAMERA_COMPID = 100;

export interface DroneSender {
  (frame: Buffer): void;
}

/** Signing shared by all drones of a run: one key, one strictly increasing timestamp. */
export interface DroneSigning {
  key: Buffer;
  last: number;
}

export class SimDrone {
  private seq = 0;
  private camSeq = 0;
  private lastSlow = -Infinity;
  private lastCam = -Infinity;
  private readonly bootWall = Date.now();

  constructor(
    readonly spec: DroneUnitSpec,
    readonly sysid: number,
    readonly compid: number,
    private readonly send: DroneSender,
    private readonly signing: DroneSigning | undefined,
  ) {}

  private frame(msg: MavLinkData, compid = this.compid): Buffer {
    const seq = compid === this.compid ? this.seq++ : this.camSeq++;
    if (this.signing) {
      this.signing.last = Math.max(this.signing.last + 1, signingTimestampNow());
      return encodeFrame(msg, {
        sysid: this.sysid,
        compid,
        seq,
        sign: { key: this.signing.key, linkId: 0, timestamp: this.signing.last },
      });
    }
    return encodeFrame(msg, { sysid: this.sysid, compid, seq, version: this.spec.mavlinkV1 ? 1 : 2 });
  }

  /** One telemetry tick at scenario time `t` (seconds) with the drone at `fix`. */
  tick(t: number, fix: Fix, wallNow: number): void {
    const s = this.spec;
    const timeBootMs = wallNow - this.bootWall;
    const altMsl = s.ground + s.height;
    const rad = (fix.course * Math.PI) / 180;
    const tel = {
      lat: fix.lat,
      lon: fix.lon,
      altMsl,
      relativeAlt: s.height,
      vn: fix.speed * Math.cos(rad),
      ve: fix.speed * Math.sin(rad),
      vd: 0,
      heading: fix.course,
      timeBootMs,
    };
    if (wallNow - this.lastSlow >= 1000) {
      this.lastSlow = wallNow;
      this.send(this.frame(heartbeat(MAV_TYPE[s.vehicle])));
      const battery = Math.max(0, s.battery.start - (s.battery.drainPerMinute * t) / 60);
      this.send(this.frame(sysStatus(battery, 14.8 + (battery / 100) * 2)));
      this.send(this.frame(gpsRawInt(tel)));
    }
    // A fixed wing banks into its orbit; a multirotor flies level.
    const roll =
      s.vehicle === 'fixed-wing' && s.motion.kind === 'orbit' ? (s.motion.clockwise ? 20 : -20) : 0;
    this.send(this.frame(attitude(roll, 2, fix.course, timeBootMs)));
    this.send(this.frame(globalPositionInt(tel)));
    if (s.camera && !s.mavlinkV1 && wallNow - this.lastCam >= 500) {
      this.lastCam = wallNow;
      let yawDeg = fix.course;
      let pitchDeg = s.camera.pitch;
      if (s.camera.target) {
        const target = { lat: s.camera.target[0], lon: s.camera.target[1] };
        yawDeg = bearing(fix, target);
        pitchDeg = -(Math.atan2(s.height, Math.max(1, distance(fix, target))) * 180) / Math.PI;
      }
      const fov = cameraFovStatus(tel, {
        yawDeg,
        pitchDeg,
        hfov: s.camera.hfov,
        vfov: s.camera.vfov,
        groundMsl: s.ground,
      });
      this.send(this.frame(fov, CAMERA_COMPID));
    }
  }
}
