/**
 * MISB ST 0903 VMTI (Video Moving Target Indicator) local set, as nested in ST 0601 tag 74: the header items and,
 * per detected target of the VTarget series (tag 101), its id, pixel centroid, confidence and ground location
 * (tag 17 location pack: latitude, longitude, height by ST 1201 IMAPB; or tags 10/11 offsets from the frame centre).
 */
import { readBerLength, readBerOid, readLocalSet, toHex, type KlvFault } from './ber.js';
import { imapb, text, uint } from './values.js';

export interface VmtiTarget {
  id: number;
  centroidPixel?: number;
  confidence?: number;
  priority?: number;
  lat?: number;
  lon?: number;
  hae?: number;
  /** Offsets from the frame centre in degrees (when the absolute location is absent). */
  latOffset?: number;
  lonOffset?: number;
}

export interface VmtiSet {
  systemName?: string;
  version?: number;
  totalTargets?: number;
  reportedTargets?: number;
  frameNumber?: number;
  frameWidth?: number;
  frameHeight?: number;
  sourceSensor?: string;
  targets: VmtiTarget[];
  other: { tag: number; hex: string }[];
}

function target(pack: Uint8Array): VmtiTarget | undefined {
  const id = readBerOid(pack, 0, pack.length);
  if (!id.ok) return undefined;
  const items = readLocalSet(pack.subarray(id.next));
  if (items.fault) return undefined;
  const t: VmtiTarget = { id: id.value };
  for (const it of items.items) {
    const v = it.value;
    if (it.tag === 1 && v.length <= 6) t.centroidPixel = uint(v);
    else if (it.tag === 4 && v.length === 1) t.priority = uint(v);
    else if (it.tag === 5 && v.length === 1) t.confidence = uint(v);
    else if (it.tag === 10) t.latOffset = imapb(v, -19.2, 19.2);
    else if (it.tag === 11) t.lonOffset = imapb(v, -19.2, 19.2);
    else if (it.tag === 12) t.hae = imapb(v, -900, 19000);
    else if (it.tag === 17 && v.length >= 10) {
      t.lat = imapb(v.subarray(0, 4), -90, 90);
      t.lon = imapb(v.subarray(4, 8), -180, 180);
      t.hae = imapb(v.subarray(8, 10), -900, 19000);
    }
  }
  return t;
}

/** Targets of a VTarget series: packs each preceded by a BER length. */
function series(v: Uint8Array): VmtiTarget[] | undefined {
  const out: VmtiTarget[] = [];
  let o = 0;
  while (o < v.length) {
    const len = readBerLength(v, o, v.length);
    if (!len.ok || len.next + len.value > v.length) return undefined;
    const t = target(v.subarray(len.next, len.next + len.value));
    if (!t) return undefined;
    out.push(t);
    o = len.next + len.value;
  }
  return out;
}

export function decodeVmti(v: Uint8Array): { ok: true; value: VmtiSet } | { ok: false; fault: KlvFault } {
  const r = readLocalSet(v);
  if (r.fault) return { ok: false, fault: r.fault };
  const s: VmtiSet = { targets: [], other: [] };
  for (const it of r.items) {
    const n = it.value.length <= 6 ? uint(it.value) : undefined;
    if (it.tag === 3) s.systemName = text(it.value);
    else if (it.tag === 4) s.version = n;
    else if (it.tag === 5) s.totalTargets = n;
    else if (it.tag === 6) s.reportedTargets = n;
    else if (it.tag === 7) s.frameNumber = n;
    else if (it.tag === 8) s.frameWidth = n;
    else if (it.tag === 9) s.frameHeight = n;
    else if (it.tag === 10) s.sourceSensor = text(it.value);
    else if (it.tag === 101) {
      const t = series(it.value);
      if (!t) return { ok: false, fault: 'truncated' };
      s.targets = t;
    } else s.other.push({ tag: it.tag, hex: toHex(it.value) });
  }
  return { ok: true, value: s };
}
