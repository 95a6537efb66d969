/**
 * The MGRS grid overlay: UTM zone boundaries, latitude bands and grid lines at 100 km, 10 km or 1 km depending on
 * the zoom, each line clipped to its own zone, plus the 100 km square letters. Pure geometry for a view box; the
 * map draws the returned GeoJSON. Square ids come from the `mgrs` package so the letters match every other tool.
 */
import { forward } from 'mgrs';
import { centralMeridian, fromUtm, toUtm } from './utm.js';

export type Bounds = [west: number, south: number, east: number, north: number];

/** Grid spacing in metres for a map zoom: coarse when zoomed out so the overlay stays readable and cheap. */
export function gridSpacing(zoom: number): number {
  if (zoom >= 11) return 1000;
  if (zoom >= 8) return 10000;
  return 100000;
}

/** Lines are sampled every this many metres along their length (UTM lines are curved on the Mercator map). */
const STEP_FRACTION = 8;
/** Never emit more than this many lines (a wide view at a fine spacing falls back to the next coarser one). */
const MAX_LINES = 600;

/** The overlay for a view: lines (zone, band, grid) and 100 km square labels. MGRS covers 80°S..84°N. */
export function mgrsGrid(b: Bounds, zoom: number): GeoJSON.FeatureCollection {
  const south = Math.max(b[1], -80);
  const north = Math.min(b[3], 84);
  const west = Math.max(b[0], -180);
  const east = Math.min(b[2], 180);
  const features: GeoJSON.Feature[] = [];
  if (south >= north || west >= east) return { type: 'FeatureCollection', features };
  let spacing = gridSpacing(zoom);
  const firstZone = Math.floor((west + 180) / 6) + 1;
  const lastZone = Math.min(60, Math.floor((east + 180) / 6) + 1);
  // Zone boundaries (meridians) and 8° latitude bands.
  for (let z = firstZone; z <= lastZone + 1; z++) {
    const lon = (z - 1) * 6 - 180;
    if (lon >= west && lon <= east)
      features.push(
        line(
          [
            [lon, south],
            [lon, north],
          ],
          'zone',
        ),
      );
  }
  for (let lat = Math.ceil((south + 80) / 8) * 8 - 80; lat <= north; lat += 8) {
    features.push(
      line(
        [
          [west, lat],
          [east, lat],
        ],
        'band',
      ),
    );
  }
  // Coarsen the spacing until the view holds at most MAX_LINES lines, before sampling any of them.
  while (
    spacing < 100000 &&
    countLines(firstZone, lastZone, [west, south, east, north], spacing) > MAX_LINES
  ) {
    spacing *= 10;
  }
  const grid: GeoJSON.Feature[] = [];
  for (let z = firstZone; z <= lastZone; z++) {
    const zw = Math.max(west, (z - 1) * 6 - 180);
    const ze = Math.min(east, z * 6 - 180);
    if (ze > zw) zoneLines(z, [zw, south, ze, north], spacing, grid);
  }
  features.push(...grid);
  if (spacing >= 100000 || zoom >= 6) squareLabels([west, south, east, north], features);
  return { type: 'FeatureCollection', features };
}

function line(coordinates: number[][], kind: string): GeoJSON.Feature {
  return { type: 'Feature', properties: { kind }, geometry: { type: 'LineString', coordinates } };
}

/** Easting/northing extent of a box in one zone. */
function extent(
  zone: number,
  [w, s, e, n]: Bounds,
): [minE: number, maxE: number, minN: number, maxN: number] {
  const cm = Math.min(Math.max(centralMeridian(zone), w), e);
  const corners = [
    toUtm(w, s, zone),
    toUtm(w, n, zone),
    toUtm(e, s, zone),
    toUtm(e, n, zone),
    toUtm(cm, s, zone),
    toUtm(cm, n, zone),
  ];
  return [
    Math.min(...corners.map((c) => c.easting)),
    Math.max(...corners.map((c) => c.easting)),
    Math.min(...corners.map((c) => c.northing)),
    Math.max(...corners.map((c) => c.northing)),
  ];
}

function countLines(firstZone: number, lastZone: number, b: Bounds, spacing: number): number {
  let n = 0;
  for (let z = firstZone; z <= lastZone; z++) {
    const zw = Math.max(b[0], (z - 1) * 6 - 180);
    const ze = Math.min(b[2], z * 6 - 180);
    if (ze <= zw) continue;
    const [minE, maxE, minN, maxN] = extent(z, [zw, b[1], ze, b[3]]);
    n += (maxE - minE) / spacing + (maxN - minN) / spacing;
  }
  return n;
}

