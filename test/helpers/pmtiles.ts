/**
 * Minimal raster PMTiles v3 archives for tests, written from the published format (header, directory, tiles):
 * one solid-colour PNG tile shared by every tile of zooms 0–1 through a single run-length directory entry.
 * Real archives come from tools such as `pmtiles convert`; this keeps a fixture out of the repository.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function field(tag: number, wire: number): number[] {
  return [...varints([(tag << 3) | wire])];
}
function bytesField(tag: number, b: Buffer | number[]): Buffer {
  return Buffer.concat([Buffer.from(field(tag, 2)), varints([b.length]), Buffer.from(b)]);
}
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

/**
 * A Mapbox Vector Tile (spec 2.1, written by hand from the published protobuf schema): one polygon per layer, each
 * an axis-aligned rectangle [x0, y0, x1, y1] in tile units of a 4096 extent (y down).
 */
export function mvtTile(layers: { name: string; rect: [number, number, number, number] }[]): Buffer {
  return Buffer.concat(
    layers.map(({ name, rect: [x0, y0, x1, y1] }) => {
      // Clockwise in tile coordinates (y down) = exterior ring.
      const geometry = varints([
        (1 & 7) | (1 << 3),
        zigzag(x0),
        zigzag(y0),
        (2 & 7) | (3 << 3),
        zigzag(x1 - x0),
        zigzag(0),
        zigzag(0),
        zigzag(y1 - y0),
        zigzag(x0 - x1),
        zigzag(0),
        (7 & 7) | (1 << 3),
      ]);
      const feature = Buffer.concat([Buffer.from([...field(3, 0), 3]), bytesField(4, geometry)]);
      const layer = Buffer.concat([
        Buffer.from([...field(15, 0), 2]),
        bytesField(1, Buffer.from(name)),
        bytesField(2, feature),
        Buffer.from([...field(5, 0), ...varints([4096])]),
      ]);
      return bytesField(3, layer);
    }),
  );
}

/** A size×size PNG of one RGB colour. */
export function solidPng(size: number, rgb: [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + size * 3); // filter byte 0, then pixels
  for (let x = 0; x < size; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function varints(values: number[]): Buffer {
  const out: number[] = [];
  for (let n of values) {
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
  }
  return Buffer.from(out);
}

/** A PMTiles v3 archive whose tiles of zoom 0 and 1 (tile ids 0–4) are all `png`. */
export function rasterPmtiles(png: Buffer): Buffer {
  return pmtilesArchive(png, 2);
}

/** A PMTiles v3 archive whose tiles of zoom 0 and 1 are all `tile`, of PMTiles tile type `tileType` (1 MVT, 2 PNG). */
export function pmtilesArchive(png: Buffer, tileType: number): Buffer {
  // Directory, uncompressed: entry count, then per column: tile-id deltas, run lengths, lengths, offsets + 1.
  const dir = varints([1, 0, 5, png.length, 1]);
  const meta = Buffer.from('{"name":"test raster"}');
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header[7] = 3;
  const rootAt = 127;
  const metaAt = rootAt + dir.length;
  const tilesAt = metaAt + meta.length;
  const u64 = (v: number, at: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(rootAt, 8);
  u64(dir.length, 16);
  u64(metaAt, 24);
  u64(meta.length, 32);
  u64(tilesAt, 40); // leaf directories: none
  u64(0, 48);
  u64(tilesAt, 56);
  u64(png.length, 64);
  u64(5, 72); // addressed tiles
  u64(1, 80); // tile entries
  u64(1, 88); // tile contents
  header[96] = 1; // clustered
  header[97] = 1; // internal compression: none
  header[98] = 1; // tile compression: none
  header[99] = tileType;
  header[100] = 0; // min zoom
  header[101] = 1; // max zoom
  header.writeInt32LE(-180e7, 102);
  header.writeInt32LE(-85e7, 106);
  header.writeInt32LE(180e7, 110);
  header.writeInt32LE(85e7, 114);
  header[118] = 0;
  header.writeInt32LE(0, 119);
  header.writeInt32LE(0, 123);
  return Buffer.concat([header, dir, meta, png]);
}
