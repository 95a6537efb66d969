/**
 * What the gateway sends: a GCS HEARTBEAT to each configured ground-control endpoint, so routers and autopilots
 * that only talk to peers they have heard from ("udpin") start streaming telemetry to us.
 */
import { minimal } from 'node-mavlink';
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
