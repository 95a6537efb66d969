/**
 * Issue 21 "Generality": another region's messy list in the same columns (test/planner/fixtures/nordic-messy.csv:
 * other nations and systems, a BOM, thousands separators, words for numbers and dates, unknown statuses, grades
 * and capabilities, short rows, an extra column) imports with every problem reported and nothing silently
 * misread, and the analyses run on it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCsv } from '../../src/planner/import.js';
import { computeMosaic } from '../../src/planner/mosaic.js';
import { findOpportunities } from '../../src/planner/opportunities.js';
import { computePipeline } from '../../src/planner/pipeline.js';
import { loadReference } from '../../src/planner/reference.js';
import { registry } from './fixture.js';

const ref = loadReference();
const csv = readFileSync(join(import.meta.dirname, 'fixtures', 'nordic-messy.csv'), 'utf8');
const report = importCsv(csv, { source: 'nordic', areas: ref.areas, families: ref.families });
const prog = (line: number) => report.programmes.find((p) => p.id === `nordic:${line}`);
const issues = (line: number) =>
  report.issues.filter((i) => i.line === line).map((i) => [i.column, i.severity]);

describe('a second, messier CSV from another region', () => {
  it('reports every cell it cannot read, with line and column', () => {
    expect(issues(1)).toEqual([['comment', 'warning']]);
    expect(issues(4)).toEqual([['value_eur_m', 'unreadable']]); // "€45m"
    expect(issues(5)).toEqual([
      ['qty_ordered', 'unreadable'], // TBD
      ['qty_delivered', 'unreadable'], // n/a
      ['first_delivery', 'unreadable'], // Q3 2024
    ]);
    expect(issues(6)).toEqual([
      ['capability', 'warning'],
      ['system', 'warning'],
      ['order_date', 'unreadable'], // mid-2025
      ['first_delivery', 'unreadable'], // 2024/25
      ['confidence', 'warning'],
    ]);
    expect(issues(7)).toContainEqual(['delivered_asof', 'unreadable']); // 2025-13
    expect(report.issues.find((i) => i.line === 7 && i.column === 'value_eur_m')?.reason).toMatch(
      /value in PLN, not € million/,
    );
    expect(issues(8)).toEqual([
      ['*', 'warning'], // short row
      ['first_delivery', 'unreadable'], // late 2026
      ['value_eur_m', 'unreadable'], // cancelled?
      ['status', 'unreadable'], // cancelled
    ]);
    expect(report.skippedRows).toEqual([9, 10]);
  });

  it('reads what the rules cover, and never misreads a thousands separator or a word for "about"', () => {
    expect(prog(2)).toMatchObject({ family: 'k9', area: 'SPA', quantity: { value: 48, kind: 'exact' } });
    expect(prog(2)!.stages.firstDelivery?.at).toBe('2017-08'); // 2017-Q3
    expect(prog(3)!.valueEurM).toMatchObject({ value: 300, kind: 'approx' });
    expect(prog(4)!.quantity).toMatchObject({ value: 66 }); // 48 + 18 (2023)
    expect(prog(6)!.quantity).toMatchObject({ value: 12, kind: 'approx' }); // 12-ish
    expect(prog(6)!.area).toBe('Counter-UAS');
    const piorun = prog(7)!;
    expect(piorun.quantity).toMatchObject({ value: 400, unit: 'launchers' });
    expect(piorun.quantities.find((f) => f.unit === 'missiles')).toMatchObject({
      value: 1300,
      kind: 'approx',
    });
    expect(piorun.confidence).toBe('C'); // A/C: the worst part counts
  });

  it('runs the mosaic, pipeline and opportunities on it', () => {
    const reg = registry({
      areas: ref.areas,
      families: ref.families,
      programmes: report.programmes,
      lines: ref.lines,
    });
    const m = computeMosaic(reg, { asOf: '2026-06' });
    const spa = m.areas.find((a) => a.area === 'SPA')!;
    // DK's CAESAR has the unknown status "cancelled": reported, and not counted as a fleet.
    expect(spa.families.map((f) => f.family).sort()).toEqual(['archer', 'k9']);
    expect(m.areas.find((a) => a.area === 'MRAD')!.effectiveTypes!.value).toBe(1); // one family: 1 whatever the count
    const p = computePipeline(reg, { asOf: '2026-06' });
    expect(p.parameters.asOf).toBe('2026-06');
    expect(() => findOpportunities(reg, { asOf: '2026-06' })).not.toThrow();
  });
});
