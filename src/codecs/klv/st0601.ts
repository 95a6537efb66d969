/**
 * MISB ST 0601 UAS Datalink Local Set decoder: key check, checksum (16-bit sum of big-endian words from the key up to
 * and including the checksum item's tag and length; tag 1 must be last), then each item by its tag's encoding
 * (st0601-tags.ts). Nested sets: tag 48 (ST 0102 security), tag 74 (ST 0903 VMTI). Unknown tags are kept as hex.
 */
import { readLocalSet, sameKey, splitKlv, toHex, type KlvFault, type KlvPacket } from './ber.js';
import { decodeSecurity, type SecurityMetadata } from './st0102.js';
import { ST0601_TAGS, type TagCodec } from './st0601-tags.js';
import { decodeVmti, type VmtiSet } from './st0903.js';
import { imapb, int, mapSigned, mapUnsigned, text, uint } from './values.js';

export const UAS_DATALINK_KEY = [
  0x06, 0x0e, 0x2b, 0x34, 0x02, 0x0b, 0x01, 0x01, 0x0e, 0x01, 0x03, 0x01, 0x01, 0x00, 0x00, 0x00,
] as const;

export type St0601Fault = KlvFault | 'checksum' | 'security' | 'vmti';

export interface UasDatalink {
  /** Decoded items by name (see st0601-tags.ts); numbers in degrees, metres, m/s; times in µs since 1970. */
  values: Record<string, number | string>;
  security?: SecurityMetadata;
  vmti?: VmtiSet;
  /** Items with no mapping here (or a value of the wrong size), kept verbatim. */
  unknown: { tag: number; hex: string }[];
  checksum: number;
}

/** The ST 0601 checksum of a whole packet (everything but its last two bytes). */
export function st0601Checksum(packet: Uint8Array): number {
  let sum = 0;
  const end = packet.length - 2;
  for (let i = 0; i < end; i++) sum += (i & 1) === 0 ? packet[i]! << 8 : packet[i]!;
  return sum & 0xffff;
}

function decodeValue(c: TagCodec, v: Uint8Array): number | string | undefined {
  switch (c.kind) {
    case 'text':
      return text(v);
    case 'uint':
      return v.length > 6 ? undefined : uint(v) * (c.scale ?? 1);
    case 'int':
      return v.length > 6 ? undefined : int(v);
    case 'u':
      return v.length > 6 ? undefined : mapUnsigned(v, c.min, c.max);
    case 's':
      return v.length > 6 ? undefined : mapSigned(v, c.range);
    case 'imapb':
      return imapb(v, c.min, c.max);
    case 'time':
      return v.length === 8 ? uint(v) : undefined;
  }
}

export type Decoded<T, F> = { ok: true; value: T } | { ok: false; fault: F };

/** Decode one ST 0601 packet (key already known to be the UAS Datalink key). */
export function decodeUasDatalink(p: KlvPacket): Decoded<UasDatalink, St0601Fault> {
  const r = readLocalSet(p.value);
  if (r.fault) return { ok: false, fault: r.fault };
  const last = r.items[r.items.length - 1];
  if (!last || last.tag !== 1 || last.value.length !== 2 || last.offset + 4 !== p.value.length)
    return { ok: false, fault: 'checksum' };
  const stored = (last.value[0]! << 8) | last.value[1]!;
  if (st0601Checksum(p.packet) !== stored) return { ok: false, fault: 'checksum' };
  const out: UasDatalink = { values: {}, unknown: [], checksum: stored };
  for (const it of r.items) {
    if (it.tag === 1) continue;
    if (it.tag === 48) {
      const s = decodeSecurity(it.value);
      if (!s.ok) return { ok: false, fault: 'security' };
      out.security = s.value;
      continue;
    }
    if (it.tag === 74) {
      const m = decodeVmti(it.value);
      if (!m.ok) return { ok: false, fault: 'vmti' };
      out.vmti = m.value;
      continue;
    }
    const spec = ST0601_TAGS.get(it.tag);
    const value = spec ? decodeValue(spec.codec, it.value) : undefined;
    if (spec && value !== undefined) out.values[spec.name] = value;
    else if (!spec || it.value.length > 6) out.unknown.push({ tag: it.tag, hex: toHex(it.value) });
    // A known item whose value is "out of range / error" is simply absent.
  }
  return { ok: true, value: out };
}

export interface KlvPayloadResult {
  sets: UasDatalink[];
  /** Faults met, one per bad packet (and one if the payload could not be framed to its end). */
  faults: St0601Fault[];
  /** Keys (hex) of well-framed packets that are not ST 0601 (other MISB sets), kept for the record. */
  otherKeys: string[];
}

/** Decode every KLV packet in a metadata PES payload. */
export function decodeKlvPayload(bytes: Uint8Array): KlvPayloadResult {
  const out: KlvPayloadResult = { sets: [], faults: [], otherKeys: [] };
  const split = splitKlv(bytes);
  for (const p of split.packets) {
    if (!sameKey(p.key, UAS_DATALINK_KEY)) {
      out.otherKeys.push(toHex(p.key));
      continue;
    }
    const d = decodeUasDatalink(p);
    if (d.ok) out.sets.push(d.value);
    else out.faults.push(d.fault);
  }
  if (split.fault) out.faults.push(split.fault);
  return out;
}
