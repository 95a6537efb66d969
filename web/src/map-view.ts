/**
 * The map: offline basemap; entities drawn by a WebGL layer (entity-layer.ts: milsymbol icons from an atlas,
 * positions updated in place); callsign labels, course arrows and the selection from a small GeoJSON source that
 * holds only what is in view when zoomed in; stale greying, trails, MGRS grid. Changes are merged per animation
 * frame and handed over at most every `flushMs`.
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
import { EntityLayer, iconScale } from './entity-layer.js';
import { FONT } from './map-style.js';
import { mgrsGrid } from './mgrs-grid.js';
import { addCourseArrow } from './symbols.js';

setWorkerUrl(workerUrl);

/** Minimum time between two hand-overs to the GPU layer: far below the 1 s visibility budget. */
const FLUSH_MS = 100;
/** Labels, course arrows (and the GeoJSON source feeding them) from this zoom, or at any zoom for small pictures. */
const DETAIL_MINZOOM = 7;
const SMALL_PICTURE = 500;
/** At most this many labelled entities in view; beyond it labels would only collide. */
const MAX_DETAIL = 3000;
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export interface MapViewOptions {
  center?: [number, number];
  zoom?: number;
}

export class MapView {
  readonly map: MlMap;
  readonly layer = new EntityLayer();
  private readonly store: EntityStore;
  private readonly pending = new Set<string>();
  private readonly pendingRemove = new Set<string>();
  private lastFlush = 0;
  private ready = false;
  private gridOn = false;
  private trailsOn = false;
  private trailsAt = 0;
  private detailDirty = true;
  private shapesDirty = false;
  private readonly shapeUids = new Set<string>();
  private detailBusy = false;
  private selected: string | null = null;
  /** Called with the uid clicked (null for empty map). */
  onSelect: (uid: string | null) => void = () => {};
  /** Right click: where to drop a marker. */
  onContext: (lon: number, lat: number) => void = () => {};
  onCursor: (lon: number, lat: number) => void = () => {};
  /** Latest hand-over: how many entities, and when (status line and the bench). */
  applied = { count: 0, at: 0 };
  /** Minimum time between two hand-overs. */
  flushMs = FLUSH_MS;
  /** Bench only: when true, each update's age when it is first drawn (page clock minus event `time`) is recorded. */
  measure = false;
  /** Frames MapLibre has rendered, and hand-overs made. */
  renders = 0;
  diffs = 0;
  /** Ages in ms of updates when first drawn; bounded (the oldest are dropped). */
  readonly latencies: number[] = [];
  private awaitingDraw: number[] = [];
  /** Kept for the bench's idle check. */
  readonly busy = false;

