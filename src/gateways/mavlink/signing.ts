/**
 * MAVLink 2 message signing: checks the 6-byte truncated SHA-256 signature with the configured keys and the
 * timestamp rules of the signing spec, as the official C library (mavlink_signature_check) applies them:
 * - a stream is (sysid, compid, link id); a new stream is refused only when its timestamp is more than
 *   `maxSkewSeconds` (the spec's one minute) behind our timestamp; it may be ahead of our clock;
 * - on a known stream a timestamp equal to or lower than the last accepted one is a replay;
 * - our timestamp is the later of our clock and the newest timestamp accepted.
 * Once signed, always signed: a sysid listed under a key, or one that has sent a validly signed frame, may not send
 * unsigned frames any more (refused as 'unsigned' even when signing is not required), so nobody can move a signed
 * drone with unsigned frames. Signature bytes are read with node-mavlink's MavLinkPacketSignature so the layout is
 * the library's, not ours.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { MavLinkPacketSignature } from 'node-mavlink';
import type { Frame } from './frame.js';
import type { MavlinkConfig } from './config.js';

/** 2015-01-01T00:00:00Z: the signing epoch. Timestamps count 10 µs units from it. */
export const SIGNING_EPOCH_MS = Date.UTC(2015, 0, 1);

/** Result of checking one frame. Rejections carry a reason that the gateway counts. */
export type SigningVerdict =
  | { ok: true; signed: false }
  | { ok: true; signed: true; keyId: string | undefined }
  | { ok: false; reason: 'unsigned' | 'bad-signature' | 'old-timestamp' | 'replay' | 'key-not-for-sysid' };

/** MAVLink system ids are one byte: the set of signed systems is bounded by that. */
const SYSIDS = 256;

interface Key {
  id: string;
  key: Buffer;
  sysids: Set<number>;
}

/** Turn the configured key (hex or passphrase) into the 32 secret bytes. */
export function signingKeyBytes(k: { hex?: string | undefined; passphrase?: string | undefined }): Buffer {
  if (k.hex) return Buffer.from(k.hex, 'hex');
  return MavLinkPacketSignature.key(k.passphrase ?? '');
}

/** Current time as a signing timestamp (10 µs units since 2015). */
export function signingTimestampNow(nowMs = Date.now()): number {
  return Math.floor((nowMs - SIGNING_EPOCH_MS) * 100);
}

const MAX_STREAMS = 65_536;

export class SignatureVerifier {
  private readonly keys: Key[];
  private readonly required: boolean;
  private readonly maxSkew: number;
  /** Last accepted timestamp per stream (sysid, compid, link id). Bounded: oldest stream evicted. */
  private readonly streams = new Map<number, number>();
  /** Systems that must sign: listed under a key, or seen signing once (index = sysid). */
  private readonly mustSign = new Uint8Array(SYSIDS);
  /** The newest timestamp accepted from anyone (the C library's signing->timestamp beyond our clock). */
  private newest = 0;

  constructor(
    cfg: MavlinkConfig['signing'],
    private readonly now: () => number = Date.now,
  ) {
    this.keys = cfg.keys.map((k) => ({ id: k.id, key: signingKeyBytes(k), sysids: new Set(k.sysids) }));
    this.required = cfg.requireSigning;
    this.maxSkew = cfg.maxSkewSeconds * 100_000;
    for (const k of this.keys) for (const id of k.sysids) this.mustSign[id] = 1;
  }

  /** True when `sysid` may no longer send unsigned frames. */
  signsAlways(sysid: number): boolean {
    return this.mustSign[sysid] === 1;
  }

  get requireSigning(): boolean {
    return this.required;
  }

  check(frame: Frame): SigningVerdict {
    if (!frame.signed) {
      return this.required || this.mustSign[frame.sysid] === 1
        ? { ok: false, reason: 'unsigned' }
        : { ok: true, signed: false };
    }
    // With no keys we cannot check anything: the spec lets a non-signing receiver accept signed frames.
    if (this.keys.length === 0) {
      return this.required
        ? { ok: false, reason: 'bad-signature' }
        : { ok: true, signed: true, keyId: undefined };
    }
    const sig = new MavLinkPacketSignature(frame.bytes);
    const body = frame.bytes.subarray(0, frame.bytes.length - 6);
    const got = frame.bytes.subarray(frame.bytes.length - 6);
    let matched: Key | undefined;
    for (const k of this.keys) {
      const want = createHash('sha256').update(k.key).update(body).digest().subarray(0, 6);
      if (timingSafeEqual(want, got)) {
        matched = k;
        break;
      }
    }
    if (!matched) return { ok: false, reason: 'bad-signature' };
    if (matched.sysids.size > 0 && !matched.sysids.has(frame.sysid)) {
      return { ok: false, reason: 'key-not-for-sysid' };
    }
    const ts = sig.timestamp;
    const streamKey = (frame.sysid << 16) | (frame.compid << 8) | sig.linkId;
    const last = this.streams.get(streamKey);
    if (last === undefined) {
      const ours = Math.max(signingTimestampNow(this.now()), this.newest);
      if (ts + this.maxSkew < ours) return { ok: false, reason: 'old-timestamp' };
    } else {
      if (ts <= last) return { ok: false, reason: 'replay' };
      this.streams.delete(streamKey);
    }
    if (this.streams.size >= MAX_STREAMS) {
      const oldest = this.streams.keys().next().value;
      if (oldest !== undefined) this.streams.delete(oldest);
    }
    this.streams.set(streamKey, ts);
    if (ts > this.newest) this.newest = ts;
    this.mustSign[frame.sysid] = 1;
    return { ok: true, signed: true, keyId: matched.id };
  }
}
