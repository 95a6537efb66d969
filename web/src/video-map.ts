/**
 * The footprint highlight: while a feed plays in a video panel, its footprint (`<platform>.footprint`, the polygon
 * the KLV corners or the MAVLink gateway draw) is outlined on the map in a bright colour over everything else, and
 * the panel the user last touched (the selected feed) more strongly, so the user sees where each picture is looking.
 * Its own GeoJSON source and layers, redrawn whenever one of those footprints changes in the store.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { EntityStore } from './entities.js';

export const HIGHLIGHT_SOURCE = 'video-footprints';
const COLOR = '#00e5ff';

let map: MlMap | undefined;
let store: EntityStore | undefined;
/** Platform uids of the feeds playing, and the selected one. */
let playing = new Set<string>();
let selected: string | null = null;

export const footprintOf = (platform: string) => `${platform}.footprint`;

function features(): GeoJSON.FeatureCollection {
  const out: GeoJSON.Feature[] = [];
  for (const p of playing) {
    const sh = store?.all.get(footprintOf(p))?.e.shape;
    if (!sh || sh.coordinates.length < 3) continue;
    const ring = [...sh.coordinates];
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) ring.push(first);
    out.push({
      type: 'Feature',
      properties: { platform: p, selected: p === selected },
      geometry: { type: 'Polygon', coordinates: [ring] },
    });
  }
  return { type: 'FeatureCollection', features: out };
}

function redraw(): void {
  const src = map?.getSource(HIGHLIGHT_SOURCE) as GeoJSONSource | undefined;
  src?.setData(features());
}

function addLayers(m: MlMap): void {
  if (m.getSource(HIGHLIGHT_SOURCE)) return;
  m.addSource(HIGHLIGHT_SOURCE, { type: 'geojson', data: features() });
  m.addLayer({
    id: 'video-footprint-fill',
    type: 'fill',
    source: HIGHLIGHT_SOURCE,
    paint: { 'fill-color': COLOR, 'fill-opacity': ['case', ['get', 'selected'], 0.25, 0.12] },
  });
  m.addLayer({
    id: 'video-footprint-line',
    type: 'line',
    source: HIGHLIGHT_SOURCE,
    paint: { 'line-color': COLOR, 'line-width': ['case', ['get', 'selected'], 5, 3] },
  });
}

/** Called once by the page with its map and entity store. */
export function attachVideoMap(m: MlMap, s: EntityStore): void {
  map = m;
  store = s;
  if (m.loaded()) addLayers(m);
  else m.once('load', () => addLayers(m));
  // A new base style (a map switcher) drops every source: put the highlight back on top of it.
  m.on('styledata', () => {
    if (m.isStyleLoaded() && !m.getSource(HIGHLIGHT_SOURCE)) addLayers(m);
  });
  s.onChange((c) => {
    for (const p of playing)
      if (c.upserted.has(footprintOf(p)) || c.removed.has(footprintOf(p))) return redraw();
  });
}

/** The feeds playing (their platform uids) and the selected one. */
export function highlightFootprints(platforms: Iterable<string>, sel: string | null): void {
  playing = new Set(platforms);
  selected = sel;
  redraw();
}

/** What is highlighted now (for tests): platform uid and whether it is the selected one. */
export function highlighted(): { platform: string; selected: boolean }[] {
  return features().features.map((f) => f.properties as { platform: string; selected: boolean });
}
