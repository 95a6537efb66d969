/**
 * The map: offline basemap; entities drawn by a WebGL layer (entity-layer.ts: milsymbol icons from an atlas,
 * positions updated in place); callsign labels, course arrows and the selection from a small GeoJSON source that
 * holds only what is in view when zoomed in; stale greying, trails, MGRS grid. Changes are merged per animation
 * frame and handed over at most every `flushMs` — or, where one repaint is slow (software WebGL), less often, so
 * most frames stay short while every update is still drawn within a second (see {@link handOverGap}).
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
import { addOverlays, EMPTY } from './map-overlays.js';
import { drawnAsShape, SHAPE_LAYERS, setShapes, shapeFeatures } from './map-shapes.js';
import { handOverGap } from './pacing.js';
import { mgrsGrid } from './mgrs-grid.js';
import { fitPicture, trailFeatures } from './map-framing.js';

setWorkerUrl(workerUrl);

/** Minimum time between two hand-overs to the GPU layer: far below the 1 s visibility budget. */
const FLUSH_MS = 100;
/** Labels, course arrows (and the GeoJSON source feeding them) from this zoom, or at any zoom for small pictures. */
const DETAIL_MINZOOM = 7;
const SMALL_PICTURE = 500;
/** At most this many labelled entities in view; beyond it labels would only collide. */
const MAX_DETAIL = 3000;

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
  /** A click on the map before selection; return true to consume it (measure). */
  onMapClick: (lon: number, lat: number) => boolean = () => false;
  /** Uid the map keeps centred on (follow), or null. */
  following: string | null = null;
  /** Latest hand-over: how many entities, and when (status line and the bench). */
  applied = { count: 0, at: 0 };
  /** Minimum time between two hand-overs. */
  flushMs = FLUSH_MS;
  /** Space hand-overs out when repaints are slow (handOverGap); the bench can turn it off. */
  adaptive = true;
  /** Measured cost of a frame in which the map repainted (moving average, ms). */
  repaintMs = 0;
  private prevFrameAt = 0;
  private rendersSeen = 0;
  private detailEmpty = true;
  /** Bench only: when true, each update's age when it is first drawn (page clock minus event `time`) is recorded. */
  measure = false;
  /** Frames MapLibre has rendered, and hand-overs made. */
  renders = 0;
  diffs = 0;
  /** Ages in ms of updates when first drawn; bounded (the oldest are dropped). */
  readonly latencies: number[] = [];
  private awaitingDraw: number[] = [];
  /** Updates rendered by MapLibre, on screen once the frame that follows has begun. */
  private awaitingFrame: number[] = [];
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
    this.initialView = { center: opts.center ?? [24.5, 56.2], zoom: opts.zoom ?? 5.3 };
    this.map = new MapLibreMap({
      container,
      style,
      center: this.initialView.center,
      zoom: this.initialView.zoom,
      attributionControl: { compact: true, customAttribution: 'Natural Earth' },
      fadeDuration: 0,
    });
    this.map.addControl(new NavigationControl({ visualizePitch: false }), 'top-right');
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.on('load', () => this.onLoad(container));
    this.map.on('render', () => {
      this.renders++;
      if (this.awaitingDraw.length) {
        // MapLibre has issued the draw; the pixels exist once the browser has finished this frame (for software
        // WebGL that is the expensive part), so the age is taken at the start of the next animation frame.
        for (const t of this.awaitingDraw) this.awaitingFrame.push(t);
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
    addOverlays(map, this.layer);
    map.on('click', (e: MapMouseEvent) => {
      if (this.onMapClick(e.lngLat.lng, e.lngLat.lat)) return;
      const shape = map.queryRenderedFeatures(e.point, { layers: SHAPE_LAYERS })[0];
      this.onSelect(
        this.layer.hit(e.point.x, e.point.y) ?? (shape?.properties?.uid as string | undefined) ?? null,
      );
    });
    map.on('mousemove', (e: MapMouseEvent) => {
      this.onCursor(e.lngLat.lng, e.lngLat.lat);
      map.getCanvas().style.cursor =
        this.layer.size < 5000 && this.layer.hit(e.point.x, e.point.y) ? 'pointer' : '';
    });
    // Dragging the map ends follow, as in ATAK.
    map.on('dragstart', () => {
      this.following = null;
      this.userMoved = true;
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
        // No course arrow for what stands still (ATAK sends course with speed 0) or is stale.
        course:
          e.course !== undefined && !t.stale && (e.speed === undefined || e.speed > 0.2) ? e.course : -1,
        stale: t.stale,
      },
      geometry: { type: 'Point', coordinates: [e.lon, e.lat] },
    };
  }

  /** One step of the render loop: hand page-side changes to the GPU layer and, when zoomed in, to the labels. */
  private readonly frame = (now: number): void => {
    requestAnimationFrame(this.frame);
    if (this.renders !== this.rendersSeen) {
      // The frame that just ended held a repaint: its length is what a repaint costs here.
      const took = now - this.prevFrameAt;
      if (this.prevFrameAt) this.repaintMs = this.repaintMs ? this.repaintMs * 0.7 + took * 0.3 : took;
      this.rendersSeen = this.renders;
      if (this.awaitingFrame.length) {
        const at = Date.now();
        if (this.measure) for (const t of this.awaitingFrame) this.latencies.push(at - t);
        if (this.latencies.length > 200_000) this.latencies.splice(0, this.latencies.length - 200_000);
        this.awaitingFrame = [];
      }
    }
    this.prevFrameAt = now;
    this.store.flush();
    const gap = this.adaptive ? handOverGap(this.flushMs, this.repaintMs) : this.flushMs;
    if (now - this.lastFlush < gap) return;
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
        if (drawnAsShape(t.e)) {
          // Drawings, spot markers and alerts are GeoJSON (map-shapes.ts), not symbols.
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
      const f = this.following ? this.store.all.get(this.following) : undefined;
      if (f && this.pending.has(f.e.uid)) this.map.easeTo({ center: [f.e.lon, f.e.lat], duration: 300 });
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
        if (!b.contains([t.e.lon, t.e.lat]) || drawnAsShape(t.e)) continue;
        features.push(this.detailFeature(t));
        if (features.length >= MAX_DETAIL) break;
      }
    }
    // An empty source that stays empty (overview of a large picture) is not handed to MapLibre again: each
    // setData re-tiles in the worker and costs a repaint.
    if (features.length === 0 && this.detailEmpty) return;
    this.detailEmpty = features.length === 0;
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
    let n = 0;
    for (const uid of this.shapeUids) {
      const t = this.store.all.get(uid);
      if (!t) continue;
      for (const f of shapeFeatures(t)) features.push(f);
      if (++n >= MAX_DETAIL) break;
    }
    setShapes(this.map, features);
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

  /** True once the user moved the map (the first framing then leaves it alone). */
  userMoved = false;
  private readonly initialView: { center: [number, number]; zoom: number };

  /**
   * First view: frame where most of the picture is (the 60 % of positions nearest the median position, so a few
   * far-away units do not zoom the map out to a whole region), unless the user already moved the map. False when it is too
   * early (map not loaded, fewer than three live units): try again later.
   */
  frameOnPicture(): boolean {
    const c = this.map.getCenter();
    const moved =
      Math.abs(c.lng - this.initialView.center[0]) > 1e-6 ||
      Math.abs(c.lat - this.initialView.center[1]) > 1e-6 ||
      Math.abs(this.map.getZoom() - this.initialView.zoom) > 1e-6;
    if (this.userMoved || moved) return true;
    if (!this.ready) return false;
    return fitPicture(this.map, this.store);
  }

  /** Keep the map centred on `uid` as it moves (null stops). */
  follow(uid: string | null): void {
    this.following = uid;
    const t = uid ? this.store.all.get(uid) : undefined;
    if (t) this.flyTo(t.e.lon, t.e.lat);
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
    const features = trailFeatures(this.store, this.map.getBounds(), MAX_DETAIL);
    void this.map.getSource<GeoJSONSource>('trails')!.setData({ type: 'FeatureCollection', features });
  }
}
