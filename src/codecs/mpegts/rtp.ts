/**
 * RTP (RFC 3550) carrying MPEG-2 TS (RFC 2250, payload type 33): strip the RTP header (CSRCs, extension, padding)
 * so the TS packets inside can be demuxed. A datagram that starts with the TS sync byte is plain TS over UDP.
 */

export type Unwrapped = { ok: true; ts: Uint8Array; seq?: number } | { ok: false; reason: 'rtp-malformed' };

/** Plain TS when the datagram starts with 0x47 and is a whole number of packets; RTP when the version is 2. */
export function unwrapDatagram(d: Uint8Array): Unwrapped {
  if (d.length > 0 && d[0] === 0x47 && d.length % 188 === 0) return { ok: true, ts: d };
  if (d.length < 12 || d[0]! >> 6 !== 2) return { ok: false, reason: 'rtp-malformed' };
  const csrc = d[0]! & 0x0f;
  const padding = (d[0]! & 0x20) !== 0;
  const extension = (d[0]! & 0x10) !== 0;
  let off = 12 + 4 * csrc;
  if (extension) {
    if (off + 4 > d.length) return { ok: false, reason: 'rtp-malformed' };
    off += 4 + 4 * ((d[off + 2]! << 8) | d[off + 3]!);
  }
  let end = d.length;
  if (padding) end -= d[d.length - 1]!;
  if (off > end) return { ok: false, reason: 'rtp-malformed' };
  return { ok: true, ts: d.subarray(off, end), seq: (d[2]! << 8) | d[3]! };
}
