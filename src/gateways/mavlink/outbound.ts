/**
 * What the gateway sends: a GCS HEARTBEAT to each configured ground-control endpoint, so routers and autopilots
 * that only talk to peers they have heard from ("udpin") start streaming telemetry to us.
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
  lastTs = Math.max(lastTs + 1, signingTimestampNow(nowMs));
  return encodeFrame(hb, {
    sysid: GCS_SYSID,
    compid: GCS_COMPID,
    seq,
    sign: { key: signingKeyBytes(key), linkId: 0, timestamp: lastTs },
  });
}

/** COMMAND_LONG MAV_CMD_REQUEST_MESSAGE (512) for VIDEO_STREAM_INFORMATION (269), all streams, to one camera. */
export function requestVideoStreams(seq: number, targetSystem: number, targetComponent: number): Buffer {
  const c = new common.CommandLong();
  c.targetSystem = targetSystem;
  c.targetComponent = targetComponent;
  c.command = 512 as common.MavCmd;
  c.confirmation = 0;
  c._param1 = 269;
  c._param2 = 0;
  return encodeFrame(c, { sysid: GCS_SYSID, compid: GCS_COMPID, seq });
}
