/**
 * The one-page briefing of a scenario: what it changes, and the figures that move against the base registry in
 * every analysis, with their sources as numbered notes. Plain HTML with print CSS (A4, one page), so a browser's
 * print or a headless page.pdf() gives the paper a planner takes into a meeting.
 */
import type { Comparison, ComparisonRow } from './compare.js';
import type { Scenario } from './scenarios.js';

const esc = (s: unknown) =>
  String(s ?? '–').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Rows per analysis on the page: the changed ones first; the page holds about this many in all. */
/** Figures the page holds in all: each analysis gets its share (2 to 4), so one A4 page holds them all. */
const ROWS_ON_PAGE = 21;

const CSS = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 8pt/1.25 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0; }
.marking { text-align: center; font-weight: bold; letter-spacing: .05em; border: 1px solid #111; padding: 1mm; }
h1 { font-size: 13pt; margin: 2mm 0 1mm; }
h2 { font-size: 9pt; margin: 2mm 0 .5mm; border-bottom: 1px solid #999; }
p, ul { margin: 1mm 0; }
ul { padding-left: 5mm; }
table { width: 100%; border-collapse: collapse; font-size: 7.5pt; }
td, th { padding: .3mm 1.5mm; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
.better { color: #0a6b2d; font-weight: bold; }
.worse { color: #a3120c; font-weight: bold; }
.changed { font-weight: bold; }
.muted { color: #555; }
sup { font-size: 6.5pt; }
.notes { font-size: 6pt; color: #333; columns: 3; column-gap: 6mm; margin-top: 2mm; }
.notes p { margin: 0 0 .4mm; break-inside: avoid; }
@media screen { body { max-width: 200mm; margin: 8mm auto; } }
`;

/** The rows of a section the page shows: changed first, then the rest, up to `max`. */
function pick(rows: ComparisonRow[], max: number): ComparisonRow[] {
  const changed = rows.filter((r) => r.deltas.some((d) => d !== null));
  const rest = rows.filter((r) => !changed.includes(r));
  return [...changed, ...rest].slice(0, max);
}

function value(v: ComparisonRow['values'][number], unit?: string): string {
  if (v === null) return '–';
  return typeof v === 'number' ? `${v.toLocaleString('en-GB')}${unit ? ` ${unit}` : ''}` : v;
}

/** Render the briefing page (a whole HTML document). */
export function renderBriefing(
  s: Scenario,
  cmp: Comparison,
  opts: { generated: string; marking?: string },
): string {
  const marking = esc(opts.marking ?? s.label?.classification ?? 'UNCLASSIFIED');
  const col = cmp.columns.find((c) => c.id === s.id)!;
  const perSection = Math.min(4, Math.max(2, Math.floor(ROWS_ON_PAGE / Math.max(1, cmp.sections.length))));
  const notes: string[] = [];
  const note = (sources: string[]) => {
    if (!sources.length) return '';
    const more = sources.length > 4 ? `; and ${sources.length - 4} more` : '';
    const text =
      sources
        .slice(0, 4)
        .map((x) => (x.length > 60 ? `${x.slice(0, 59)}…` : x))
        .join('; ') + more;
    let n = notes.indexOf(text);
    if (n < 0) n = notes.push(text) - 1;
    return `<sup>${n + 1}</sup>`;
  };
  const sections = cmp.sections
    .map((sec) => {
      const rows = pick(sec.rows, perSection)
        .map((r) => {
          const d = r.deltas[0] ?? null;
          return `<tr><td>${esc(r.label)}${note(r.sources)}</td><td class="num">${esc(value(r.values[0]!, r.unit))}</td><td class="num ${d ?? ''}">${esc(value(r.values[1]!, r.unit))}</td></tr>`;
        })
        .join('');
      const head = `${esc(sec.title)} <span class="muted">(${sec.changedRows} of ${sec.rows.length} figures change)</span>`;
      return `<h2>${head}</h2><table data-section="${esc(sec.id)}"><tr><th></th><th class="num">Base</th><th class="num">Scenario</th></tr>${rows}</table>`;
    })
    .join('');
  const edits = col.applied.map((a) => `<li>${esc(a)}</li>`).join('');
  const problems = col.problems.map((p) => `<li class="worse">${esc(p)}</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Briefing: ${esc(s.name)}</title><style>${CSS}</style></head><body>
<div class="marking" data-testid="briefing-marking">${marking}</div>
<h1 data-testid="briefing-title">${esc(s.name)}</h1>
<p class="muted">Scenario ${esc(s.id)} by ${esc(s.createdBy)} · briefing of ${esc(opts.generated)} · figures against the base registry; green better, red worse</p>
${s.description ? `<p>${esc(s.description)}</p>` : ''}
<ul data-testid="briefing-edits">${edits}${problems}</ul>
${sections}
<div class="notes" data-testid="briefing-sources"><p><b>Sources</b></p>${notes.map((t, i) => `<p>${i + 1}. ${esc(t)}</p>`).join('')}</div>
<div class="marking">${marking}</div>
</body></html>`;
}
