import { forward } from 'mgrs';
import { describe, expect, it } from 'vitest';
import { formatMgrs, gridSpacing, mgrsGrid } from '../../web/src/mgrs-grid.js';
import { fromUtm, toUtm, utmZone } from '../../web/src/utm.js';

describe('UTM math against the mgrs package', () => {
  const points: [number, number][] = [
    [25.28, 54.69], // Vilnius
    [24.11, 56.95], // Riga
    [24.75, 59.44], // Tallinn
    [20.51, 54.71], // Kaliningrad
    [5.32, 60.39], // Bergen (zone 32V exception)
    [-58.38, -34.6], // Buenos Aires (south)
  ];
  it.each(points)('%f,%f: the 1 m MGRS digits agree and the inverse returns the point', (lon, lat) => {
    const u = toUtm(lon, lat);
    const ref = forward([lon, lat], 5);
    const digits = ref.slice(-10);
    expect(Math.floor(u.easting) % 100000).toBe(Number(digits.slice(0, 5)));
    expect(Math.floor(u.northing) % 100000).toBe(Number(digits.slice(5)));
    expect(ref.startsWith(String(u.zone))).toBe(true);
    const [lon2, lat2] = fromUtm(u);
    expect(Math.abs(lon2 - lon)).toBeLessThan(1e-6);
    expect(Math.abs(lat2 - lat)).toBeLessThan(1e-6);
  });

  it('applies the Norway exception', () => {
    expect(utmZone(5.32, 60.39)).toBe(32);
    expect(utmZone(25.28, 54.69)).toBe(35);
  });
});

describe('MGRS grid overlay', () => {
  it('draws zone lines, 100 km lines and square labels over the Baltic', () => {
    const fc = mgrsGrid([19, 53, 29, 60], 5);
    const kinds = new Set(fc.features.map((f) => f.properties!.kind));
    expect(kinds).toEqual(new Set(['zone', 'band', 'grid100k', 'label']));
    const zones = fc.features.filter((f) => f.properties!.kind === 'zone');
    expect(zones.map((f) => (f.geometry as GeoJSON.LineString).coordinates[0]![0]).sort()).toEqual([24]);
    const labels = fc.features.filter((f) => f.properties!.kind === 'label').map((f) => f.properties!.name);
    expect(labels).toContain('35U LA'); // Vilnius' 100 km square
  });

  it('uses finer lines when zoomed in and keeps the line count bounded', () => {
    expect(gridSpacing(6)).toBe(100000);
    expect(gridSpacing(9)).toBe(10000);
    expect(gridSpacing(12)).toBe(1000);
    const fine = mgrsGrid([25.2, 54.65, 25.35, 54.72], 12);
    expect(fine.features.filter((f) => f.properties!.kind === 'grid').length).toBeGreaterThan(10);
    const wide = mgrsGrid([0, 40, 60, 70], 12);
    expect(wide.features.length).toBeLessThan(1000);
  });

  it('puts every 100 km square label inside the square it names, also where a zone boundary cuts squares', () => {
    for (const [box, zoom] of [
      [[19, 53, 29, 60], 5],
      [[23.2, 55.6, 24.8, 56.4], 8], // across the 34/35 zone boundary at 24°E
      [[17.5, 55, 18.5, 56], 8], // across 33/34 at 18°E
    ] as [[number, number, number, number], number][]) {
      const labels = mgrsGrid(box, zoom).features.filter((f) => f.properties!.kind === 'label');
      expect(labels.length).toBeGreaterThan(1);
      for (const f of labels) {
        const at = (f.geometry as GeoJSON.Point).coordinates as [number, number];
        expect(forward(at, 0)).toBe((f.properties!.name as string).replace(' ', ''));
        expect(at[0] >= box[0] && at[0] <= box[2] && at[1] >= box[1] && at[1] <= box[3]).toBe(true);
      }
    }
  });

  it('numbers the 10 km and 1 km lines with their easting and northing in the square', () => {
    for (const [zoom, spacing, digits] of [
      [12, 1000, 2],
      [9, 10000, 1],
    ] as const) {
      const box: [number, number, number, number] =
        zoom === 12 ? [25.2, 54.65, 25.35, 54.72] : [24.5, 54.4, 26, 55];
      const nums = mgrsGrid(box, zoom).features.filter((f) => f.properties!.kind === 'num');
      expect(nums.filter((f) => f.properties!.axis === 'e').length).toBeGreaterThan(2);
      expect(nums.filter((f) => f.properties!.axis === 'n').length).toBeGreaterThan(2);
      for (const f of nums) {
        const u = toUtm(...((f.geometry as GeoJSON.Point).coordinates as [number, number]));
        const v = f.properties!.axis === 'e' ? u.easting : u.northing;
        const expected = Math.round((v % 100000) / spacing) % 10 ** digits;
        expect(f.properties!.name).toBe(String(expected).padStart(digits, '0'));
      }
    }
  });

  it('formats readouts', () => {
    expect(formatMgrs(25.28, 54.69)).toMatch(/^35U LA \d{5} \d{5}$/);
    expect(formatMgrs(0, 89)).toBe('—');
  });
});
