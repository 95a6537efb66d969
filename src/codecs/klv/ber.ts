/**
 * SMPTE 336 KLV primitives: BER lengths (short form 0–127, long form 0x80|n followed by n big-endian bytes),
 * BER-OID tags (7 bits per byte, high bit = more), and splitting a byte run into KLV packets (16-byte universal
 * label key, BER length, value). Every reader returns a result instead of throwing on bad input.
 */

export type KlvFault = 'length' | 'truncated' | 'tag';

export type Read<T> = { ok: true; value: T; next: number } | { ok: false; fault: KlvFault };

/** Longest length this hub accepts (a KLV packet in a PES is at most 64 KiB; a long form claiming 2^60 is bad). */
export const MAX_KLV_LENGTH = 65_535;

/** Read a BER length at `o`, never beyond `end`. */
export function readBerLength(b: Uint8Array, o: number, end: number): Read<number> {
  if (o >= end) return { ok: false, fault: 'truncated' };
  const first = b[o]!;
  if (first < 0x80) return { ok: true, value: first, next: o + 1 };
  const n = first & 0x7f;
  if (n === 0 || n > 8) return { ok: false, fault: 'length' }; // indefinite or absurd
  if (o + 1 + n > end) return { ok: false, fault: 'truncated' };
  let v = 0;
  for (let i = 0; i < n; i++) {
    v = v * 256 + b[o + 1 + i]!;
    if (v > MAX_KLV_LENGTH) return { ok: false, fault: 'length' };
  }
  return { ok: true, value: v, next: o + 1 + n };
}

/** Read a BER-OID encoded tag (at most 4 bytes, i.e. tags below 2^28). */
export function readBerOid(b: Uint8Array, o: number, end: number): Read<number> {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    if (o + i >= end) return { ok: false, fault: 'truncated' };
    const x = b[o + i]!;
    v = v * 128 + (x & 0x7f);
    if ((x & 0x80) === 0) return { ok: true, value: v, next: o + i + 1 };
  }
  return { ok: false, fault: 'tag' };
}

export interface KlvPacket {
  key: Uint8Array;
  /** The whole packet (key, length and value), for checksums that start at the key. */
  packet: Uint8Array;
  value: Uint8Array;
}

/**
 * Split back-to-back KLV packets. Stops at the first fault (the rest of the buffer cannot be framed) and reports it
 * next to the packets read so far.
 */
export function splitKlv(b: Uint8Array): { packets: KlvPacket[]; fault?: KlvFault } {
  const packets: KlvPacket[] = [];
  let o = 0;
  while (o < b.length) {
    if (o + 17 > b.length) return { packets, fault: 'truncated' };
    const len = readBerLength(b, o + 16, b.length);
    if (!len.ok) return { packets, fault: len.fault };
    const end = len.next + len.value;
    if (end > b.length) return { packets, fault: 'truncated' };
    packets.push({
      key: b.subarray(o, o + 16),
      packet: b.subarray(o, end),
      value: b.subarray(len.next, end),
    });
    o = end;
  }
  return { packets };
}

export interface LocalItem {
  tag: number;
  value: Uint8Array;
  /** Offset of the item's tag in the local set's value. */
  offset: number;
}

/** Items of a local set (BER-OID tag, BER length, value). */
export function readLocalSet(v: Uint8Array): { items: LocalItem[]; fault?: KlvFault } {
  const items: LocalItem[] = [];
  let o = 0;
  while (o < v.length) {
    const tag = readBerOid(v, o, v.length);
    if (!tag.ok) return { items, fault: tag.fault };
    const len = readBerLength(v, tag.next, v.length);
    if (!len.ok) return { items, fault: len.fault };
    if (len.next + len.value > v.length) return { items, fault: 'truncated' };
    items.push({ tag: tag.value, value: v.subarray(len.next, len.next + len.value), offset: o });
    o = len.next + len.value;
  }
  return { items };
}

export function sameKey(a: Uint8Array, b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}
