/**
 * The MAVLink messages the gateway reads, decoded with node-mavlink's generated classes. Everything else that
 * passes the CRC is counted and ignored.
 */
import {
  MavLinkProtocolV2,
  common,
  minimal,
  type MavLinkData,
  type MavLinkDataConstructor,
} from 'node-mavlink';
import type { Frame } from './frame.js';

/** The classes the gateway consumes, by message id. */
export const HANDLED: Record<number, MavLinkDataConstructor<MavLinkData>> = {
  [minimal.Heartbeat.MSG_ID]: minimal.Heartbeat,
  [common.SysStatus.MSG_ID]: common.SysStatus,
  [common.GpsRawInt.MSG_ID]: common.GpsRawInt,
  [common.Attitude.MSG_ID]: common.Attitude,
  [common.GlobalPositionInt.MSG_ID]: common.GlobalPositionInt,
  [common.BatteryStatus.MSG_ID]: common.BatteryStatus,
  [common.HomePosition.MSG_ID]: common.HomePosition,
  [common.MountOrientation.MSG_ID]: common.MountOrientation,
  [common.VideoStreamInformation.MSG_ID]: common.VideoStreamInformation,
  [common.CameraInformation.MSG_ID]: common.CameraInformation,
  [common.CameraFovStatus.MSG_ID]: common.CameraFovStatus,
  [common.GimbalDeviceAttitudeStatus.MSG_ID]: common.GimbalDeviceAttitudeStatus,
};

// node-mavlink's data() does not depend on the protocol version: one shared decoder.
const decoder = new MavLinkProtocolV2();

/**
 * Decode a frame's payload, or return undefined if the gateway does not use this message. v2 payloads arrive with
 * trailing zeros truncated; they are zero-filled back to full length here, as the spec requires.
 */
export function decodeFrame(frame: Frame): MavLinkData | undefined {
  const clazz = HANDLED[frame.msgid];
  if (!clazz) return undefined;
  // One zero-filled scratch buffer per message type: data() copies every value out, so reuse is safe and saves
  // an allocation per frame on the hot path.
  let full = scratch.get(clazz);
  if (!full) {
    full = Buffer.alloc(Math.max(255, clazz.PAYLOAD_LENGTH));
    scratch.set(clazz, full);
  }
  const n = frame.payload.copy(full);
  full.fill(0, n);
  return decoder.data(full.subarray(0, Math.max(clazz.PAYLOAD_LENGTH, n)), clazz);
}

const scratch = new Map<MavLinkDataConstructor<MavLinkData>, Buffer>();

export { common, minimal };
