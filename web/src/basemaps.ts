/**
 * Basemaps and overlays from the hub's configuration (`web.basemaps`, `web.overlays`, served offline by the hub or
 * fetched from an XYZ/WMTS service): the switcher swaps the basemap's layers in place under the COP's own layers
 * (grid, drawings, units), so nothing the page draws is rebuilt. Vector maps use the Protomaps schema and its
 * published style (@protomaps/basemaps), with label text in the browser's own fonts (no glyph server offline).
 */
import {
  addProtocol,
  type LayerSpecification,
  type Map as MlMap,
  type SourceSpecification,
} from 'maplibre-gl';
import { FONT } from './map-style.js';

export interface MapSourceView {
  id: string;
  name: string;
  type: 'raster' | 'vector';
  pmtiles?: string;
  tiles?: string;
  minzoom: number;
  maxzoom: number;
  opacity: number;
  attribution?: string;
}

/** The bundled Natural Earth map (map-style.ts): always available. */
export const OFFLINE = 'offline';
const OFFLINE_LAYERS = ['world-land', 'land', 'coast', 'borders', 'places', 'place-names', 'country-names'];
/** The COP's lowest own layer (map-overlays.ts): basemaps and overlays go under it. */
const COP_BOTTOM = 'grid-lines';
const STORE_KEY = 'bw.basemap';

let pmtilesReady: Promise<void> | undefined;
function pmtilesProtocol(): Promise<void> {
  pmtilesReady ??= import('pmtiles').then(({ Protocol }) => {
    addProtocol('pmtiles', new Protocol().tile);
  });
  return pmtilesReady;
}

function sourceOf(m: MapSourceView): SourceSpecification {
  const where = m.pmtiles
    ? { url: `pmtiles://${location.origin}${m.pmtiles}` }
    : { tiles: [m.tiles!.startsWith('/') ? `${location.origin}${m.tiles}` : m.tiles!] };
  const common = { ...where, minzoom: m.minzoom, maxzoom: m.maxzoom, attribution: m.attribution ?? '' };
  return m.type === 'vector' ? { type: 'vector', ...common } : { type: 'raster', tileSize: 256, ...common };
}

/** The Protomaps style's layers for `source`, ids prefixed, text in local fonts, no sprite icons (offline). */
async function vectorLayers(source: string, prefix: string): Promise<LayerSpecification[]> {
  const { layers, namedFlavor } = await import('@protomaps/basemaps');
  const out: LayerSpecification[] = [];
  for (const l of layers(source, namedFlavor('light'), { lang: 'en' }) as LayerSpecification[]) {
    const layout = (l as { layout?: Record<string, unknown> }).layout;
    if (layout && 'icon-image' in layout) continue;
    if (layout && 'text-font' in layout) layout['text-font'] = FONT;
    out.push({ ...l, id: `${prefix}${l.id}` } as LayerSpecification);
  }
  return out;
}

/** Owns the basemap and overlay layers of one map. */
export class MapLayers {
  current = OFFLINE;
  private basemapLayers: string[] = [];
  /** Overlay id → its layer is shown. */
  readonly overlayOn = new Map<string, boolean>();
  private switching: Promise<void> = Promise.resolve();
  /** The basemap is drawn (the layers panel can hide it, leaving the sea colour). */
  basemapOn = true;

  /** Called when basemap layers were added (the layers panel re-applies its order). */
  onChange: () => void = () => {};

  constructor(
    private readonly map: MlMap,
    readonly basemaps: MapSourceView[],
    readonly overlays: MapSourceView[],
  ) {}

  /** The basemap the user chose last time (if it still exists), else the offline map. */
  remembered(): string {
    const id = localStorage.getItem(STORE_KEY) ?? OFFLINE;
    return this.basemaps.some((b) => b.id === id) ? id : OFFLINE;
  }

