/**
 * The map: offline basemap, entities as milsymbol icons with callsign labels and course arrows, stale greying,
 * trails, selection, MGRS grid. Entity changes reach MapLibre as id-keyed diffs (`updateData`), merged while a
 * previous diff is still being tiled and applied at most every FLUSH_MS, so a flood of updates costs one diff
 * per interval instead of one per message.
 */
import {
  Map as MapLibreMap,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type GeoJSONSource,
  type Map as MlMap,
  type MapMouseEvent,
  type StyleSpecification,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker is bundled by Vite as its own ES module (with its imports) so MapLibre never fetches it elsewhere.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import type { EntityStore, Tracked } from './entities.js';
import { FONT } from './map-style.js';
import { mgrsGrid } from './mgrs-grid.js';
import { SymbolCache, addCourseArrow } from './symbols.js';

/** Minimum time between two diffs handed to MapLibre. Far below the 1 s visibility budget. */
const FLUSH_MS = 150;
const MAX_FLUSH_MS = 500;
/** Callsign labels from this zoom (course arrows one zoom earlier). */
const LABEL_MINZOOM = 7;
setWorkerUrl(workerUrl);

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export interface MapViewOptions {
  center?: [number, number];
  zoom?: number;
}

export class MapView {
  readonly map: MlMap;
  private readonly store: EntityStore;
  private symbols!: SymbolCache;
  private readonly pendingAdd = new Map<string, GeoJSON.Feature>();
  private readonly pendingRemove = new Set<string>();
  private busy = false;
  private lastFlush = 0;
  private ready = false;
  private gridOn = false;
  private trailsOn = false;
  private trailsAt = 0;
  private selected: string | null = null;
  /** Called with the uid clicked (null for empty map). */
  onSelect: (uid: string | null) => void = () => {};
  /** Right click / long press: where to drop a marker. */
  onContext: (lon: number, lat: number) => void = () => {};
  onCursor: (lon: number, lat: number) => void = () => {};
  /** Latest applied batch: how many features, and when MapLibre had them (for status and the bench). */
  applied = { count: 0, at: 0, oldestTime: 0 };
  /** Minimum time between two diffs handed to MapLibre (see FLUSH_MS). */
  flushMs = FLUSH_MS;
  /** Let the interval follow the cost of the previous diff (off when a fixed interval is wanted). */
  adaptive = true;
  /** Bench only: when true, each applied update's age (page clock minus the event's `time`) is recorded. */
  measure = false;
  /** Frames MapLibre has rendered, and diffs applied (for the bench: repaints per diff is the cost driver). */
  renders = 0;
  diffs = 0;
  /** Ages in ms of updates when MapLibre had them; bounded (the oldest are dropped). */
  readonly latencies: number[] = [];

  /** `style` comes from {@link baseStyle}. */
  constructor(
    container: HTMLElement,
    store: EntityStore,
    style: StyleSpecification,
    opts: MapViewOptions = {},
  ) {
    this.store = store;
    this.map = new MapLibreMap({
      container,
      style,
      center: opts.center ?? [24.5, 56.2],
      zoom: opts.zoom ?? 5.3,
      attributionControl: { compact: true, customAttribution: 'Natural Earth' },
      fadeDuration: 0,
    });
    this.map.addControl(new NavigationControl({ visualizePitch: false }), 'top-right');
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.on('load', () => this.onLoad(container));
    this.map.on('render', () => this.renders++);
    // A plain DOM listener, live before the style loads: MapLibre's own contextmenu event is swallowed by its
    // right-drag rotate handler.
    const canvas = this.map.getCanvasContainer();
    canvas.addEventListener('contextmenu', (ev) => {
      ev.preventDefault();
      const r = canvas.getBoundingClientRect();
      const at = this.map.unproject([ev.clientX - r.left, ev.clientY - r.top]);
      this.onContext(at.lng, at.lat);
    });
    store.onChange((c) => {
      for (const uid of c.removed) {
        this.pendingAdd.delete(uid);
        this.pendingRemove.add(uid);
      }
      for (const uid of c.upserted) {
        const t = this.store.all.get(uid);
        if (t) this.pendingAdd.set(uid, this.feature(t));
      }
    });
  }

  private onLoad(container: HTMLElement): void {
    const map = this.map;
    this.symbols = new SymbolCache(map);
    addCourseArrow(map);
    map.addSource('grid', { type: 'geojson', data: EMPTY });
    map.addSource('trails', { type: 'geojson', data: EMPTY });
    map.addSource('entities', { type: 'geojson', data: EMPTY, promoteId: 'uid', buffer: 64, maxzoom: 12 });
    map.addLayer({
      id: 'grid-lines',
      type: 'line',
      source: 'grid',
      filter: ['!=', ['get', 'kind'], 'label'],
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
      id: 'trails',
      type: 'line',
      source: 'trails',
      paint: { 'line-color': '#5a5a5a', 'line-width': 1.5, 'line-opacity': 0.7, 'line-dasharray': [2, 1] },
    });
    map.addLayer({
      id: 'selection',
      type: 'circle',
      source: 'entities',
      filter: ['==', ['get', 'uid'], ''],
      paint: {
        'circle-radius': 22,
        'circle-color': 'rgba(255,200,0,0.25)',
        'circle-stroke-color': '#e0a000',
        'circle-stroke-width': 2,
      },
    });
    map.addLayer({
      id: 'course',
      type: 'symbol',
      source: 'entities',
      minzoom: LABEL_MINZOOM - 1,
      filter: ['>=', ['get', 'course'], 0],
      layout: {
        'icon-image': 'course',
        'icon-rotate': ['get', 'course'],
        'icon-rotation-alignment': 'map',
        'icon-anchor': 'bottom',
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    });
    map.addLayer({
      id: 'entities',
      type: 'symbol',
      source: 'entities',
      layout: {
        'icon-image': ['get', 'icon'],
        'icon-offset': ['get', 'off'],
        // Smaller when zoomed out: less clutter where thousands overlap, and far fewer pixels to blend.
        'icon-size': ['interpolate', ['linear'], ['zoom'], 4, 0.45, 7, 0.75, 9, 1],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    });
    // Labels are a layer of their own from zoom 7: at overview zooms thousands of callsigns would only collide,
    // and laying out their text is most of the cost of a large picture.
    map.addLayer({
      id: 'entity-labels',
      type: 'symbol',
      source: 'entities',
      minzoom: LABEL_MINZOOM,
      layout: {
        'text-field': ['get', 'label'],
        'text-font': FONT,
        'text-size': 11,
        'text-anchor': 'top',
        'text-offset': ['get', 'toff'],
      },
      paint: {
        'text-color': ['case', ['get', 'stale'], '#777777', '#111111'],
        'text-halo-color': '#ffffff',
        'text-halo-width': 1.3,
      },
    });
    map.on('click', 'entities', (e) => {
      const uid = e.features?.[0]?.properties?.uid as string | undefined;
      if (uid) {
        e.preventDefault();
        this.onSelect(uid);
      }
    });
    map.on('click', (e) => {
      if (!e.defaultPrevented) this.onSelect(null);
    });
    map.on('mouseenter', 'entities', () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', 'entities', () => (map.getCanvas().style.cursor = ''));
    map.on('mousemove', (e: MapMouseEvent) => this.onCursor(e.lngLat.lng, e.lngLat.lat));
    map.on('moveend', () => this.drawGrid());
    this.ready = true;
    container.dataset.ready = 'true';
    // Everything received before the style loaded goes in as one batch.
    for (const t of this.store.all.values()) this.pendingAdd.set(t.e.uid, this.feature(t));
    requestAnimationFrame(this.frame);
  }

  private feature(t: Tracked): GeoJSON.Feature {
    const e = t.e;
    const img = this.ready ? this.symbols.get(e.sidc, t.stale) : undefined;
    return {
      type: 'Feature',
      properties: {
        uid: e.uid,
        icon: img?.id ?? '',
        off: img?.offset ?? [0, 0],
        toff: [0, img ? (img.below + 2) / 11 : 1.5],
        label: e.callsign ?? '',
        course: e.course !== undefined && !t.stale ? e.course : -1,
        stale: t.stale,
      },
      geometry: { type: 'Point', coordinates: [e.lon, e.lat] },
    };
  }

  /** One step of the render loop: move page-side changes into MapLibre when it is ready for more. */
  private readonly frame = (now: number): void => {
    requestAnimationFrame(this.frame);
    this.store.flush();
    if (this.busy || now - this.lastFlush < this.flushMs) return;
    if (this.pendingAdd.size === 0 && this.pendingRemove.size === 0) {
      if (this.trailsOn && now - this.trailsAt > 1000) this.drawTrails(now);
      return;
    }
    // Features built before the symbol cache existed carry no icon: rebuild them.
    const add: GeoJSON.Feature[] = [];
    let oldest = Infinity;
    for (const [uid, f] of this.pendingAdd) {
      const t = this.store.all.get(uid);
      if (!t) continue;
      add.push(f.properties!.icon ? f : this.feature(t));
      if (t.receivedAt < oldest) oldest = t.receivedAt;
    }
    const remove = [...this.pendingRemove];
    this.pendingAdd.clear();
    this.pendingRemove.clear();
    this.busy = true;
    this.lastFlush = now;
    const began = performance.now();
    const src = this.map.getSource<GeoJSONSource>('entities')!;
    void src
      .updateData({ add, remove })
      .catch((err: unknown) => console.error('map update failed', err))
      .finally(() => {
        this.busy = false;
        this.diffs++;
        // Adapt: leave the main thread and the tiling worker at least as much idle time as the last diff took,
        // within [FLUSH_MS, MAX_FLUSH_MS] so updates still show within the 1 s budget.
        if (this.adaptive)
          this.flushMs = Math.min(MAX_FLUSH_MS, Math.max(FLUSH_MS, performance.now() - began));
        const at = Date.now();
        this.applied = { count: add.length + remove.length, at, oldestTime: oldest };
        if (this.measure) this.record(add, at);
      });
  };

  private record(add: GeoJSON.Feature[], at: number): void {
    for (const f of add) {
      const t = this.store.all.get(f.properties!.uid as string);
      if (t) this.latencies.push(at - t.e.time);
    }
    if (this.latencies.length > 200_000) this.latencies.splice(0, this.latencies.length - 200_000);
  }

  select(uid: string | null): void {
    this.selected = uid;
    if (this.ready) this.map.setFilter('selection', ['==', ['get', 'uid'], uid ?? '']);
  }

  get selection(): string | null {
    return this.selected;
  }

  flyTo(lon: number, lat: number): void {
    this.map.easeTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 9) });
  }

  setGrid(on: boolean): void {
    this.gridOn = on;
    this.drawGrid();
  }

  setTrails(on: boolean): void {
    this.trailsOn = on;
    if (!on && this.ready) this.map.getSource<GeoJSONSource>('trails')?.setData(EMPTY);
    else this.drawTrails(performance.now());
  }

  private drawGrid(): void {
    if (!this.ready) return;
    const src = this.map.getSource<GeoJSONSource>('grid')!;
    if (!this.gridOn) {
      void src.setData(EMPTY);
      return;
    }
    const b = this.map.getBounds();
    void src.setData(mgrsGrid([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], this.map.getZoom()));
  }

  private drawTrails(now: number): void {
    if (!this.ready || !this.trailsOn) return;
    this.trailsAt = now;
    const features: GeoJSON.Feature[] = [];
    for (const t of this.store.all.values()) {
      if (t.trail.length > 1) {
        features.push({
          type: 'Feature',
          properties: {},
          geometry: { type: 'LineString', coordinates: t.trail },
        });
      }
    }
    void this.map.getSource<GeoJSONSource>('trails')!.setData({ type: 'FeatureCollection', features });
  }
}
