/**
 * Detail maps from a local PMTiles archive (`web.pmtiles`): one file, served to signed-in pages with HTTP range
 * requests, which MapLibre reads through the `pmtiles` protocol. No tile server and no network: the archive sits
 * next to the hub. Raster archives (PNG, JPEG, WebP, AVIF: scanned topographic sheets, imagery) are drawn over the
 * offline basemap; vector archives need a style of their own and are refused at start with the reason.
 *
 * The file is checked at start (PMTiles v3 header, a raster tile type) so a wrong path or file fails `serve` with
 * the key named, not the first page that asks for a tile.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where pages fetch the archive; /api/config tells them. */
export const PMTILES_PATH = '/tiles/detail.pmtiles';

const RASTER_TYPES: Record<number, string> = { 2: 'png', 3: 'jpeg', 4: 'webp', 5: 'avif' };
const VECTOR_TYPE = 1; // Mapbox Vector Tiles

export interface PmtilesInfo {
  path: string;
  size: number;
  tileType: string;
  minZoom: number;
  maxZoom: number;
}

/**
 * Read and check the archive's header. Throws an Error naming the configuration `key` and what is wrong. Vector
 * (MVT) archives are accepted only when `vector` is set (basemaps, drawn with the Protomaps style).
 */
export function checkPmtiles(path: string, key = 'web.pmtiles', vector = false): PmtilesInfo {
  const fail = (why: string) => new Error(`${key}: ${path}: ${why}`);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw fail('not a file');
    size = st.size;
  } catch (e) {
    throw e instanceof Error && e.message.startsWith(key) ? e : fail((e as Error).message);
  }
  const header = Buffer.alloc(127);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, 127, 0) < 127) throw fail('too short for a PMTiles header');
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1', 0, 7) !== 'PMTiles') throw fail('not a PMTiles archive');
  if (header[7] !== 3) throw fail(`PMTiles version ${header[7]}, expected 3`);
  const tileType = vector && header[99] === VECTOR_TYPE ? 'mvt' : RASTER_TYPES[header[99]!];
  if (!tileType)
    throw fail(
      `tile type ${header[99]} is not ${vector ? 'vector (MVT) or ' : ''}raster (PNG, JPEG, WebP or AVIF)`,
    );
  return { path, size, tileType, minZoom: header[100]!, maxZoom: header[101]! };
}

/** "bytes=a-b" / "bytes=a-" / "bytes=-n" within `size`, or null when unsatisfiable or not one range. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return null;
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || start >= size) return null;
  return { start, end };
}

/** Serve the archive at `at` (default {@link PMTILES_PATH}) to requests `signedIn` accepts (401 otherwise). */
export function servePmtiles(
  app: FastifyInstance,
  info: PmtilesInfo,
  signedIn: (req: FastifyRequest) => boolean,
  unauthorised: object,
  at = PMTILES_PATH,
): void {
  const send = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!signedIn(req)) return reply.code(401).send(unauthorised);
    let size: number;
    try {
      size = statSync(info.path).size; // the file may have been replaced (or removed) since start
    } catch {
      return reply.code(404).send();
    }
    reply.header('accept-ranges', 'bytes').header('content-type', 'application/vnd.pmtiles');
    reply.header('cache-control', 'private, max-age=300');
    const range = req.headers.range;
    if (range === undefined) {
      reply.header('content-length', size);
      return reply.send(req.method === 'HEAD' ? '' : createReadStream(info.path));
    }
    const r = parseRange(range, size);
    if (!r) return reply.code(416).header('content-range', `bytes */${size}`).send();
    reply
      .code(206)
      .header('content-range', `bytes ${r.start}-${r.end}/${size}`)
      .header('content-length', r.end - r.start + 1);
    return reply.send(req.method === 'HEAD' ? '' : createReadStream(info.path, r));
  };
  app.get(at, send);
}
