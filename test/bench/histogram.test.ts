import { describe, expect, it } from 'vitest';
import { Histogram } from '../../bench/lib/histogram.js';
import { parseProm, sumMatching } from '../../bench/lib/prom.js';
import { renderTable } from '../../bench/lib/table.js';
import { readProc } from '../../bench/lib/proc.js';

describe('Histogram', () => {
  it('reports percentiles within 2 % over a wide range', () => {
    const h = new Histogram();
    for (let i = 1; i <= 100_000; i++) h.recordMs(i / 100); // 0.01 .. 1000 ms uniform
    for (const p of [50, 95, 99]) {
      const exact = p * 10;
      expect(Math.abs(h.percentileMs(p) - exact) / exact).toBeLessThan(0.02);
    }
    expect(h.count).toBe(100_000);
  });

  it('merges through its JSON form', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 0; i < 1000; i++) a.recordMs(1);
    for (let i = 0; i < 1000; i++) b.recordMs(100);
    const m = Histogram.from(a.toJSON());
    m.merge(JSON.parse(JSON.stringify(b)));
    expect(m.count).toBe(2000);
    expect(m.percentileMs(25)).toBeCloseTo(1, 1);
    expect(m.percentileMs(99)).toBeGreaterThan(98);
  });

  it('clamps absurd and negative samples instead of failing', () => {
    const h = new Histogram();
    h.recordMs(-5);
    h.recordMs(1e12);
    expect(h.count).toBe(2);
    expect(h.clamped).toBe(1);
    expect(Number.isNaN(new Histogram().percentileMs(50))).toBe(true);
  });
});

describe('bench helpers', () => {
  it('parses Prometheus text and sums by name', () => {
    const s = parseProm(
      '# HELP x y\nbw_drops_total{reason="queue"} 3\nbw_drops_total{reason="slow"} 4\nbw_other 1.5\nbad line\n',
    );
    expect(sumMatching(s, (n) => n.includes('drops'))).toBe(7);
    expect(sumMatching(s, (n) => n === 'missing')).toBeUndefined();
  });

  it('reads its own process from /proc', () => {
    const p = readProc(process.pid);
    expect(p?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(p?.cpuSeconds).toBeGreaterThan(0);
  });

  it('renders an aligned table', () => {
    const t = renderTable(
      ['name', 'n'],
      [
        ['a', '1,000'],
        ['bb', '2'],
      ],
    );
    expect(t.split('\n')[2]).toBe('a     1,000');
  });
});
