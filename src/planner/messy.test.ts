import { describe, expect, it } from 'vitest';
import { readDate, readMoney, readQuantity, readStatus } from './messy.js';
import { formatMonth } from './month.js';

const q = (s: string) => {
  const r = readQuantity(s);
  if (!r.ok || !r.value) throw new Error(`unreadable ${s}`);
  return r.value;
};

describe('quantity rules', () => {
  it('reads plain, approximate, bound, range and doubtful numbers', () => {
    expect(q('44').figures).toEqual([{ value: 44, kind: 'exact' }]);
    expect(q('~130').figures).toEqual([{ value: 130, kind: 'approx' }]);
    expect(q('>200').figures).toEqual([{ value: 200, kind: 'min' }]);
    expect(q('265+ (Scania lot 1)').figures).toEqual([{ value: 265, kind: 'min', note: 'Scania lot 1' }]);
    expect(q('up to ~3000 (EE+LV)').figures).toEqual([{ value: 3000, kind: 'max', note: 'EE+LV' }]);
    expect(q('~16000-19000').figures).toEqual([{ value: 16000, kind: 'range', high: 19000 }]);
    expect(q('8?').figures).toEqual([{ value: 8, kind: 'uncertain' }]);
  });
  it('keeps one figure per unit and treats bare a / b as alternatives', () => {
    expect(q('100 launchers/300 missiles')).toEqual({
      figures: [
        { value: 100, kind: 'exact', unit: 'launchers' },
        { value: 300, kind: 'exact', unit: 'missiles' },
      ],
      alternatives: false,
    });
    expect(q('80 CLU; 368 missiles').figures.map((f) => f.unit)).toEqual(['launchers', 'missiles']);
    expect(q('54 / 80')).toEqual({
      figures: [
        { value: 54, kind: 'exact' },
        { value: 80, kind: 'exact' },
      ],
      alternatives: true,
    });
  });
  it('adds sums and makes a number-less part a lower bound', () => {
    expect(q('340 used + >170 new').figures[0]).toMatchObject({ value: 510, kind: 'min' });
    expect(q('2 batteries + follow-on').figures[0]).toMatchObject({
      value: 2,
      kind: 'min',
      unit: 'batteries',
    });
    expect(q('48 (18+30)').figures[0]).toEqual({ value: 48, kind: 'exact', note: '18+30' });
    expect(q('21 (16 combat)').figures[0]).toEqual({ value: 21, kind: 'exact', note: '16 combat' });
  });
  it('refuses words without numbers and keeps empty cells empty', () => {
    expect(readQuantity('undisclosed')).toEqual({ ok: false, reason: 'no number in "undisclosed"' });
    expect(readQuantity('significant quantity').ok).toBe(false);
    expect(readQuantity('')).toEqual({ ok: true, value: null, rules: [] });
  });
});

describe('money rules', () => {
  const m = (s: string) => {
    const r = readMoney(s);
    if (!r.ok || !r.value) throw new Error(s);
    return r.value;
  };
  it('separates contracted money from ceilings', () => {
    expect(m('693 (ceiling)')).toEqual({ ceiling: { value: 693, kind: 'exact', note: 'ceiling' } });
    expect(m('60 (2007); <=200 (2025 fw)')).toEqual({
      contracted: { value: 60, kind: 'exact', note: '2007' },
      ceiling: { value: 200, kind: 'exact', note: '2025 fw' },
    });
  });
  it('sums lots and keeps currency remarks', () => {
    expect(m('~150 + 252').contracted).toEqual({ value: 402, kind: 'approx' });
    expect(m('16.2+4').contracted).toEqual({ value: 20.2, kind: 'exact' });
    expect(m('~60-70 + 47').contracted).toEqual({ value: 107, kind: 'range', high: 117 });
    expect(m('~190 (US$200m)').contracted).toEqual({ value: 190, kind: 'approx', note: 'US$200m' });
  });
});

describe('date rules', () => {
  const d = (s: string) => {
    const r = readDate(s);
    if (!r.ok || !r.value) throw new Error(s);
    return r.value;
  };
  it('reads months, years, halves, ranges and days', () => {
    expect(formatMonth(d('2024-06').spans[0]!.at)).toBe('2024-06');
    expect(d('2019').spans[0]).toMatchObject({ text: '2019' });
    expect(formatMonth(d('2019').spans[0]!.at)).toBe('2019-06');
    expect(formatMonth(d('2024-H2').spans[0]!.from)).toBe('2024-07');
    expect(formatMonth(d('2023-11-30').spans[0]!.at)).toBe('2023-11');
    const r = d('2027-2029 (conflicting)');
    expect([formatMonth(r.spans[0]!.from), formatMonth(r.spans[0]!.to)]).toEqual(['2027-01', '2029-12']);
    expect(r.flags).toEqual(['conflicting']);
    expect(d('2026+').spans[0]!.openEnded).toBe(true);
    expect(d('~2028').spans[0]!.approx).toBe(true);
  });
  it('keeps several dates in order and reads stage words and flags', () => {
    expect(d('2004;2015;2016').spans.map((s) => s.text)).toEqual(['2004', '2015', '2016']);
    expect(d('2019 / 2022-10').spans.map((s) => s.text)).toEqual(['2019', '2022-10']);
    const s = d('2025-06 LoI / 2026-01 approval').spans;
    expect(s.map((x) => [x.text, x.stage])).toEqual([
      ['2025-06', 'requirement'],
      ['2026-01', 'budgetApproved'],
    ]);
    expect(d('planned')).toEqual({ spans: [], flags: ['planned'] });
    expect(d('2024 (intent)').flags).toEqual(['intent']);
  });
  it('refuses impossible dates', () => {
    expect(readDate('2024-13').ok).toBe(false);
    expect(readDate('soon').ok).toBe(false);
  });
});

describe('status rules', () => {
  it('splits combined statuses and keeps remarks', () => {
    expect(readStatus('in_service+ordered')).toMatchObject({
      ok: true,
      value: { statuses: ['in_service', 'ordered'] },
    });
    expect(readStatus('in_service (6 to UA)')).toMatchObject({
      value: { statuses: ['in_service'], notes: ['6 to UA'] },
    });
    expect(readStatus('mothballed').ok).toBe(false);
  });
});