  /** `style` comes from baseStyle(). */
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
    this.map.on('render', () => {
      this.renders++;
      if (this.awaitingDraw.length) {
        const now = Date.now();
        if (this.measure) for (const t of this.awaitingDraw) this.latencies.push(now - t);
        if (this.latencies.length > 200_000) this.latencies.splice(0, this.latencies.length - 200_000);
        this.awaitingDraw = [];
      }
    });
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
        this.pending.delete(uid);
        this.pendingRemove.add(uid);
      }
      for (const uid of c.upserted) {
        this.pending.add(uid);
        this.pendingRemove.delete(uid);
      }
    });
  }

  private onLoad(container: HTMLElement): void {
    const map = this.map;
    addCourseArrow(map);
    map.addSource('grid', { type: 'geojson', data: EMPTY });
    map.addSource('trails', { type: 'geojson', data: EMPTY });
    map.addSource('detail', { type: 'geojson', data: EMPTY });
    map.addSource('selected', { type: 'geojson', data: EMPTY });
    map.addSource('shapes', { type: 'geojson', data: EMPTY });
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
      id: 'shapes-fill',
      type: 'fill',
      source: 'shapes',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': ['coalesce', ['get', 'fill'], 'rgba(106,61,154,0.15)'] },
    });
    map.addLayer({
      id: 'shapes-line',
      type: 'line',
      source: 'shapes',
      paint: { 'line-color': ['coalesce', ['get', 'stroke'], '#6a3d9a'], 'line-width': 2 },
    });
    map.addLayer({
      id: 'selection',
      type: 'circle',
      source: 'selected',
      paint: {
        'circle-radius': 20,
        'circle-color': 'rgba(255,200,0,0.25)',
        'circle-stroke-color': '#e0a000',
        'circle-stroke-width': 2,
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
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    });
    map.addLayer(this.layer);
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
    map.on('click', (e: MapMouseEvent) => {
      const shape = map.queryRenderedFeatures(e.point, { layers: ['shapes-fill', 'shapes-line'] })[0];
      this.onSelect(
        this.layer.hit(e.point.x, e.point.y) ?? (shape?.properties?.uid as string | undefined) ?? null,
      );
    });
    map.on('mousemove', (e: MapMouseEvent) => {
      this.onCursor(e.lngLat.lng, e.lngLat.lat);
      map.getCanvas().style.cursor =
        this.layer.size < 5000 && this.layer.hit(e.point.x, e.point.y) ? 'pointer' : '';
    });
    map.on('moveend', () => {
      this.drawGrid();
      this.detailDirty = true;
    });
    this.ready = true;
    container.dataset.ready = 'true';
    for (const uid of this.store.all.keys()) this.pending.add(uid);
    requestAnimationFrame(this.frame);
  }

  private detailFeature(t: Tracked): GeoJSON.Feature {
    const e = t.e;
    return {
      type: 'Feature',
      properties: {
        uid: e.uid,
        label: e.callsign ?? '',
        course: e.course !== undefined && !t.stale ? e.course : -1,
        stale: t.stale,
      },
      geometry: { type: 'Point', coordinates: [e.lon, e.lat] },
    };
  }

  /** One step of the render loop: hand page-side changes to the GPU layer and, when zoomed in, to the labels. */
  private readonly frame = (now: number): void => {
    requestAnimationFrame(this.frame);
    this.store.flush();
    if (now - this.lastFlush < this.flushMs) return;
    if (this.pending.size || this.pendingRemove.size) {
      this.lastFlush = now;
      let n = 0;
      for (const uid of this.pendingRemove) {
        this.layer.remove(uid);
        if (this.shapeUids.delete(uid)) this.shapesDirty = true;
      }
      for (const uid of this.pending) {
        const t = this.store.all.get(uid);
        if (!t) continue;
        if (t.e.shape) {
          // Drawings (lines, polygons, sensor footprints) are shapes, not symbols.
          this.layer.remove(uid);
          this.shapeUids.add(uid);
          this.shapesDirty = true;
        } else {
          if (this.shapeUids.delete(uid)) this.shapesDirty = true;
          this.layer.set(uid, t.e.lon, t.e.lat, t.e.sidc, t.stale);
        }
        if (this.measure) this.awaitingDraw.push(t.e.time);
        n++;
      }
      if (this.selected && (this.pending.has(this.selected) || this.pendingRemove.has(this.selected)))
        this.drawSelection();
      n += this.pendingRemove.size;
      this.pending.clear();
      this.pendingRemove.clear();
      this.diffs++;
      this.applied = { count: n, at: Date.now() };
      this.detailDirty = true;
      this.map.triggerRepaint();
    }
    if (this.detailDirty && !this.detailBusy) this.drawDetail();
    if (this.shapesDirty) this.drawShapes();
    if (this.trailsOn && now - this.trailsAt > 1000) this.drawTrails(now);
  };

  /** Labels and course arrows for what is in view, only when zoomed in (bounded: never the whole picture). */
  private drawDetail(): void {
    this.detailDirty = false;
    const src = this.map.getSource<GeoJSONSource>('detail')!;
    const features: GeoJSON.Feature[] = [];
    if (this.map.getZoom() >= DETAIL_MINZOOM || this.store.all.size <= SMALL_PICTURE) {
      const b = this.map.getBounds();
      for (const t of this.store.all.values()) {
        if (!b.contains([t.e.lon, t.e.lat])) continue;
        features.push(this.detailFeature(t));
        if (features.length >= MAX_DETAIL) break;
      }
    }
    this.detailBusy = true;
    void src
      .setData({ type: 'FeatureCollection', features })
      .catch((err: unknown) => console.error('label update failed', err))
      .finally(() => (this.detailBusy = false));
  }

  /** Drawings are few: the whole set is redrawn when one changes (bounded by MAX_DETAIL). */
  private drawShapes(): void {
    this.shapesDirty = false;
    const features: GeoJSON.Feature[] = [];
    for (const uid of this.shapeUids) {
      const t = this.store.all.get(uid);
      const sh = t?.e.shape;
      if (!t || !sh) continue;
      const geometry: GeoJSON.Geometry = sh.closed
        ? { type: 'Polygon', coordinates: [sh.coordinates] }
        : { type: 'LineString', coordinates: sh.coordinates };
      const stale = t.stale ? { stroke: '#8a8a8a', fill: 'rgba(138,138,138,0.15)' } : {};
      features.push({
        type: 'Feature',
        properties: { uid, stroke: sh.stroke, fill: sh.fill, ...stale },
        geometry,
      });
      if (features.length >= MAX_DETAIL) break;
    }
    void this.map.getSource<GeoJSONSource>('shapes')?.setData({ type: 'FeatureCollection', features });
  }

  private drawSelection(): void {
    if (!this.ready) return;
    const t = this.selected ? this.store.all.get(this.selected) : undefined;
    const data: GeoJSON.FeatureCollection = t
      ? { type: 'FeatureCollection', features: [this.detailFeature(t)] }
      : EMPTY;
    void this.map.getSource<GeoJSONSource>('selected')?.setData(data);
  }

  select(uid: string | null): void {
    this.selected = uid;
    this.drawSelection();
  }

  get selection(): string | null {
    return this.selected;
  }

  /** Icon scale at the current zoom (tests). */
  get iconScale(): number {
    return iconScale(this.map.getZoom());
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
    if (!on && this.ready) void this.map.getSource<GeoJSONSource>('trails')?.setData(EMPTY);
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
    const b = this.map.getBounds();
    for (const t of this.store.all.values()) {
      if (t.trail.length > 1 && b.contains(t.trail[t.trail.length - 1]!)) {
        features.push({
          type: 'Feature',
          properties: {},
          geometry: { type: 'LineString', coordinates: t.trail },
        });
        if (features.length >= MAX_DETAIL) break;
      }
    }
    void this.map.getSource<GeoJSONSource>('trails')!.setData({ type: 'FeatureCollection', features });
  }
}
