/**
 * Test-only KLV encoder, written apart from the decoder (forward maps, its own BER and checksum) so the tests check
 * the decoder against an independent implementation of MISB ST 0601 / ST 0102 / ST 0903.
 */

const UAS_KEY = [
  0x06, 0x0e, 0x2b, 0x34, 0x02, 0x0b, 0x01, 0x01, 0x0e, 0x01, 0x03, 0x01, 0x01, 0x00, 0x00, 0x00,
];

export function ber(n: number): number[] {
  if (n < 128) return [n];
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n % 256);
    n = Math.floor(n / 256);
  }
  return [0x80 | bytes.length, ...bytes];
}

export function oid(tag: number): number[] {
  const out = [tag & 0x7f];
  tag = Math.floor(tag / 128);
  while (tag > 0) {
    out.unshift(0x80 | (tag & 0x7f));
    tag = Math.floor(tag / 128);
  }
  return out;
}

export function be(v: number, bytes: number): number[] {
  const out: number[] = [];
  let x = v < 0 ? 2 ** (8 * bytes) + v : v;
  for (let i = 0; i < bytes; i++) {
    out.unshift(x % 256);
    x = Math.floor(x / 256);
  }
  return out;
}

/** value in [min,max] -> unsigned integer of `bytes` bytes. */
export const uMap = (v: number, min: number, max: number, bytes: number) =>
  be(Math.round(((v - min) / (max - min)) * (2 ** (8 * bytes) - 1)), bytes);
/** value in [-range,range] -> signed integer of `bytes` bytes. */
export const sMap = (v: number, range: number, bytes: number) =>
  be(Math.round((v / range) * (2 ** (8 * bytes - 1) - 1)), bytes);
export const str = (s: string) => [...Buffer.from(s, 'utf8')];

export const item = (tag: number, value: number[]) => [...oid(tag), ...ber(value.length), ...value];

/** A complete ST 0601 packet from items (checksum appended). */
export function uasPacket(items: number[][]): Uint8Array {
  const body = items.flat();
  const valueLen = body.length + 4; // + checksum item
  const head = [...UAS_KEY, ...ber(valueLen), ...body, 0x01, 0x02];
  let sum = 0;
  head.forEach((b, i) => (sum = (sum + (i % 2 === 0 ? b * 256 : b)) % 65536));
  return Uint8Array.from([...head, sum >> 8, sum & 0xff]);
}

export interface Telemetry {
  time: number; // µs
  tail?: string;
  heading: number;
  sensorLat: number;
  sensorLon: number;
  sensorHae: number;
  hfov: number;
  vfov: number;
  relAz: number;
  relEl: number;
  slant: number;
  fcLat: number;
  fcLon: number;
  fcHae: number;
  corners?: [number, number][];
  security?: { classification: number; releasing?: string };
}

/** A realistic packet as a drone sends it. */
export function telemetryPacket(t: Telemetry): Uint8Array {
  const items: number[][] = [
    item(2, be(t.time, 8)),
    ...(t.tail ? [item(4, str(t.tail)), item(10, str(t.tail))] : []),
    item(5, uMap(t.heading, 0, 360, 2)),
    item(13, sMap(t.sensorLat, 90, 4)),
    item(14, sMap(t.sensorLon, 180, 4)),
    item(16, uMap(t.hfov, 0, 180, 2)),
    item(17, uMap(t.vfov, 0, 180, 2)),
    item(18, uMap(t.relAz, 0, 360, 4)),
    item(19, sMap(t.relEl, 180, 4)),
    item(21, uMap(t.slant, 0, 5_000_000, 4)),
    item(23, sMap(t.fcLat, 90, 4)),
    item(24, sMap(t.fcLon, 180, 4)),
    item(65, [19]),
    item(75, uMap(t.sensorHae, -900, 19000, 2)),
    item(78, uMap(t.fcHae, -900, 19000, 2)),
  ];
  (t.corners ?? []).forEach(([lat, lon], i) => {
    items.push(item(82 + 2 * i, sMap(lat, 90, 4)), item(83 + 2 * i, sMap(lon, 180, 4)));
  });
  if (t.security) {
    const sec = [item(1, [t.security.classification]), item(2, [7]), item(3, str('//LTU'))];
    if (t.security.releasing) sec.push(item(6, str(t.security.releasing)));
    sec.push(item(22, [0, 12]));
    items.push(item(48, sec.flat()));
  }
  return uasPacket(items);
}
