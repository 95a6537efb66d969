/**
 * The operator's tools around the map: search and go to (callsign, uid, MGRS or coordinates), follow a unit,
 * measure (range and bearing of each leg and the total), night mode, the page's own position drawn and re-sent
 * before it goes stale (so TAK users keep the browser in their contact lists), and long-press on touch screens to
 * drop a marker (the right click of phones).
 */
import { Marker, type Map as MlMap } from 'maplibre-gl';
import { toPoint } from 'mgrs';
import type { EntityStore } from './entities.js';

/** Re-send the page's own position this often: well inside the hub's 10 min presence stale time. */
export const PRESENCE_EVERY_MS = 4 * 60_000;
const LONG_PRESS_MS = 600;

export type Place = { lon: number; lat: number; uid?: string };

/** Resolve what the user typed: coordinates, MGRS, then a uid or callsign (exact, then starts-with, then contains). */
export function resolvePlace(q: string, store: EntityStore): Place | undefined {
  const s = q.trim();
  if (!s) return undefined;
  const dec = /^(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)$/.exec(s);
  if (dec) {
    const [lat, lon] = [Number(dec[1]), Number(dec[2])];
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return { lat, lon };
  }
  const compact = s.replace(/\s+/g, '').toUpperCase();
  if (/^\d{1,2}[C-HJ-NP-X][A-HJ-NP-Z]{2}(\d{2}|\d{4}|\d{6}|\d{8}|\d{10})?$/.test(compact)) {
    try {
      const [lon, lat] = toPoint(compact);
      return { lon, lat };
    } catch {
      // not a valid MGRS reference: try names
    }
  }
  const lower = s.toLowerCase();
  const byUid = store.all.get(s);
  if (byUid) return { lon: byUid.e.lon, lat: byUid.e.lat, uid: s };
  let starts: Place | undefined;
  let contains: Place | undefined;
  for (const t of store.all.values()) {
    const cs = (t.e.callsign ?? '').toLowerCase();
    const hit = { lon: t.e.lon, lat: t.e.lat, uid: t.e.uid };
    if (cs === lower) return hit;
    if (!starts && cs.startsWith(lower)) starts = hit;
    if (!contains && (cs.includes(lower) || t.e.uid.toLowerCase().includes(lower))) contains = hit;
  }
  return starts ?? contains;
}

const RAD = Math.PI / 180;

/** Great-circle distance (m) and initial bearing (degrees true) from a to b. */
export function rangeBearing(a: [number, number], b: [number, number]): { range: number; bearing: number } {
  const [l1, p1, l2, p2] = [a[0] * RAD, a[1] * RAD, b[0] * RAD, b[1] * RAD];
  const h = Math.sin((p2 - p1) / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin((l2 - l1) / 2) ** 2;
  const range = 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  const y = Math.sin(l2 - l1) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(l2 - l1);
  return { range, bearing: (Math.atan2(y, x) / RAD + 360) % 360 };
}

export function distanceText(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(2)} km` : `${m.toFixed(0)} m`;
}

/** Measure: each click adds a point; the readout gives every leg's range and bearing and the total. */
export class Measure {
  active = false;
  readonly points: [number, number][] = [];
  constructor(
    private readonly map: MlMap,
    private readonly readout: HTMLElement,
  ) {}

  toggle(on = !this.active): void {
    this.active = on;
    this.points.length = 0;
    this.draw();
  }

  add(lon: number, lat: number): void {
    this.points.push([lon, lat]);
    this.draw();
  }

  private draw(): void {
    const legs = this.points.slice(1).map((p, i) => rangeBearing(this.points[i]!, p));
    const total = legs.reduce((s, l) => s + l.range, 0);
    this.readout.hidden = !this.active;
    this.readout.textContent = !this.active
      ? ''
      : legs.length
        ? `${legs.map((l) => `${distanceText(l.range)} @ ${l.bearing.toFixed(0)}°`).join(' → ')} · total ${distanceText(total)}`
        : 'Measure: click points on the map (Escape ends)';
    const src = this.map.getSource('measure') as { setData(d: unknown): void } | undefined;
    src?.setData({
      type: 'FeatureCollection',
      features: this.points.length
        ? [
            {
              type: 'Feature',
              properties: {},
              geometry:
                this.points.length > 1
                  ? { type: 'LineString', coordinates: this.points }
                  : { type: 'Point', coordinates: this.points[0] },
            },
          ]
        : [],
    });
  }
}

/** The browser user's own position: a blue dot, re-sent every PRESENCE_EVERY_MS. */
export class OwnPosition {
  private marker: Marker | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Presence messages sent since load (tests). */
  sent = 0;
  constructor(
    private readonly map: MlMap,
    private readonly send: (lon: number, lat: number) => boolean,
  ) {}

  set(lon: number, lat: number): void {
    localStorage.setItem('bw.presence', JSON.stringify([lon, lat]));
    this.announce();
  }

  /** Send the remembered position (on connect, when set, and on the timer) and draw it. */
  announce(): void {
    const saved = localStorage.getItem('bw.presence');
    if (!saved) return;
    const [lon, lat] = JSON.parse(saved) as [number, number];
    if (this.send(lon, lat)) this.sent++;
    this.draw(lon, lat);
    clearInterval(this.timer);
    this.timer = setInterval(() => this.announce(), PRESENCE_EVERY_MS);
  }

  private draw(lon: number, lat: number): void {
    if (!this.marker) {
      const el = document.createElement('div');
      el.className = 'self-dot';
      el.title = 'My position';
      this.marker = new Marker({ element: el });
      this.marker.setLngLat([lon, lat]).addTo(this.map);
    } else this.marker.setLngLat([lon, lat]);
  }
}

/** Touch: holding a finger still for 600 ms opens the marker dialog there (as right click does). */
export function longPress(map: MlMap, open: (lon: number, lat: number) => void): void {
  const canvas = map.getCanvasContainer();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let start: [number, number] | undefined;
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  canvas.addEventListener('pointerdown', (ev) => {
    if (ev.pointerType === 'mouse') return;
    start = [ev.clientX, ev.clientY];
    cancel();
    timer = setTimeout(() => {
      const r = canvas.getBoundingClientRect();
      const at = map.unproject([start![0] - r.left, start![1] - r.top]);
      open(at.lng, at.lat);
    }, LONG_PRESS_MS);
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (start && Math.hypot(ev.clientX - start[0], ev.clientY - start[1]) > 10) cancel();
  });
  for (const t of ['pointerup', 'pointercancel', 'pointerleave']) canvas.addEventListener(t, cancel);
}
