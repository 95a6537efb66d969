/**
 * Basemaps and overlays from the configuration (`web.basemaps`, `web.overlays`): local maps the hub serves to
 * signed-in pages with no network (PMTiles archives read with range requests, MBTiles files and directories of
 * `{z}/{x}/{y}` tiles served tile by tile), and XYZ / WMTS REST services the browser fetches itself. Every local
 * file is checked at start, so a wrong path fails `serve` with the key named, not the first tile a page asks for.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MapSourceConfig } from './config.js';
import { checkPmtiles, servePmtiles } from './pmtiles.js';

/** What /api/config tells the page about one map. */
export interface MapSourceView {
  id: string;
  name: string;
  /** `vector` maps use the Protomaps basemap schema (drawn with @protomaps/basemaps). */
  type: 'raster' | 'vector';
  /** A PMTiles archive's path on the hub (read with the `pmtiles` protocol), or a tile URL template. */
  pmtiles?: string;
  tiles?: string;
  minzoom: number;
  maxzoom: number;
  opacity: number;
  attribution?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  pbf: 'application/x-protobuf',
  mvt: 'application/x-protobuf',
};
const VECTOR_FORMATS = new Set(['pbf', 'mvt']);

/** A tile reader for one local map: bytes of tile z/x/y (XYZ scheme), or undefined. */
type TileReader = (z: number, x: number, y: number) => Buffer | undefined;

/**
 * WMTS REST templates name the tile matrix, row and column; MapLibre takes XYZ placeholders. A template with
 * neither is refused.
 */
export function tileTemplate(url: string, key: string): string {
  const t = url
    .replace(/\{TileMatrix\}/gi, '{z}')
    .replace(/\{TileRow\}/gi, '{y}')
    .replace(/\{TileCol\}/gi, '{x}');
  if (!/\{z\}/.test(t) || !/\{x\}/.test(t) || !/\{y\}/.test(t))
    throw new Error(
      `${key}: ${url}: a tile URL needs {z}, {x} and {y} (or WMTS {TileMatrix}, {TileCol}, {TileRow})`,
    );
  return t;
}

function openMbtiles(
  path: string,
  key: string,
): { reader: TileReader; format: string; zoom: [number, number] } {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new Error(`${key}: ${path}: ${(e as Error).message}`, { cause: e });
  }
  let meta: Map<string, string>;
  try {
    const rows = db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[];
    meta = new Map(rows.map((r) => [r.name, r.value]));
    db.prepare('SELECT 1 FROM tiles LIMIT 1').get();
  } catch (e) {
    db.close();
    throw new Error(`${key}: ${path}: not an MBTiles file (${(e as Error).message})`, { cause: e });
  }
  const format = (meta.get('format') ?? 'png').toLowerCase();
  if (!CONTENT_TYPES[format]) {
    db.close();
    throw new Error(`${key}: ${path}: tile format ${format} is not png, jpg, webp or pbf`);
  }
  const range = db.prepare('SELECT MIN(zoom_level) AS lo, MAX(zoom_level) AS hi FROM tiles').get() as {
    lo: number | null;
    hi: number | null;
  };
  const zoom: [number, number] = [
    Number(meta.get('minzoom') ?? range.lo ?? 0),
    Number(meta.get('maxzoom') ?? range.hi ?? 14),
  ];
  const get = db.prepare(
    'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
  );
  // MBTiles rows count from the south (TMS).
  const reader: TileReader = (z, x, y) =>
    (get.get(z, x, 2 ** z - 1 - y) as { tile_data: Buffer } | undefined)?.tile_data;
  return { reader, format, zoom };
}

function openDirectory(
  path: string,
  key: string,
): { reader: TileReader; format: string; zoom: [number, number] } {
  const zooms = readdirSync(path)
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .sort((a, b) => a - b);
  if (!zooms.length) throw new Error(`${key}: ${path}: no {z} directories of tiles`);
  let format: string | undefined;
  const z0 = join(path, String(zooms[0]));
  for (const x of readdirSync(z0)) {
    const file = readdirSync(join(z0, x)).find((f) => /^\d+\.\w+$/.test(f));
    if (file) {
      format = file.split('.')[1]!.toLowerCase();
      break;
    }
  }
  if (!format || !CONTENT_TYPES[format])
    throw new Error(`${key}: ${path}: no {z}/{x}/{y}.png|jpg|webp|pbf tiles`);
  const reader: TileReader = (z, x, y) => {
    try {
      return readFileSync(join(path, String(z), String(x), `${y}.${format}`));
    } catch {
      return undefined;
    }
  };
  return { reader, format, zoom: [zooms[0]!, zooms[zooms.length - 1]!] };
}