  /** Add the configured overlays (shown) under the COP's own layers. Call once the map has loaded. */
  async addOverlays(): Promise<void> {
    if (this.overlays.some((o) => o.pmtiles)) await pmtilesProtocol();
    for (const o of this.overlays) {
      this.map.addSource(`ov-${o.id}`, sourceOf(o));
      this.map.addLayer(
        { id: `ov-${o.id}`, type: 'raster', source: `ov-${o.id}`, paint: { 'raster-opacity': o.opacity } },
        COP_BOTTOM,
      );
      this.overlayOn.set(o.id, true);
    }
  }

  /** Show or hide whichever basemap is in use. */
  setBasemapVisible(on: boolean): void {
    this.basemapOn = on;
    const ids = this.current === OFFLINE ? OFFLINE_LAYERS : this.basemapLayers;
    for (const l of ids)
      if (this.map.getLayer(l)) this.map.setLayoutProperty(l, 'visibility', on ? 'visible' : 'none');
  }

  /** Overlay opacity, 0–1. */
  setOpacity(id: string, opacity: number): void {
    if (this.map.getLayer(`ov-${id}`)) this.map.setPaintProperty(`ov-${id}`, 'raster-opacity', opacity);
  }

  setOverlay(id: string, on: boolean): void {
    if (!this.overlayOn.has(id)) return;
    this.overlayOn.set(id, on);
    this.map.setLayoutProperty(`ov-${id}`, 'visibility', on ? 'visible' : 'none');
  }

  /** Switch the basemap (queued: switches run one after the other). */
  use(id: string): Promise<void> {
    this.switching = this.switching
      .then(() => this.swap(id))
      .catch((e: unknown) => console.error('basemap', e));
    return this.switching;
  }

  private async swap(id: string): Promise<void> {
    const m = this.basemaps.find((b) => b.id === id);
    const target = m ? id : OFFLINE;
    localStorage.setItem(STORE_KEY, target);
    if (target === this.current) return;
    for (const l of this.basemapLayers) if (this.map.getLayer(l)) this.map.removeLayer(l);
    this.basemapLayers = [];
    if (this.map.getSource('basemap')) this.map.removeSource('basemap');
    for (const l of OFFLINE_LAYERS)
      if (this.map.getLayer(l))
        this.map.setLayoutProperty(l, 'visibility', !m && this.basemapOn ? 'visible' : 'none');
    this.current = target;
    if (!m) return;
    if (m.pmtiles) await pmtilesProtocol();
    this.map.addSource('basemap', sourceOf(m));
    const layers: LayerSpecification[] =
      m.type === 'vector'
        ? await vectorLayers('basemap', 'bm-')
        : [{ id: 'bm-raster', type: 'raster', source: 'basemap' }];
    // Under everything that is not basemap: overlays, grid, drawings, units (in whatever order the panel set).
    const base = new Set(['sea', 'detail', 'archive', ...OFFLINE_LAYERS]);
    const below = this.map.getStyle().layers.find((l) => !base.has(l.id) && !l.id.startsWith('bm-'))?.id;
    for (const l of layers) {
      this.map.addLayer(l, below);
      this.basemapLayers.push(l.id);
    }
    this.setBasemapVisible(this.basemapOn);
    this.onChange();
  }
}

/** Fill the header's basemap switcher and apply the remembered choice and the overlays once the map loads. */
export function wireBasemaps(
  map: MlMap,
  select: HTMLSelectElement,
  cfg: Partial<Pick<MapLayers, 'basemaps' | 'overlays'>>,
): MapLayers {
  const layers = new MapLayers(map, cfg.basemaps ?? [], cfg.overlays ?? []);
  select.replaceChildren(
    new Option('Offline (Natural Earth)', OFFLINE),
    ...layers.basemaps.map((b) => new Option(b.name, b.id)),
  );
  select.hidden = layers.basemaps.length === 0;
  const start = layers.remembered();
  select.value = start;
  select.addEventListener('change', () => void layers.use(select.value));
  const onLoad = () => {
    void layers.addOverlays().then(() => layers.use(start));
  };
  if (map.getLayer(COP_BOTTOM)) onLoad();
  else map.once('load', onLoad);
  return layers;
}
