/** Ranked joint-procurement opportunities, with the scoring weights and learning-curve parameters editable. */
import { SourceNotes } from './sources.js';
import { api } from './api.js';
import { chart } from './charts.js';
import { el, fix, status } from './dom.js';

const COMPONENTS = ['types', 'volume', 'framework', 'capacity'] as const;

/** Render the opportunities view into `root`. */
export async function renderOpportunities(root: HTMLElement, q: Record<string, string> = {}): Promise<void> {
  const r = await api.opportunities(q);
  const p = r.parameters;
  const input = (name: string, value: string | number, step = '0.05') =>
    el('input', { name, value: String(value), type: 'number', step, class: 'num' });
  const form = el(
    'form',
    { class: 'toolbar', 'data-testid': 'opp-form' },
    el('label', {}, 'window (years) ', input('windowYears', p.windowYears, '0.5')),
    el('label', {}, 'as of ', el('input', { name: 'asOf', value: p.asOf, size: 7 })),
    el('label', {}, 'learning rate ', input('learningRate', p.learningRate, '0.01')),
    ...COMPONENTS.map((c) =>
      el('label', {}, `w ${c} `, input(`w${c[0]!.toUpperCase()}${c.slice(1)}`, p.weights[c] ?? 0)),
    ),
    el('button', { type: 'submit' }, 'Rank'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)]));
    root.replaceChildren();
    void renderOpportunities(root, next).catch((err: Error) => status(err.message, 'error'));
  });
  root.append(
    form,
    el(
      'p',
      { class: 'muted', 'data-testid': 'opp-note' },
      `As of ${p.asOf}. The weights are a judgement, not a fact: no source fixes how much fewer types matter against volume, frameworks or line capacity. Change them and rank again.`,
    ),
  );
  if (r.opportunities.length === 0) {
    root.append(
      el('p', {}, 'No capability area has two or more nations planning or ordering within the window.'),
    );
    return;
  }
  const labels = r.opportunities.map((o) => `#${o.rank} ${o.areaName}: ${o.proposal.name}`);
  chart(
    root,
    {
      title: { text: 'Score = Σ weight × component', left: 'center', textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 24 },
      grid: { top: 60, left: 200, right: 30, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: COMPONENTS.map((c) => ({
        name: c,
        type: 'bar',
        stack: 'score',
        data: r.opportunities.map(
          (o) => Math.round((p.weights[c] ?? 0) * (o.proposal.components[c] ?? 0) * 1000) / 1000,
        ),
      })),
    },
    Math.max(200, 70 + 40 * labels.length),
    'opp-chart',
  );
  const list = el('ol', { class: 'cards', 'data-testid': 'opp-list' });
  const notes = new SourceNotes();
  for (const o of r.opportunities) {
    const pr = o.proposal;
    const sv = pr.savings;
    list.append(
      el(
        'li',
        { class: 'card' },
        el(
          'h4',
          {},
          `${o.areaName}: ${pr.name} for ${pr.nations.join(' + ')} — score ${fix(pr.score, 3)} (grade ${o.confidence})`,
          notes.cite(o.sources),
        ),
        el(
          'p',
          {},
          `Decisions ${o.window.from} … ${o.window.to}: ${pr.pooled.map((x) => `${x.name} ${x.quantity ?? '(quantity unknown)'}${x.switches ? ' (switches)' : ''}`).join(', ')}. Pooled ${pr.pooledQuantity} units${pr.unknownQuantity.length ? ` + ${pr.unknownQuantity.length} programme(s) of unknown quantity` : ''}.`,
        ),
        el(
          'p',
          {},
          `Effective types ${fix(pr.typesBefore)} → ${fix(pr.typesAfter)}. Frameworks: ${pr.frameworks.join(', ') || 'none'}. Line capacity in window: ${pr.capacity ? `${pr.capacity.units} units (${pr.capacity.lines.join(', ')})` : 'no line recorded'}.`,
        ),
        el(
          'p',
          {},
          sv
            ? `Learning curve (rate ${sv.learningRate}): pooled buy saves ${fix(sv.savingShare * 100, 1)} %${sv.saving !== undefined ? ` ≈ €${fix(sv.saving, 1)}m (first-unit cost from ${sv.firstUnitBasis})` : ''}.`
            : 'Savings: needs quantities for at least two national lots.',
        ),
        pr.locked.length
          ? el(
              'p',
              { class: 'muted' },
              `Already contracted elsewhere (stay as they are): ${pr.locked.join(', ')}`,
            )
          : null,
        o.alternatives.length
          ? el(
              'p',
              { class: 'muted' },
              `Alternatives: ${o.alternatives.map((a) => `${a.name} ${fix(a.score, 3)}`).join('; ')}`,
            )
          : null,
      ),
    );
  }
  root.append(list, notes.list('opp-sources'));
}