/** Grid lines of one zone inside `box` (already clipped to the zone's longitudes). */
function zoneLines(zone: number, box: Bounds, spacing: number, out: GeoJSON.Feature[]): void {
  const [w, s, e, n] = box;
  const south = s < 0 && n <= 0;
  const [minE, maxE, minN, maxN] = extent(zone, box);
  // Dense enough to follow the curvature, never more than ~200 points a line.
  const step = Math.max(spacing / STEP_FRACTION, Math.max(maxE - minE, maxN - minN) / 200);
  // 100 km square boundaries stand out at every spacing.
  const kindOf = (v: number) => (Math.round(v) % 100000 === 0 ? 'grid100k' : 'grid');
  const inside = (p: [number, number]) => p[0] >= w - 1e-9 && p[0] <= e + 1e-9 && p[1] >= s && p[1] <= n;
  const emit = (pts: [number, number][], kind: string, num: GeoJSON.GeoJsonProperties) => {
    // Keep the runs of points inside the zone box; a line leaving the zone is cut there. The first run's first
    // point (the bottom or left edge of the view) carries the line's easting or northing number.
    let run: [number, number][] = [];
    const flush = () => {
      if (run.length > 1) {
        out.push(line(run, kind));
        if (num)
          out.push({ type: 'Feature', properties: num, geometry: { type: 'Point', coordinates: run[0]! } });
        num = null;
      }
      run = [];
    };
    for (const p of pts) {
      if (inside(p)) run.push(p);
      else if (run.length) flush();
    }
    flush();
  };
  for (let x = Math.ceil(minE / spacing) * spacing; x <= maxE; x += spacing) {
    const pts: [number, number][] = [];
    for (let y = minN; y <= maxN + step; y += step)
      pts.push(fromUtm({ zone, south, easting: x, northing: Math.min(y, maxN) }));
    emit(pts, kindOf(x), gridNumber(x, spacing, 'e'));
  }
  for (let y = Math.ceil(minN / spacing) * spacing; y <= maxN; y += spacing) {
    const pts: [number, number][] = [];
    for (let x = minE; x <= maxE + step; x += step)
      pts.push(fromUtm({ zone, south, easting: Math.min(x, maxE), northing: y }));
    emit(pts, kindOf(y), gridNumber(y, spacing, 'n'));
  }
}

/**
 * The number printed on a 10 km or 1 km line: its easting or northing within the 100 km square at that line's
 * precision, as it reads in an MGRS reference ("3" for 30 km at 10 km spacing, "34" for 34 km at 1 km). 100 km
 * lines carry the square letters instead.
 */
export function gridNumber(v: number, spacing: number, axis: 'e' | 'n'): GeoJSON.GeoJsonProperties {
  const inSquare = Math.round(v) % 100000;
  if (spacing >= 100000 || inSquare === 0) return null;
  const digits = spacing >= 10000 ? 1 : 2;
  const name = String(Math.floor(inSquare / spacing) % 10 ** digits).padStart(digits, '0');
  return { kind: 'num', axis, name };
}

/** "35U LB"-style labels at the centre of each 100 km square in view (sampled; at most 200). */
function squareLabels(b: Bounds, out: GeoJSON.Feature[]): void {
  const seen = new Set<string>();
  const cols = 14;
  const rows = 10;
  for (let i = 0; i <= cols; i++) {
    for (let j = 0; j <= rows; j++) {
      const lon = b[0] + ((b[2] - b[0]) * i) / cols;
      const lat = b[1] + ((b[3] - b[1]) * j) / rows;
      let id: string;
      try {
        id = forward([lon, lat], 0);
      } catch {
        continue;
      }
      if (seen.has(id) || seen.size >= 200) continue;
      seen.add(id);
      const at = squareCentre(id, toUtm(lon, lat), b);
      if (!at) continue;
      out.push({
        type: 'Feature',
        properties: { kind: 'label', name: `${id.slice(0, -2)} ${id.slice(-2)}` },
        geometry: { type: 'Point', coordinates: at },
      });
    }
  }
}

/**
 * Where a square's label goes: the middle of the part of 100 km square `id` that is in its own zone, band and the
 * view. A square cut by a zone boundary is only partly in its zone; its geometric centre can lie in the next zone,
 * where the label would name the wrong square. Sampled on a 7×7 grid; each sample is checked with `mgrs`.
 */
function squareCentre(id: string, u: ReturnType<typeof toUtm>, b: Bounds): [number, number] | undefined {
  const e0 = Math.floor(u.easting / 100000) * 100000;
  const n0 = Math.floor(u.northing / 100000) * 100000;
  const kept: [number, number][] = [];
  for (let i = 0; i < 7; i++)
    for (let j = 0; j < 7; j++) {
      const p = fromUtm({ ...u, easting: e0 + 7000 + i * 14300, northing: n0 + 7000 + j * 14300 });
      if (p[0] < b[0] || p[0] > b[2] || p[1] < b[1] || p[1] > b[3]) continue;
      try {
        if (forward(p, 0) === id) kept.push(p);
      } catch {
        // outside MGRS coverage
      }
    }
  if (!kept.length) return undefined;
  const mean: [number, number] = [
    kept.reduce((s, p) => s + p[0], 0) / kept.length,
    kept.reduce((s, p) => s + p[1], 0) / kept.length,
  ];
  try {
    if (forward(mean, 0) === id) return mean;
  } catch {
    // fall through to the nearest sample
  }
  return kept.reduce((best, p) =>
    Math.hypot(p[0] - mean[0], p[1] - mean[1]) < Math.hypot(best[0] - mean[0], best[1] - mean[1]) ? p : best,
  );
}

/** MGRS reference of a position for readouts: "35U LB 12345 67890" (1 m), or "—" outside MGRS coverage. */
export function formatMgrs(lon: number, lat: number, digits = 5): string {
  try {
    const s = forward([lon, lat], digits);
    const m = /^(\d{1,2}[C-X])([A-Z]{2})(\d*)$/.exec(s);
    if (!m) return s;
    const d = m[3]!;
    return `${m[1]} ${m[2]} ${d.slice(0, d.length / 2)} ${d.slice(d.length / 2)}`.trim();
  } catch {
    return '—';
  }
}
