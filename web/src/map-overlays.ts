/**
 * The layers the COP draws over the basemap, bottom to top: MGRS grid and its labels, trails, drawings (shapes),
 * the selection ring, course arrows, the entity layer (WebGL, entity-layer.ts), callsign labels. Their sources
 * start empty; map-view.ts fills them.
 */
import type { CustomLayerInterface, Map as MlMap } from 'maplibre-gl';
import { FONT } from './map-style.js';
import { addShapeLayers } from './map-shapes.js';
import { addCourseArrow } from './symbols.js';

export const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export function addOverlays(map: MlMap, entities: CustomLayerInterface): void {
  addCourseArrow(map);
  map.addSource('grid', { type: 'geojson', data: EMPTY });
  map.addSource('trails', { type: 'geojson', data: EMPTY });
  map.addSource('detail', { type: 'geojson', data: EMPTY });
  map.addSource('selected', { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: 'grid-lines',
    type: 'line',
    source: 'grid',
    filter: ['==', ['geometry-type'], 'LineString'],
    paint: {
      'line-color': [
        'match',
        ['get', 'kind'],
        'zone',
        '#b0352f',
        'band',
        '#b0352f',
        'grid100k',
        '#2f55b0',
        '#5f7fc8',
      ],
      'line-width': ['match', ['get', 'kind'], 'zone', 1.6, 'band', 1.2, 'grid100k', 1.1, 0.6],
    },
  });
  map.addLayer({
    id: 'grid-labels',
    type: 'symbol',
    source: 'grid',
    filter: ['==', ['get', 'kind'], 'label'],
    layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 12 },
    paint: { 'text-color': '#2f55b0', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
  });
  map.addLayer({
    id: 'grid-numbers',
    type: 'symbol',
    source: 'grid',
    filter: ['==', ['get', 'kind'], 'num'],
    layout: {
      'text-field': ['get', 'name'],
      'text-font': FONT,
      'text-size': 11,
      // Eastings along the bottom of the view, northings along its left edge, just inside it.
      'text-anchor': ['match', ['get', 'axis'], 'e', 'bottom', 'left'],
      'text-offset': ['match', ['get', 'axis'], 'e', ['literal', [0, -0.3]], ['literal', [0.3, 0]]],
      'text-allow-overlap': true,
    },
    paint: { 'text-color': '#2f55b0', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
  });
  map.addLayer({
    id: 'trails',
    type: 'line',
    source: 'trails',
    paint: { 'line-color': '#5a5a5a', 'line-width': 1.5, 'line-opacity': 0.7, 'line-dasharray': [2, 1] },
  });
  addShapeLayers(map);
  map.addLayer({
    id: 'selection',
    type: 'circle',
    source: 'selected',
    // Visible on any basemap and over any frame colour: a wide amber ring with a dark edge.
    paint: {
      'circle-radius': 24,
      'circle-color': 'rgba(255,200,0,0.12)',
      'circle-stroke-color': '#ffb000',
      'circle-stroke-width': 4,
    },
  });
  map.addLayer({
    id: 'selection-edge',
    type: 'circle',
    source: 'selected',
    paint: {
      'circle-radius': 27,
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': '#1a1a1a',
      'circle-stroke-width': 1.5,
    },
  });
  map.addLayer({
    id: 'course',
    type: 'symbol',
    source: 'detail',
    filter: ['>=', ['get', 'course'], 0],
    layout: {
      'icon-image': 'course',
      'icon-rotate': ['get', 'course'],
      'icon-rotation-alignment': 'map',
      'icon-anchor': 'bottom',
      // The arrow starts at the symbol's edge, so it never runs through the symbol itself.
      'icon-offset': [0, -12],
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
    },
  });
  map.addLayer(entities);
  map.addSource('measure', { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: 'measure-line',
    type: 'line',
    source: 'measure',
    paint: { 'line-color': '#ff00aa', 'line-width': 3, 'line-dasharray': [2, 1] },
  });
  map.addLayer({
    id: 'measure-start',
    type: 'circle',
    source: 'measure',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-radius': 5, 'circle-color': '#ff00aa' },
  });
  map.addLayer({
    id: 'entity-labels',
    type: 'symbol',
    source: 'detail',
    layout: {
      'text-field': ['get', 'label'],
      'text-font': FONT,
      'text-size': 11,
      'text-anchor': 'top',
      'text-offset': [0, 1.6],
    },
    paint: {
      'text-color': ['case', ['get', 'stale'], '#777777', '#111111'],
      'text-halo-color': '#ffffff',
      'text-halo-width': 1.3,
    },
  });
}
