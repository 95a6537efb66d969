/**
 * The map style: an offline basemap from bundled Natural Earth GeoJSON (no glyph or tile server: MapLibre draws
 * label text with the browser's own fonts when the style names no glyphs URL), plus optional detail tiles from the
 * hub's configuration when a network or a local tile server exists.
 */
import { addProtocol, type StyleSpecification } from 'maplibre-gl';

export const FONT = ['sans-serif'];

/**
 * Detail drawn over the offline land: `tiles`, a raster tile URL template ({z}/{x}/{y}) of a reachable tile
 * server, and/or `pmtiles`, the path of the hub's local raster PMTiles archive (read with range requests through
 * the `pmtiles` protocol, whose code is its own chunk, loaded only then).
 * The basemap data (~2.5 MB) is its own chunk, loaded in parallel with the rest of the page.
 */
export async function baseStyle(tiles?: string, pmtiles?: string): Promise<StyleSpecification> {
  const { default: basemap } = await import('virtual:basemap');
  const style: StyleSpecification = {
    version: 8,
    sources: {
      world: { type: 'geojson', data: basemap.world },
      countries: { type: 'geojson', data: basemap.countries },
      borders: { type: 'geojson', data: basemap.borders },
      labels: { type: 'geojson', data: basemap.labels },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#c6d9e8' } },
      {
        id: 'world-land',
        type: 'fill',
        source: 'world',
        // No anti-aliased outline pass: in software WebGL it is a second draw of every polygon edge.
        paint: { 'fill-color': '#eee9dc', 'fill-antialias': false },
      },
      {
        id: 'land',
        type: 'fill',
        source: 'countries',
        paint: { 'fill-color': '#f3f0e6', 'fill-antialias': false }, // the coast line draws the edge
      },
      {
        id: 'coast',
        type: 'line',
        source: 'countries',
        paint: {
          'line-color': '#7f9cb4',
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.4, 10, 1.2],
        },
      },
      {
        id: 'borders',
        type: 'line',
        source: 'borders',
        paint: {
          'line-color': '#7b6a86',
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.8, 10, 2],
          'line-dasharray': [3, 2],
        },
      },
      {
        id: 'places',
        type: 'circle',
        source: 'labels',
        filter: [
          'all',
          ['==', ['get', 'kind'], 'place'],
          ['any', ['<=', ['get', 'rank'], 2], ['>=', ['zoom'], 7]],
        ],
        minzoom: 4,
        paint: { 'circle-radius': ['match', ['get', 'rank'], 1, 3.5, 2.5], 'circle-color': '#4a4a4a' },
      },
      {
        id: 'place-names',
        type: 'symbol',
        source: 'labels',
        filter: [
          'all',
          ['==', ['get', 'kind'], 'place'],
          ['any', ['<=', ['get', 'rank'], 2], ['>=', ['zoom'], 7]],
        ],
        minzoom: 4,
        layout: {
          'text-field': ['get', 'name'],
          'text-font': FONT,
          'text-size': ['match', ['get', 'rank'], 1, 13, 11],
          'text-anchor': 'left',
          'text-offset': [0.6, 0],
        },
        paint: { 'text-color': '#303030', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
      },
      {
        id: 'country-names',
        type: 'symbol',
        source: 'labels',
        filter: ['==', ['get', 'kind'], 'country'],
        layout: {
          'text-field': ['upcase', ['get', 'name']],
          'text-font': FONT,
          'text-size': ['interpolate', ['linear'], ['zoom'], 3, 10, 8, 15],
          'text-letter-spacing': 0.15,
        },
        paint: { 'text-color': '#6d5a78', 'text-halo-color': '#f3f0e6', 'text-halo-width': 1.5 },
      },
    ],
  };
  if (tiles) {
    style.sources.detail = { type: 'raster', tiles: [tiles], tileSize: 256 };
    style.layers.splice(3, 0, {
      id: 'detail',
      type: 'raster',
      source: 'detail',
      paint: { 'raster-opacity': 0.9 },
    });
  }
  if (pmtiles) {
    const { Protocol } = await import('pmtiles');
    addProtocol('pmtiles', new Protocol().tile);
    style.sources.archive = { type: 'raster', url: `pmtiles://${location.origin}${pmtiles}`, tileSize: 256 };
    style.layers.splice(3, 0, {
      id: 'archive',
      type: 'raster',
      source: 'archive',
      paint: { 'raster-opacity': 0.9 },
    });
  }
  return style;
}
