/**
 * ST 0601 encoder for what this hub makes itself (the demo camera, the test-stream generator, benchmarks): a
 * packet from named values with the mappings of st0601-tags.ts, the checksum appended. The decoder's tests use a
 * separate, hand-written encoder; this one is checked by round trip.
 */
import { UAS_DATALINK_KEY, st0601Checksum } from './st0601.js';
import { ST0601_TAGS } from './st0601-tags.js';

/** Size in bytes of each mapped tag when encoded (the standard's lengths). */
const SIZE: Record<number, number> = {
  5: 2,
  6: 2,
  7: 2,
  13: 4,
  14: 4,
  15: 2,
  16: 2,
  17: 2,
  18: 4,
  19: 4,
  20: 4,
  21: 4,
  22: 2,
  23: 4,
  24: 4,
  25: 2,
  26: 2,
  27: 2,
  28: 2,
  29: 2,
  30: 2,
  31: 2,
  32: 2,
  33: 2,
  35: 2,
  36: 1,
  37: 2,
  38: 2,
  40: 4,
  41: 4,
  42: 2,
  45: 2,
  46: 2,
  49: 2,
  50: 2,
  51: 2,
  52: 2,
  53: 2,
  54: 2,
  55: 1,
  57: 4,
  58: 2,
  64: 2,
  67: 4,
  68: 4,
  69: 2,
  71: 2,
  75: 2,
  76: 2,
  78: 2,
  79: 2,
  80: 2,
  82: 4,
  83: 4,
  84: 4,
  85: 4,
  86: 4,
  87: 4,
  88: 4,
  89: 4,
  90: 4,
  91: 4,
  92: 4,
  93: 4,
  8: 1,
  9: 1,
  56: 1,
  65: 1,
  34: 1,
  39: 1,
  47: 1,
  60: 2,
  61: 2,
  62: 2,
  63: 1,
  77: 1,
  43: 1,
  44: 1,
};

const BY_NAME = new Map([...ST0601_TAGS].map(([tag, spec]) => [spec.name, { tag, spec }]));

function berLength(n: number): number[] {
  if (n < 128) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

function tagBytes(tag: number): number[] {
  const out = [tag & 0x7f];
  for (let v = tag >>> 7; v > 0; v >>>= 7) out.unshift(0x80 | (v & 0x7f));
  return out;
}

function intBytes(v: number, n: number): number[] {
  let x = v < 0 ? 2 ** (8 * n) + v : v;
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = x % 256;
    x = Math.floor(x / 256);
  }
  return out;
}

function valueBytes(tag: number, value: number | string): number[] | undefined {
  const spec = ST0601_TAGS.get(tag)!;
  const c = spec.codec;
  if (c.kind === 'text') return [...new TextEncoder().encode(String(value))];
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (c.kind === 'time') return intBytes(Math.round(value), 8);
  const n = SIZE[tag];
  if (!n) return undefined;
  switch (c.kind) {
    case 'uint':
      return intBytes(Math.max(0, Math.min(2 ** (8 * n) - 1, Math.round(value / (c.scale ?? 1)))), n);
    case 'int':
      return intBytes(Math.round(value), n);
    case 'u': {
      const clamped = Math.max(c.min, Math.min(c.max, value));
      return intBytes(Math.round(((clamped - c.min) / (c.max - c.min)) * (2 ** (8 * n) - 1)), n);
    }
    case 's': {
      const max = 2 ** (8 * n - 1) - 1;
      return intBytes(Math.max(-max, Math.min(max, Math.round((value / c.range) * max))), n);
    }
    default:
      return undefined;
  }
}

/** Encode a UAS Datalink packet; values by the names of st0601-tags.ts (unknown names are skipped). */
export function encodeUasDatalink(
  values: Record<string, number | string>,
  extra: Uint8Array[] = [],
): Uint8Array {
  const items: number[] = [];
  const ordered = Object.entries(values)
    .map(([name, v]) => ({ e: BY_NAME.get(name), v }))
    .filter((x) => x.e)
    .sort((a, b) => (a.e!.tag === 2 ? -1 : b.e!.tag === 2 ? 1 : a.e!.tag - b.e!.tag));
  for (const { e, v } of ordered) {
    const bytes = valueBytes(e!.tag, v);
    if (!bytes) continue;
    items.push(...tagBytes(e!.tag), ...berLength(bytes.length), ...bytes);
  }
  for (const x of extra) items.push(...x);
  const length = items.length + 4;
  const packet = new Uint8Array(16 + berLength(length).length + length);
  packet.set(UAS_DATALINK_KEY, 0);
  const len = berLength(length);
  packet.set(len, 16);
  packet.set(items, 16 + len.length);
  packet.set([0x01, 0x02], packet.length - 4);
  const sum = st0601Checksum(packet);
  packet[packet.length - 2] = sum >> 8;
  packet[packet.length - 1] = sum & 0xff;
  return packet;
}

/** An ST 0102 security set as a tag-48 item to pass as `extra`. */
export function securityItem(classification: number, releasing?: string): Uint8Array {
  const text = (tag: number, s: string) => {
    const b = [...new TextEncoder().encode(s)];
    return [tag, ...berLength(b.length), ...b];
  };
  const body = [1, 1, classification, 2, 1, 7, ...(releasing ? text(6, releasing) : []), 22, 2, 0, 12];
  return Uint8Array.from([48, ...berLength(body.length), ...body]);
}
