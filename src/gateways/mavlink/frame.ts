/**
 * Splits one UDP datagram into MAVLink v1/v2 frames and checks each frame's CRC with node-mavlink's X.25 CRC and
 * CRC_EXTRA table. Datagrams are split on their own (no bytes carried over to the next datagram) because on UDP
 * every datagram comes whole, and carrying a torn tail across would glue bytes of two different vehicles together.
 * node-mavlink's stream splitter does carry bytes over, so it is not used here; its header/payload/CRC primitives
 * are.
 */
import { MSG_ID_MAGIC_NUMBER, x25crc } from 'node-mavlink';

export const STX_V1 = 0xfe;
export const STX_V2 = 0xfd;
const V1_HEADER = 6;
const V2_HEADER = 10;
const CRC_LEN = 2;
export const SIGNATURE_LEN = 13;
/** incompat_flags bit: the frame carries a 13-byte signature. */
export const IFLAG_SIGNED = 0x01;

/** One CRC-checked frame. `payload` is a view into the datagram, as sent (v2 may be zero-truncated). */
export interface Frame {
  version: 1 | 2;
  /** The whole frame from STX to the end of the signature: a view into the datagram. */
  bytes: Buffer;
  seq: number;
  sysid: number;
  compid: number;
  msgid: number;
  incompat: number;
  payload: Buffer;
  signed: boolean;
}

/** Why bytes were skipped: each reason is counted by the gateway. */
export type SkipReason = 'garbage' | 'truncated' | 'crc' | 'unknown-msg' | 'incompat-flags';

/**
 * Scan a datagram. `onFrame` gets every frame whose CRC is right; `onSkip` gets each run of bytes that was not one.
 * Never throws on any input.
 */
export function scanDatagram(
  buf: Buffer,
  onFrame: (f: Frame) => void,
  onSkip: (reason: SkipReason, offset: number) => void,
): void {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const stx = buf[i];
    if (stx !== STX_V1 && stx !== STX_V2) {
      const next = nextStx(buf, i + 1);
      onSkip('garbage', i);
      i = next;
      continue;
    }
    const v2 = stx === STX_V2;
    const headerLen = v2 ? V2_HEADER : V1_HEADER;
    if (i + headerLen + CRC_LEN > n) {
      onSkip('truncated', i);
      return;
    }
    const len = buf[i + 1]!;
    const incompat = v2 ? buf[i + 2]! : 0;
    const signed = (incompat & IFLAG_SIGNED) !== 0;
    const total = headerLen + len + CRC_LEN + (signed ? SIGNATURE_LEN : 0);
    if (i + total > n) {
      // A torn frame, or a stray STX byte inside garbage: resync on the next STX.
      onSkip('truncated', i);
      i = nextStx(buf, i + 1);
      continue;
    }
    const msgid = v2 ? buf[i + 7]! | (buf[i + 8]! << 8) | (buf[i + 9]! << 16) : buf[i + 5]!;
    const magic = (MSG_ID_MAGIC_NUMBER as Record<number, number | undefined>)[msgid];
    if (magic === undefined) {
      // Unknown message: its CRC cannot be checked, so its length cannot be trusted either; resync.
      onSkip('unknown-msg', i);
      i = nextStx(buf, i + 1);
      continue;
    }
    const crcEnd = i + headerLen + len;
    const crc = buf[crcEnd]! | (buf[crcEnd + 1]! << 8);
    const frameBytes = buf.subarray(i, i + total);
    const want = x25crc(frameBytes, 1, CRC_LEN + (signed ? SIGNATURE_LEN : 0), magic);
    if (crc !== want) {
      onSkip('crc', i);
      i = nextStx(buf, i + 1);
      continue;
    }
    if (incompat & ~IFLAG_SIGNED) {
      // The spec: a receiver must drop frames with incompatibility flags it does not understand.
      onSkip('incompat-flags', i);
      i += total;
      continue;
    }
    onFrame({
      version: v2 ? 2 : 1,
      bytes: frameBytes,
      seq: buf[i + (v2 ? 4 : 2)]!,
      sysid: buf[i + (v2 ? 5 : 3)]!,
      compid: buf[i + (v2 ? 6 : 4)]!,
      msgid,
      incompat,
      payload: buf.subarray(i + headerLen, crcEnd),
      signed,
    });
    i += total;
  }
}

function nextStx(buf: Buffer, from: number): number {
  for (let j = from; j < buf.length; j++) {
    const b = buf[j];
    if (b === STX_V1 || b === STX_V2) return j;
  }
  return buf.length;
}
