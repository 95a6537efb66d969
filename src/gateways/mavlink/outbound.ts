/**
 * What the gateway sends: a GCS HEARTBEAT to each configured ground-control endpoint, so routers and autopilots
 * that only talk to peers they have heard from ("udpin") start streaming telemetry to us; and the request for a
 * camera's video streams, signed with the camera's key when its link signs (MAVLink 2 signing).
 */
import { common, minimal } from 'node-mavlink';
import type { MavlinkConfig } from './config.js';
import { encodeFrame } from './encode.js';
import { signingKeyBytes, signingTimestampNow } from './signing.js';

/** MAV_COMP_ID_MISSIONPLANNER under the conventional GCS system id. */
const GCS_SYSID = 255;
const GCS_COMPID = 190;
let lastTs = 0;

export function gcsHeartbeat(seq: number, signing: MavlinkConfig['signing'], nowMs: number): Buffer {
  const hb = new minimal.Heartbeat();
  hb.type = minimal.MavType.GCS;
  hb.autopilot = minimal.MavAutopilot.INVALID;
  hb.baseMode = 0 as minimal.MavModeFlag;
  hb.customMode = 0;
  hb.systemStatus = minimal.MavState.ACTIVE;
  hb.mavlinkVersion = 3;
  const key = signing.keys[0];
  if (!key) return encodeFrame(hb, { sysid: GCS_SYSID, compid: GCS_COMPID, seq });
  return encodeFrame(hb, { sysid: GCS_SYSID, compid: GCS_COMPID, seq, sign: signWith(key, nowMs) });
}

type SigningKey = MavlinkConfig['signing']['keys'][number];

/** Our signing stream (GCS sysid/compid, link 0): one strictly increasing timestamp for every frame we sign. */
function signWith(key: SigningKey, nowMs: number) {
  lastTs = Math.max(lastTs + 1, signingTimestampNow(nowMs));
  return { key: signingKeyBytes(key), linkId: 0, timestamp: lastTs };
}

/**
 * COMMAND_LONG MAV_CMD_REQUEST_MESSAGE (512) for VIDEO_STREAM_INFORMATION (269), all streams, to one camera;
 * signed with `key` when given (the key the camera's link signs with).
 */
export function requestVideoStreams(
  seq: number,
  targetSystem: number,
  targetComponent: number,
  key?: SigningKey,
  nowMs = Date.now(),
): Buffer {
  const c = new common.CommandLong();
  c.targetSystem = targetSystem;
  c.targetComponent = targetComponent;
  c.command = 512 as common.MavCmd;
  c.confirmation = 0;
  c._param1 = 269;
  c._param2 = 0;
  if (!key) return encodeFrame(c, { sysid: GCS_SYSID, compid: GCS_COMPID, seq });
  return encodeFrame(c, { sysid: GCS_SYSID, compid: GCS_COMPID, seq, sign: signWith(key, nowMs) });
}
