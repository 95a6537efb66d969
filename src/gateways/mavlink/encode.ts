/**
 * Building MAVLink frames with node-mavlink: v1 or v2, optionally signed. Used by the gateway's outbound GCS
 * heartbeat, the exercise simulator's drones, the tests and the bench, so all speak the library's bytes.
 */
import { MavLinkPacketSignature, MavLinkProtocolV1, MavLinkProtocolV2, type MavLinkData } from 'node-mavlink';
import { IFLAG_SIGNED, SIGNATURE_LEN } from './frame.js';

export interface SignOptions {
  key: Buffer;
  linkId: number;
  /** Signing timestamp in 10 µs units since 2015-01-01 (must increase per stream). */
  timestamp: number;
}

/** Serialise one message. v2 frames are zero-truncated by node-mavlink, as the spec requires. */
export function encodeFrame(
  msg: MavLinkData,
  o: { sysid: number; compid: number; seq: number; version?: 1 | 2; sign?: SignOptions },
): Buffer {
  if (o.version === 1) {
    if (o.sign) throw new Error('MAVLink v1 frames cannot be signed');
    return new MavLinkProtocolV1(o.sysid, o.compid).serialize(msg, o.seq & 0xff);
  }
  const flags = o.sign ? IFLAG_SIGNED : 0;
  const unsigned = new MavLinkProtocolV2(o.sysid, o.compid, flags).serialize(msg, o.seq & 0xff);
  if (!o.sign) return unsigned;
  // node-mavlink's sign() takes milliseconds; a stream needs finer, strictly increasing units, so the
  // signature block is filled here with the library's own signature class.
  const out = Buffer.concat([unsigned, Buffer.alloc(SIGNATURE_LEN)]);
  const sig = new MavLinkPacketSignature(out);
  sig.linkId = o.sign.linkId;
  sig.timestamp = o.sign.timestamp;
  sig.signature = sig.calculate(o.sign.key);
  return out;
}