function serveTiles(
  app: FastifyInstance,
  at: string,
  reader: TileReader,
  format: string,
  signedIn: (req: FastifyRequest) => boolean,
  unauthorised: object,
): void {
  app.get(`${at}/:z/:x/:y`, async (req: FastifyRequest, reply: FastifyReply) => {
    if (!signedIn(req)) return reply.code(401).send(unauthorised);
    const p = req.params as { z: string; x: string; y: string };
    const [z, x, y] = [p.z, p.x, p.y.replace(/\.\w+$/, '')].map((v) =>
      /^\d{1,8}$/.test(v) ? Number(v) : NaN,
    );
    if (!(z! <= 24) || !(x! < 2 ** z!) || !(y! < 2 ** z!)) return reply.code(400).send();
    const tile = reader(z!, x!, y!);
    if (!tile) return reply.code(404).send();
    reply.header('content-type', CONTENT_TYPES[format]!).header('cache-control', 'private, max-age=300');
    // Vector tiles in MBTiles are stored gzipped; the browser inflates them.
    if (tile[0] === 0x1f && tile[1] === 0x8b) reply.header('content-encoding', 'gzip');
    return reply.send(tile);
  });
}

/**
 * Check every configured map and register the routes for the local ones: `/tiles/<id>.pmtiles` or
 * `/tiles/<id>/{z}/{x}/{y}`. `prefix` is `basemaps` or `overlays` (ids `b0`, `o0`, … in configuration order).
 */
export function registerMapSources(
  app: FastifyInstance,
  list: MapSourceConfig[],
  prefix: 'basemaps' | 'overlays',
  signedIn: (req: FastifyRequest) => boolean,
  unauthorised: object,
): MapSourceView[] {
  return list.map((m, i) => {
    const id = `${prefix[0]}${i}`;
    const key = `web.${prefix}[${i}]`;
    const base = {
      id,
      name: m.name,
      opacity: m.opacity,
      ...(m.attribution ? { attribution: m.attribution } : {}),
    };
    const vectorOk = prefix === 'basemaps';
    if (m.url !== undefined)
      return { ...base, type: 'raster', tiles: tileTemplate(m.url, `${key}.url`), minzoom: 0, maxzoom: 22 };
    const path = resolve(m.file!);
    const fileKey = `${key}.file`;
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      throw new Error(`${fileKey}: ${path}: ${(e as Error).message}`, { cause: e });
    }
    if (st.isFile() && path.toLowerCase().endsWith('.pmtiles')) {
      const info = checkPmtiles(path, fileKey, vectorOk);
      servePmtiles(app, info, signedIn, unauthorised, `/tiles/${id}.pmtiles`);
      const type = info.tileType === 'mvt' ? 'vector' : 'raster';
      return { ...base, type, pmtiles: `/tiles/${id}.pmtiles`, minzoom: info.minZoom, maxzoom: info.maxZoom };
    }
    const local = st.isDirectory()
      ? openDirectory(path, fileKey)
      : path.toLowerCase().endsWith('.mbtiles')
        ? openMbtiles(path, fileKey)
        : undefined;
    if (!local)
      throw new Error(`${fileKey}: ${path}: not a .pmtiles or .mbtiles file, nor a directory of tiles`);
    const type = VECTOR_FORMATS.has(local.format) ? 'vector' : 'raster';
    if (type === 'vector' && !vectorOk) throw new Error(`${fileKey}: ${path}: overlays must be raster tiles`);
    serveTiles(app, `/tiles/${id}`, local.reader, local.format, signedIn, unauthorised);
    return {
      ...base,
      type,
      tiles: `/tiles/${id}/{z}/{x}/{y}`,
      minzoom: local.zoom[0],
      maxzoom: local.zoom[1],
    };
  });
}
