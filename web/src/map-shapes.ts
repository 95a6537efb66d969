/**
 * Drawings, spot markers and emergencies as ATAK draws them, on GeoJSON layers over the basemap: closed shapes
 * filled in their fill colour and outlined in their stroke colour and weight, lines and telestration strokes,
 * geo-fences dashed, routes with direction chevrons and named waypoints, range-and-bearing lines with their range
 * and bearing, bullseye rings and spokes, spot markers as dots in their marker colour, and emergencies as a red
 * ring with the alert's kind and caller. Names follow ATAK's `labels_on`.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { WebEntity } from '../../src/transports/web/protocol.js';
import type { Tracked } from './entities.js';
import { FONT } from './map-style.js';

/** Entities drawn here rather than as symbols in the WebGL layer. */
export function drawnAsShape(e: WebEntity): boolean {
  return !!e.shape || !!e.emergency || e.type.startsWith('b-m-p-s-m');
}

const STALE = { stroke: '#8a8a8a', fill: 'rgba(138,138,138,0.15)' };

function point(uid: string, at: [number, number], props: Record<string, unknown>): GeoJSON.Feature {
  return { type: 'Feature', properties: { uid, ...props }, geometry: { type: 'Point', coordinates: at } };
}

function distanceText(m: number): string {
  return m >= 10_000
    ? `${(m / 1000).toFixed(1)} km`
    : m >= 1000
      ? `${(m / 1000).toFixed(2)} km`
      : `${m.toFixed(0)} m`;
}

/** The GeoJSON features of one drawn entity (outline, fill, labels, markers). */
export function shapeFeatures(t: Tracked): GeoJSON.Feature[] {
  const e = t.e;
  const uid = e.uid;
  const name = e.callsign ?? '';
  const out: GeoJSON.Feature[] = [];
  if (e.emergency) {
    out.push(
      point(uid, [e.lon, e.lat], { role: 'alert', label: `${e.emergency.kind}: ${e.emergency.caller}` }),
    );
    return out;
  }
  const sh = e.shape;
  if (!sh) {
    out.push(
      point(uid, [e.lon, e.lat], { role: 'spot', color: t.stale ? STALE.stroke : (e.color ?? '#ff0000') }),
    );
    if (name) out.push(point(uid, [e.lon, e.lat], { role: 'label', label: name }));
    return out;
  }
  const fill = t.stale ? STALE.fill : sh.fill;
  const style = {
    stroke: t.stale ? STALE.stroke : (sh.stroke ?? '#ffffff'),
    ...(fill ? { fill } : {}),
    width: sh.width ?? 3,
    dashed: sh.geofence === true,
    kind: sh.kind,
  };
  if (sh.closed) {
    out.push({
      type: 'Feature',
      properties: { uid, role: 'area', ...style },
      geometry: { type: 'Polygon', coordinates: [sh.coordinates] },
    });
  }
  const lines = sh.lines ?? [sh.coordinates];
  out.push({
    type: 'Feature',
    properties: { uid, role: sh.kind === 'route' ? 'route' : 'outline', ...style },
    geometry: { type: 'MultiLineString', coordinates: lines },
  });
  if (sh.kind === 'rb-line' && sh.range !== undefined && sh.bearing !== undefined) {
    // ATAK writes the range and bearing at the middle of the line, whatever labels_on says.
    const [a, b] = [sh.coordinates[0]!, sh.coordinates[1]!];
    const mid: [number, number] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    out.push(
      point(uid, mid, { role: 'label', label: `${distanceText(sh.range)} ${sh.bearing.toFixed(0)}°` }),
    );
  }
  if (sh.kind === 'route')
    for (const w of sh.waypoints ?? []) out.push(point(uid, w.at, { role: 'waypoint', label: w.name }));
  if (sh.labels !== false && name) {
    const at: [number, number] = sh.kind === 'route' ? sh.coordinates[0]! : [e.lon, e.lat];
    out.push(point(uid, at, { role: 'label', label: name }));
  }
  return out;
}

