/**
 * What the map view computes from the picture without drawing it: the first view framed on where most units are,
 * and the trails in view over the chosen time window.
 */
import type { LngLatBounds, Map as MlMap } from 'maplibre-gl';
import type { EntityStore } from './entities.js';

/**
 * Frame the 60 % of live positions nearest the median position, so a few far-away units do not zoom the map out
 * to a whole region. False when there are fewer than three live units (try again later).
 */
export function fitPicture(map: MlMap, store: EntityStore): boolean {
  const lons: number[] = [];
  const lats: number[] = [];
  for (const t of store.all.values()) {
    if (t.stale) continue;
    lons.push(t.e.lon);
    lats.push(t.e.lat);
  }
  if (lons.length < 3) return false;
  // The 60 % of positions nearest the median position: the cluster where most units are.
  const mid = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const [mx, my] = [mid(lons), mid(lats)];
  const near = lons
    .map((x, i) => ({ x, y: lats[i]!, d: Math.hypot(x - mx, (lats[i]! - my) * 1.7) }))
    .sort((p, q) => p.d - q.d)
    .slice(0, Math.max(3, Math.ceil(lons.length * 0.6)));
  const xs = near.map((p) => p.x);
  const ys = near.map((p) => p.y);
  const [w, e, so, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const [dx, dy] = [Math.max(0.05, (e - w) * 0.15), Math.max(0.03, (n - so) * 0.15)];
  map.fitBounds(
    [
      [w - dx, so - dy],
      [e + dx, n + dy],
    ],
    { padding: 30, maxZoom: 11, duration: 0 },
  );
  return true;
}

/** Each unit's trail in view over the store's time window (at most `max`). */
export function trailFeatures(store: EntityStore, b: LngLatBounds, max: number): GeoJSON.Feature[] {
  const features: GeoJSON.Feature[] = [];
  const since = Date.now() - store.trailWindowMs;
  for (const t of store.all.values()) {
    if (t.trail.length < 2 || !b.contains(t.trail[t.trail.length - 1]!)) continue;
    const first = t.trailAt.findIndex((at) => at >= since);
    const coordinates = first < 0 ? [] : t.trail.slice(first);
    if (coordinates.length < 2) continue;
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates } });
    if (features.length >= max) break;
  }
  return features;
}
