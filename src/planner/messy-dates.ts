/**
 * Reading reported date cells (`2024`, `2024-H2`, `2000-2016`, `~2028`, `2025-06 LoI / 2026-01 approval`,
 * `2027-2029 (conflicting)`): month-granular spans in the order written, stage words beside dates, and flags.
 * A year alone is a span over the year, never a month that has passed. Part of the messy-cell rules (messy.ts).
 */
import { month, type Month } from './month.js';
import { splitTop, stripNotes, type Read } from './messy.js';

/** A reported date or date range, month-granular. `at` is the month used in arithmetic (the span's middle). */
export interface DateSpan {
  from: Month;
  to: Month;
  at: Month;
  text: string;
  approx: boolean;
  /** `2026+`: the event starts then and continues. */
  openEnded: boolean;
  /** A stage keyword written beside the date (`LoI` → requirement, `approval` → budgetApproved). */
  stage?: 'requirement' | 'budgetApproved' | 'tender' | 'contract';
}

/** A read date cell: zero or more spans in the order written, and flags such as planned, intent, conflicting. */
export interface DateCell {
  spans: DateSpan[];
  flags: string[];
}

const STAGE_WORDS: [RegExp, NonNullable<DateSpan['stage']>][] = [
  [/\b(loi|letter of intent|intent|request|lor)\b/i, 'requirement'],
  [/\b(approval|approved|budget)\b/i, 'budgetApproved'],
  [/\b(tender|selection|rfp)\b/i, 'tender'],
  [/\b(contract|signed)\b/i, 'contract'],
];
const FLAG_WORDS = ['planned', 'intent', 'agreed', 'conflicting', 'estimate', 'disputed'];

function span(from: Month, to: Month, text: string, approx: boolean, openEnded: boolean): DateSpan {
  return { from, to, at: Math.floor((from + to) / 2), text, approx, openEnded };
}

/** Read one date term: `2024`, `2024-06`, `2023-11-30`, `2024-H2`, `2025-Q1`, `2000-2016`, `~2028`, `2026+`. */
function readDateTerm(raw: string): Read<DateSpan> {
  let s = raw.trim();
  let approx = false;
  let openEnded = false;
  if (s.startsWith('~')) {
    approx = true;
    s = s.slice(1).trim();
  }
  if (s.endsWith('+')) {
    openEnded = true;
    s = s.slice(0, -1).trim();
  }
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(s))) {
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return { ok: false, reason: `month ${m[2]} out of range in "${raw}"` };
    const x = month(Number(m[1]), mo);
    return { ok: true, value: span(x, x, raw, approx, openEnded), rules: ['YYYY-MM: that month'] };
  }
  if ((m = /^(\d{4})-H([12])$/i.exec(s))) {
    const y = Number(m[1]);
    const a = m[2] === '1' ? month(y, 1) : month(y, 7);
    return { ok: true, value: span(a, a + 5, raw, approx, openEnded), rules: ['YYYY-Hn: that half-year'] };
  }
  if ((m = /^(\d{4})-Q([1-4])$/i.exec(s))) {
    const a = month(Number(m[1]), (Number(m[2]) - 1) * 3 + 1);
    return { ok: true, value: span(a, a + 2, raw, approx, openEnded), rules: ['YYYY-Qn: that quarter'] };
  }
  if ((m = /^(\d{4})\s*-\s*(\d{4})$/.exec(s))) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (b < a) return { ok: false, reason: `year range "${raw}" runs backwards` };
    return {
      ok: true,
      value: span(month(a, 1), month(b, 12), raw, approx, openEnded),
      rules: ['YYYY-YYYY: the whole span'],
    };
  }
  if ((m = /^(\d{4})$/.exec(s))) {
    const y = Number(m[1]);
    return {
      ok: true,
      value: span(month(y, 1), month(y, 12), raw, approx, openEnded),
      rules: ['YYYY: that year'],
    };
  }
  return { ok: false, reason: `not a date: "${raw}"` };
}

/**
 * Read a date cell. `;` or `/` separate several dates (several lots or alternatives, kept in order); words in
 * parentheses become flags; a trailing stage word (`LoI`, `approval`) labels its date; a bare `planned` is a flag
 * without a date.
 */
export function readDate(text: string): Read<DateCell> | { ok: true; value: null; rules: [] } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null, rules: [] };
  const flags: string[] = [];
  const spans: DateSpan[] = [];
  const rules: string[] = [];
  for (const part of splitTop(t, /^\s*[;/]\s*/)) {
    const { core, notes } = stripNotes(part);
    for (const n of notes) flags.push(n.toLowerCase());
    let c = core;
    let stage: DateSpan['stage'];
    for (const [re, st] of STAGE_WORDS) {
      if (re.test(c)) {
        stage = st;
        c = c.replace(re, '').trim();
        break;
      }
    }
    if (c === '' || FLAG_WORDS.includes(c.toLowerCase())) {
      flags.push((c || core).toLowerCase());
      continue;
    }
    const r = readDateTerm(c);
    if (!r.ok) return r;
    if (stage) {
      r.value.stage = stage;
      rules.push(`stage word beside a date labels it (${stage})`);
    }
    spans.push(r.value);
    rules.push(...r.rules);
  }
  if (spans.length > 1) rules.push('"a; b" or "a / b": several dates kept in order');
  if (spans.length === 0 && flags.length === 0) return { ok: false, reason: `no date in "${t}"` };
  return { ok: true, value: { spans, flags: [...new Set(flags)] }, rules: [...new Set(rules)] };
}
