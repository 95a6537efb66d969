/**
 * Overlays an operator imports into the page from a file: KML (Google Earth, ATAK exports), KMZ (zipped KML) and
 * GeoJSON. Parsed in the browser with @tmcw/togeojson and fflate into one GeoJSON FeatureCollection, kept local to
 * the page. A file that is none of these, too large, or holds no features is refused with the reason.
 */
import { kml } from '@tmcw/togeojson';
import { unzipSync } from 'fflate';

/** Largest file accepted, and most features kept (beyond that a browser overlay would only stall the map). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const MAX_IMPORT_FEATURES = 50_000;

export interface ImportedOverlay {
  name: string;
  data: GeoJSON.FeatureCollection;
  /** West, south, east, north of every coordinate. */
  bounds: [number, number, number, number] | null;
}

function fromKml(text: string): GeoJSON.FeatureCollection {
  const doc = new DOMParser().parseFromString(text, 'text/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('not well-formed XML');
  if (!doc.getElementsByTagName('kml').length && !doc.getElementsByTagNameNS('*', 'kml').length)
    throw new Error('not a KML document');
  return kml(doc) as GeoJSON.FeatureCollection;
}

function fromGeoJson(text: string): GeoJSON.FeatureCollection {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  const o = v as { type?: string; features?: unknown };
  if (o?.type === 'FeatureCollection' && Array.isArray(o.features)) return o as GeoJSON.FeatureCollection;
  if (o?.type === 'Feature') return { type: 'FeatureCollection', features: [o as GeoJSON.Feature] };
  const geometries = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];
  if (o?.type && geometries.includes(o.type))
    return {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: o as GeoJSON.Geometry }],
    };
  throw new Error('not a GeoJSON Feature, FeatureCollection or geometry');
}

function boundsOf(fc: GeoJSON.FeatureCollection): ImportedOverlay['bounds'] {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      b[0] = Math.min(b[0]!, c[0]);
      b[1] = Math.min(b[1]!, c[1]);
      b[2] = Math.max(b[2]!, c[0]);
      b[3] = Math.max(b[3]!, c[1]);
    } else for (const x of c) walk(x);
  };
  for (const f of fc.features) {
    const g = f.geometry;
    if (g && 'coordinates' in g) walk(g.coordinates);
    else if (g?.type === 'GeometryCollection')
      for (const x of g.geometries) if ('coordinates' in x) walk(x.coordinates);
  }
  return b[0]! <= b[2]! ? (b as [number, number, number, number]) : null;
}

/** Parse a KML, KMZ or GeoJSON file into an overlay; throws an Error with a reason the user can read. */
export async function readOverlayFile(file: File): Promise<ImportedOverlay> {
  if (file.size > MAX_IMPORT_BYTES) throw new Error(`${file.name}: larger than ${MAX_IMPORT_BYTES >> 20} MB`);
  const ext = /\.(\w+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  const bytes = new Uint8Array(await file.arrayBuffer());
  let fc: GeoJSON.FeatureCollection;
  try {
    if (ext === 'kmz' || (bytes[0] === 0x50 && bytes[1] === 0x4b)) {
      let files: Record<string, Uint8Array>;
      try {
        files = unzipSync(bytes, { filter: (f) => f.name.toLowerCase().endsWith('.kml') });
      } catch {
        throw new Error('not a KMZ (zip) archive');
      }
      const names = Object.keys(files);
      const main = names.find((n) => n.toLowerCase() === 'doc.kml') ?? names[0];
      if (!main) throw new Error('the KMZ holds no .kml file');
      fc = fromKml(new TextDecoder().decode(files[main]));
    } else if (ext === 'kml') fc = fromKml(new TextDecoder().decode(bytes));
    else if (ext === 'geojson' || ext === 'json') fc = fromGeoJson(new TextDecoder().decode(bytes));
    else throw new Error('only .kml, .kmz, .geojson and .json files can be imported');
  } catch (e) {
    throw new Error(`${file.name}: ${(e as Error).message}`, { cause: e });
  }
  const features = fc.features.filter((f) => f?.geometry).slice(0, MAX_IMPORT_FEATURES);
  if (!features.length) throw new Error(`${file.name}: no features with a geometry`);
  const data: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features };
  return { name: file.name.replace(/\.\w+$/, ''), data, bounds: boundsOf(data) };
}
