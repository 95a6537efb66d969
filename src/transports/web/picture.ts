/**
 * GET /api/picture: the current picture as a GeoJSON FeatureCollection, filtered by bbox, type prefixes and
 * nation, through the hub's egress gate for the caller's identity (path 'rest').
 */
import type { Hub, PictureFilter } from '../../hub/hub.js';
import type { Identity } from '../../model/identity.js';
import { isDrawable } from '../../model/symbol.js';
import { mayBeDrawing, shapeBounds } from './drawings.js';
import { toWebEntity } from './encode.js';
import { webError } from './errors.js';

export interface PictureQuery {
  bbox?: string;
  type?: string;
  nation?: string;
  detail?: string;
  limit?: string;
}

const TYPE = /^[a-zA-Z](-[a-zA-Z0-9]+)*-?$/;
export const MAX_LIMIT = 200_000;

/** Parse and check the query; an error names the parameter. */
export function parsePictureQuery(
  q: PictureQuery,
):
  | { ok: true; filter: PictureFilter; detail: boolean; limit: number }
  | { ok: false; code: string; message: string } {
  const filter: PictureFilter = {};
  if (q.bbox !== undefined) {
    const parts = q.bbox.split(',').map(Number);
    const [w, s, e, n] = parts;
    if (
      parts.length !== 4 ||
      !parts.every(Number.isFinite) ||
      w! < -180 ||
      e! > 180 ||
      s! < -90 ||
      n! > 90 ||
      w! > e! ||
      s! > n!
    ) {
      return { ok: false, ...webError('BW_WEB_BAD_QUERY', 'bbox must be west,south,east,north in degrees') };
    }
    filter.bbox = [w!, s!, e!, n!];
  }
  if (q.type !== undefined) {
    const types = q.type.split(',').filter(Boolean);
    if (!types.length || types.length > 32 || !types.every((t) => TYPE.test(t))) {
      return { ok: false, ...webError('BW_WEB_BAD_QUERY', 'type must be comma-separated CoT type prefixes') };
    }
    filter.types = types.map((t) => t.replace(/-$/, ''));
  }
  if (q.nation !== undefined) {
    if (!/^[A-Z]{3}$/.test(q.nation))
      return { ok: false, ...webError('BW_WEB_BAD_QUERY', 'nation must be ISO alpha-3') };
    filter.nation = q.nation;
  }
  let limit = 50_000;
  if (q.limit !== undefined) {
    limit = Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return { ok: false, ...webError('BW_WEB_BAD_QUERY', `limit must be 1..${MAX_LIMIT}`) };
    }
  }
  return { ok: true, filter, detail: q.detail === 'true', limit };
}

/** The gated picture as GeoJSON. Properties are the live API's entity fields (detail only on request). */
export function pictureGeoJson(
  hub: Hub,
  who: Identity,
  filter: PictureFilter,
  detail: boolean,
  limit: number,
) {
  const features = [];
  let truncated = false;
  // Drawings are placed by their vertices, not the event point (ATAK sends routes and telestrations at 0,0): the
  // hub filters everything else by bbox, drawings are checked here against their own bounds.
  const bbox = filter.bbox;
  const drawings = bbox ? drawingTypes(filter.types) : [];
  const candidates = bbox
    ? [
        ...hub.picture(who, 'rest', filter).filter((e) => !mayBeDrawing(e.type)),
        ...(drawings.length
          ? hub
              .picture(who, 'rest', { ...filter, bbox: undefined, types: drawings })
              .filter((e) => mayBeDrawing(e.type))
          : []),
      ]
    : hub.picture(who, 'rest', filter);
  for (const e of candidates) {
    if (!isDrawable(e.type)) continue;
    const w = toWebEntity(e);
    if (bbox && mayBeDrawing(e.type) && !intersects(w, bbox)) continue;
    if (features.length >= limit) {
      truncated = true;
      break;
    }
    const { lat, lon, hae, detail: elements, ...props } = w;
    features.push({
      type: 'Feature' as const,
      id: e.uid,
      geometry: geometryOf(w, lon, lat, hae),
      properties: { ...props, hae, ...(detail ? { detail: elements } : {}) },
    });
  }
  return { type: 'FeatureCollection' as const, features, ...(truncated ? { truncated: true } : {}) };
}

/** The type prefixes of the query that can match drawings (`u-`, `b-m-r`); both when none was asked. */
function drawingTypes(types: string[] | undefined): string[] {
  if (!types?.length) return ['u-', 'b-m-r'];
  return types.filter((t) => mayBeDrawing(t) || 'u-'.startsWith(t) || 'b-m-r'.startsWith(t));
}

function intersects(w: ReturnType<typeof toWebEntity>, [bw, bs, be, bn]: [number, number, number, number]) {
  const [w0, s0, e0, n0] = w.shape ? shapeBounds(w.shape) : [w.lon, w.lat, w.lon, w.lat];
  return w0 <= be && e0 >= bw && s0 <= bn && n0 >= bs;
}

/** A drawing is its polygon or line(s); anything else its point. */
function geometryOf(w: ReturnType<typeof toWebEntity>, lon: number, lat: number, hae: number) {
  const s = w.shape;
  if (s?.lines) return { type: 'MultiLineString' as const, coordinates: s.lines };
  if (s?.closed) return { type: 'Polygon' as const, coordinates: [s.coordinates] };
  if (s) return { type: 'LineString' as const, coordinates: s.coordinates };
  return { type: 'Point' as const, coordinates: hae < 9999999 ? [lon, lat, hae] : [lon, lat] };
}
