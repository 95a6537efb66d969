/**
 * Money: per nation and year, what the programmes cost as scheduled (by funding source) against the national
 * envelope, with the shortfalls marked; on request, the HiGHS fit that moves payments later for the least delay.
 * Every assumption and its source is listed under the tables.
 */
import { chart, disposeCharts } from './charts.js';
import { el, fix, status, table } from './dom.js';
import { moneyApi, type MoneyResult } from './money-api.js';

/** Render the money view into `root`. */
export async function renderMoney(root: HTMLElement): Promise<void> {
  const form = el(
    'form',
    { class: 'toolbar', 'data-testid': 'money-form' },
    el('label', {}, 'years ', el('input', { name: 'years', value: '6', type: 'number', class: 'num' })),
    el('label', {}, el('input', { name: 'fit', type: 'checkbox' }), ' fit payments to the caps (HiGHS)'),
    el('button', { type: 'submit' }, 'Check'),
  );
  const out = el('div');
  root.append(form, out);
  const run = async () => {
    const f = new FormData(form);
    status(f.get('fit') ? 'solving…' : '');
    const r = await moneyApi.money(f.get('fit') !== null, Number(f.get('years') ?? 6));
    status(r.fit ? `fitted: ${fix(r.fit.delayEurMYears, 1)} €m-years late in all` : '');
    disposeCharts();
    out.replaceChildren();
    draw(out, r);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run().catch((err: Error) => status(err.message, 'error'));
  });
  await run();
}

function draw(out: HTMLElement, r: MoneyResult): void {
  out.append(
    el(
      'p',
      { class: 'muted' },
      `As of ${r.asOf}, €m. Envelope = GDP × defence % of GDP × equipment share × share open to these programmes.`,
    ),
  );
  for (const n of r.nations) {
    out.append(
      el(
        'h3',
        {},
        `${n.nation}: ${n.firstShortYear === null ? 'affordable every year' : `short from ${n.firstShortYear}`}`,
      ),
    );
    chart(
      out,
      {
        tooltip: { trigger: 'axis' },
        legend: {},
        xAxis: { type: 'category', data: n.rows.map((x) => String(x.year)) },
        yAxis: { type: 'value', name: '€m' },
        series: [
          { name: 'national due', type: 'bar', stack: 'due', data: n.rows.map((x) => x.nationalDueEurM) },
          {
            name: 'external due',
            type: 'bar',
            stack: 'due',
            data: n.rows.map((x) => Math.round((x.dueEurM - x.nationalDueEurM) * 100) / 100),
          },
          { name: 'national envelope', type: 'line', data: n.rows.map((x) => x.envelopeEurM) },
        ],
      },
      260,
      `money-chart-${n.nation}`,
    );
    out.append(
      table(
        [
          'year',
          'GDP €bn',
          'defence %',
          'envelope',
          'due',
          'national',
          'external (due/cap)',
          'headroom',
          'affordable',
        ],
        n.rows.map((x) => [
          x.year,
          fix(x.gdpEurBn),
          x.defencePct,
          fix(x.envelopeEurM, 1),
          fix(x.dueEurM, 1),
          fix(x.nationalDueEurM, 1),
          x.sources
            .map((s) => `${s.source} ${fix(s.dueEurM, 1)}/${s.capEurM === null ? '∞' : fix(s.capEurM, 1)}`)
            .join('; ') || '–',
          fix(x.headroomEurM, 1),
          x.affordable ? 'yes' : `NO (short ${fix(x.shortEurM, 1)})`,
        ]),
        { 'data-testid': `money-${n.nation}` },
      ),
    );
  }
  if (r.fit) {
    out.append(
      el(
        'h3',
        {},
        `Fitted to the caps (HiGHS, ${r.fit.status}): ${fix(r.fit.delayEurMYears, 1)} €m-years late`,
      ),
      table(
        ['programme', 'due', 'paid', 'late €m-years', 'final payment'],
        r.fit.lines
          .filter((l) => l.delayEurMYears > 0.005)
          .map((l) => [
            `${l.name}${l.tranche ? ` (${l.tranche})` : ''}`,
            years(l.dueByYear),
            years(l.paidByYear),
            fix(l.delayEurMYears, 1),
            l.slipYears === 'beyond'
              ? `beyond the horizon (€${fix(l.beyondEurM, 1)}m)`
              : `${l.slipYears} years later`,
          ]),
        { 'data-testid': 'money-fit' },
      ),
    );
  }
  out.append(
    el('h3', {}, 'Payments due in the horizon'),
    table(
      ['programme', 'value €m', 'contract', 'deliveries', 'funding', 'due in horizon', 'basis'],
      r.lines.map((l) => [
        `${l.name}${l.tranche ? ` (${l.tranche})` : ''}`,
        l.valueEurM,
        l.contractYear,
        `${l.firstDeliveryYear}-${l.lastDeliveryYear}`,
        l.funding.map((f) => `${f.source} ${Math.round(f.share * 100)} %`).join(', '),
        fix(l.dueInHorizonEurM, 1),
        l.basis.join('; '),
      ]),
      { 'data-testid': 'money-lines' },
    ),
    el('p', {}, `Not priced: ${r.unpriced.map((u) => `${u.name} (${u.reason})`).join('; ') || 'none'}.`),
    ...(r.noBudget.length ? [el('p', {}, `No budget line you may see for: ${r.noBudget.join(', ')}.`)] : []),
    el('h3', {}, 'Assumptions'),
    el(
      'ul',
      { class: 'muted', 'data-testid': 'money-assumptions' },
      ...r.assumptions.map((a) => el('li', {}, a)),
    ),
  );
}

const years = (m: Record<number, number>) =>
  Object.entries(m)
    .filter(([, v]) => v > 0.005)
    .map(([y, v]) => `${y}: ${fix(v, 1)}`)
    .join(', ');