/** A chevron pointing right (along the line), drawn along routes every ~90 px. */
function addChevron(map: MlMap): void {
  const r = 2;
  const [w, hgt] = [14 * r, 14 * r];
  const c = document.createElement('canvas');
  c.width = w;
  c.height = hgt;
  const g = c.getContext('2d')!;
  g.strokeStyle = '#ffffff';
  g.lineWidth = 5 * r;
  g.lineCap = 'round';
  g.beginPath();
  g.moveTo(3 * r, 2 * r);
  g.lineTo(10 * r, 7 * r);
  g.lineTo(3 * r, 12 * r);
  g.stroke();
  g.strokeStyle = '#111111';
  g.lineWidth = 2.5 * r;
  g.stroke();
  if (!map.hasImage('chevron'))
    map.addImage(
      'chevron',
      { width: w, height: hgt, data: g.getImageData(0, 0, w, hgt).data },
      { pixelRatio: r },
    );
}

/** The layers, bottom to top; the source starts empty and {@link setShapes} fills it. */
export function addShapeLayers(map: MlMap): void {
  addChevron(map);
  map.addSource('shapes', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  const role = (r: string) => ['==', ['get', 'role'], r] as ['==', ['get', string], string];
  map.addLayer({
    id: 'shapes-fill',
    type: 'fill',
    source: 'shapes',
    filter: ['all', role('area'), ['has', 'fill']],
    paint: { 'fill-color': ['get', 'fill'] },
  });
  const line = (id: string, dashed: boolean) =>
    map.addLayer({
      id,
      type: 'line',
      source: 'shapes',
      filter: ['all', ['any', role('outline'), role('route')], ['==', ['get', 'dashed'], dashed]] as never,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': ['get', 'stroke'],
        'line-width': ['get', 'width'],
        ...(dashed ? { 'line-dasharray': [3, 2] } : {}),
      },
    });
  line('shapes-line', false);
  line('shapes-line-dashed', true);
  map.addLayer({
    id: 'shapes-direction',
    type: 'symbol',
    source: 'shapes',
    filter: role('route'),
    layout: {
      'symbol-placement': 'line',
      'symbol-spacing': 90,
      'icon-image': 'chevron',
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
    },
  });
  map.addLayer({
    id: 'shapes-points',
    type: 'circle',
    source: 'shapes',
    filter: ['any', role('spot'), role('waypoint')],
    paint: {
      'circle-radius': ['case', ['==', ['get', 'role'], 'spot'], 7, 4],
      'circle-color': ['coalesce', ['get', 'color'], '#ffffff'],
      'circle-stroke-color': '#111111',
      'circle-stroke-width': 1.5,
    },
  });
  map.addLayer({
    id: 'alerts-ring',
    type: 'circle',
    source: 'shapes',
    filter: role('alert'),
    paint: {
      'circle-radius': 22,
      'circle-color': 'rgba(230,0,0,0.25)',
      'circle-stroke-color': '#e00000',
      'circle-stroke-width': 4,
    },
  });
  const halo = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
  map.addLayer({
    id: 'shapes-labels',
    type: 'symbol',
    source: 'shapes',
    filter: ['any', role('label'), role('waypoint')],
    layout: {
      'text-field': ['get', 'label'],
      'text-font': FONT,
      'text-size': 12,
      'text-anchor': ['case', ['==', ['get', 'role'], 'label'], 'center', 'top'],
      'text-offset': ['case', ['==', ['get', 'role'], 'label'], ['literal', [0, 0]], ['literal', [0, 0.7]]],
    },
    paint: { 'text-color': '#111111', ...halo },
  });
  map.addLayer({
    id: 'alerts-labels',
    type: 'symbol',
    source: 'shapes',
    filter: role('alert'),
    layout: {
      'text-field': ['get', 'label'],
      'text-font': FONT,
      'text-size': 14,
      'text-anchor': 'top',
      'text-offset': [0, 1.9],
      'text-allow-overlap': true,
    },
    paint: { 'text-color': '#b00000', ...halo },
  });
}

/** Layers a click may select a drawing on. */
export const SHAPE_LAYERS = [
  'shapes-fill',
  'shapes-line',
  'shapes-line-dashed',
  'shapes-points',
  'alerts-ring',
];

export function setShapes(map: MlMap, features: GeoJSON.Feature[]): void {
  void map.getSource<GeoJSONSource>('shapes')?.setData({ type: 'FeatureCollection', features });
}
