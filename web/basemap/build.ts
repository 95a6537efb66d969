/**
 * Builds the offline basemap at build time from Natural Earth (npm `world-atlas`, TopoJSON): land of the whole
 * world at 1:110m for context, countries and borders of Europe at 1:10m, country and place names. The result is
 * plain GeoJSON bundled into the page, so the map needs no network at all.
 */
import { createRequire } from 'node:module';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { PLACES } from './places.js';

/** Region drawn at 1:10m: the Baltic, the Nordics, Poland, Germany, Belarus, western Russia and Ukraine. */
export const REGION: readonly [number, number, number, number] = [-12, 40, 50, 72];

type Position = number[];
type Geo = GeoJSON.Geometry;

export interface Basemap {
  world: GeoJSON.FeatureCollection;
  countries: GeoJSON.FeatureCollection;
  borders: GeoJSON.FeatureCollection;
  labels: GeoJSON.FeatureCollection;
}

const require = createRequire(import.meta.url);

function round(p: Position): Position {
  return [Math.round(p[0]! * 1e4) / 1e4, Math.round(p[1]! * 1e4) / 1e4];
}

function roundGeometry(g: Geo): Geo {
  switch (g.type) {
    case 'Polygon':
      return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(round)) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(round))) };
    case 'LineString':
      return { type: 'LineString', coordinates: g.coordinates.map(round) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: g.coordinates.map((l) => l.map(round)) };
    default:
      return g;
  }
}

function inRegion(p: Position, [w, s, e, n]: readonly number[]): boolean {
  return p[0]! >= w! && p[0]! <= e! && p[1]! >= s! && p[1]! <= n!;
}

function polygons(g: Geo): Position[][][] {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return [];
}

/** Ring area (shoelace, in square degrees): good enough to pick the main body of a country for its label. */
function ringArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j]![0]! + ring[i]![0]!) * (ring[j]![1]! - ring[i]![1]!);
  }
  return Math.abs(a / 2);
}

/** Label point of a country: the centroid of its largest polygon's outer ring, kept inside the region. */
function labelPoint(g: Geo): Position | undefined {
  let best: Position[] | undefined;
  let bestArea = 0;
  for (const poly of polygons(g)) {
    const outer = poly[0]!;
    const a = ringArea(outer);
    if (a > bestArea && outer.some((p) => inRegion(p, REGION))) {
      bestArea = a;
      best = outer;
    }
  }
  if (!best) return undefined;
  const inside = best.filter((p) => inRegion(p, REGION));
  let x = 0;
  let y = 0;
  for (const p of inside) {
    x += p[0]!;
    y += p[1]!;
  }
  return round([x / inside.length, y / inside.length]);
}

export function buildBasemap(): Basemap {
  const land110 = require('world-atlas/land-110m.json') as Topology;
  const countries10 = require('world-atlas/countries-10m.json') as Topology;
  const world = feature(land110, land110.objects.land as GeometryCollection) as GeoJSON.FeatureCollection;

  const all = feature(
    countries10,
    countries10.objects.countries as GeometryCollection,
  ) as GeoJSON.FeatureCollection;
  const countries: GeoJSON.Feature[] = [];
  const labels: GeoJSON.Feature[] = [];
  for (const f of all.features) {
    if (!f.geometry) continue;
    const touches = polygons(f.geometry).some((poly) => poly[0]!.some((p) => inRegion(p, REGION)));
    if (!touches) continue;
    const name = String((f.properties as { name?: string } | null)?.name ?? '');
    countries.push({ type: 'Feature', properties: { name }, geometry: roundGeometry(f.geometry) });
    const at = labelPoint(f.geometry);
    if (at && name)
      labels.push({
        type: 'Feature',
        properties: { name, kind: 'country', rank: 0 },
        geometry: { type: 'Point', coordinates: at },
      });
  }
  const borderMesh = mesh(
    countries10,
    countries10.objects.countries as GeometryCollection,
    (a, b) => a !== b,
  ) as GeoJSON.MultiLineString;
  const lines = borderMesh.coordinates.filter((l) => l.some((p) => inRegion(p, REGION)));
  const borders: GeoJSON.FeatureCollection = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: {},
        geometry: roundGeometry({ type: 'MultiLineString', coordinates: lines }),
      },
    ],
  };
  for (const [name, lon, lat, rank] of PLACES) {
    labels.push({
      type: 'Feature',
      properties: { name, kind: 'place', rank },
      geometry: { type: 'Point', coordinates: [lon, lat] },
    });
  }
  return {
    world: {
      type: 'FeatureCollection',
      features: world.features.map((f) => ({ ...f, geometry: roundGeometry(f.geometry) })),
    },
    countries: { type: 'FeatureCollection', features: countries },
    borders,
    labels: { type: 'FeatureCollection', features: labels },
  };
}
