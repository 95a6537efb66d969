/**
 * Fielding curves and line utilisation from the scheduler (HiGHS on the server), for the base plan and the
 * what-if runs side by side: cumulative deliveries per nation, utilisation and shadow price per line.
 */
import { api, type ScheduleRun } from './api.js';
import { chart, disposeCharts } from './charts.js';
import { el, fix, status, table } from './dom.js';
import { SourceNotes } from './sources.js';
import { daysOfFire } from './uncertainty.js';

/** Render the fielding view into `root`. */
export async function renderFielding(root: HTMLElement): Promise<void> {
  const form = el(
    'form',
    { class: 'toolbar', 'data-testid': 'fielding-form' },
    el('label', {}, 'start ', el('input', { name: 'start', value: '', size: 7, placeholder: 'as of + 1' })),
    el('label', {}, 'months ', el('input', { name: 'months', value: '72', type: 'number', class: 'num' })),
    el(
      'label',
      {},
      'lead if no delivery date (months) ',
      el('input', { name: 'defaultLeadMonths', value: '36', type: 'number', class: 'num' }),
    ),
    el('button', { type: 'submit' }, 'Schedule'),
  );
  const out = el('div');
  root.append(form, out);
  const run = async () => {
    const f = Object.fromEntries(new FormData(form).entries());
    status('solving…');
    const r = await api.schedule({
      fromRegistry: {
        ...(f.start ? { start: String(f.start) } : {}),
        months: Number(f.months),
        defaultLeadMonths: Number(f.defaultLeadMonths),
      },
      whatIfs: 'default',
    });
    status(`solved ${r.summaries.length} scenarios from ${r.results[0]?.parameters.start ?? ''}`);
    disposeCharts();
    out.replaceChildren();
    draw(out, r, 0);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run().catch((err: Error) => status(err.message, 'error'));
  });
  await run();
}

function draw(out: HTMLElement, r: ScheduleRun, which: number): void {
  const notes = new SourceNotes();
  const res = r.results[which]!;
  const pick = el(
    'select',
    { 'data-testid': 'scenario' },
    ...r.summaries.map((s, i) => el('option', { value: String(i), selected: i === which }, s.name)),
  );
  pick.addEventListener('change', () => {
    disposeCharts();
    out.replaceChildren();
    draw(out, r, Number(pick.value));
  });
  out.append(
    el('h3', {}, 'Scenarios side by side'),
    table(
      [
        'scenario',
        'status',
        'weighted lateness (unit-months)',
        'late orders',
        'short orders',
        'completion per nation',
        'top bottleneck (shadow price)',
        'what it changes',
      ],
      r.summaries.map((s) => [
        s.name,
        s.status,
        fix(s.weightedLateness),
        s.lateOrders,
        s.shortOrders,
        Object.entries(s.completionByNation)
          .map(([n, m]) => `${n} ${m ?? 'short'}`)
          .join(', '),
        s.bottlenecks[0] ? `${s.bottlenecks[0].line} (${fix(s.bottlenecks[0].shadowPrice)})` : '',
        s.sameAsBase ? 'nothing: same as base' : (s.note ?? ''),
      ]),
      { 'data-testid': 'scenario-table' },
    ),
    el('div', { class: 'toolbar' }, el('label', {}, 'Show scenario ', pick)),
  );
  if (res.status !== 'optimal') {
    out.append(
      el(
        'div',
        { class: 'alert' },
        el('strong', {}, 'Infeasible: '),
        ...res.explanation.map((x) => el('p', {}, x)),
      ),
    );
    return;
  }
  const months = res.fielding.months;
  chart(
    out,
    {
      title: {
        text: 'Fielding: cumulative deliveries per nation',
        left: 'center',
        textStyle: { fontSize: 14 },
      },
      tooltip: { trigger: 'axis' },
      legend: { top: 24 },
      grid: { top: 60, left: 50, right: 20, bottom: 60 },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', name: 'units' },
      dataZoom: [{ type: 'slider', bottom: 10 }],
      series: Object.entries(res.fielding.nations).map(([n, v]) => ({
        name: n,
        type: 'line',
        step: 'end',
        showSymbol: false,
        data: v,
      })),
    },
    340,
    'fielding-chart',
  );
  chart(
    out,
    {
      title: {
        text: 'Line utilisation over the horizon, and shadow price of capacity',
        left: 'center',
        textStyle: { fontSize: 14 },
      },
      tooltip: { trigger: 'axis' },
      legend: { top: 24 },
      grid: { top: 60, left: 60, right: 60, bottom: 60 },
      xAxis: { type: 'category', data: res.lines.map((l) => l.id), axisLabel: { rotate: 20 } },
      yAxis: [
        { type: 'value', name: 'utilisation %', max: 100 },
        { type: 'value', name: 'shadow price' },
      ],
      series: [
        {
          name: 'utilisation %',
          type: 'bar',
          data: res.lines.map((l) => Math.round(l.utilisation * 1000) / 10),
        },
        {
          name: 'shadow price',
          type: 'bar',
          yAxisIndex: 1,
          data: res.lines.map((l) => Math.round(l.shadowPrice * 100) / 100),
        },
      ],
    },
    320,
    'lines-chart',
  );
  out.append(
    el('h3', {}, 'Orders'),
    table(
      ['order', 'nation', 'family', 'quantity', 'wanted by', 'completion', 'months late', 'dates from'],
      res.orders.map((o) => [
        notes.with(o.name ?? o.id, r.sources?.[o.id]),
        o.nation,
        o.family,
        o.quantity,
        o.wantedBy,
        o.completion,
        o.monthsLate,
        (o.basis ?? []).join('; '),
      ]),
      { 'data-testid': 'orders-table' },
    ),
    el('h3', {}, 'Assumptions and defaults'),
    el('ul', { 'data-testid': 'schedule-defaults' }, ...(r.defaults ?? []).map((a) => el('li', {}, a))),
    el(
      'details',
      {},
      el(
        'summary',
        {},
        `Defaulted wanted-by dates (${r.assumptions.length}) and programmes not scheduled (${r.skipped.length})`,
      ),
      el(
        'ul',
        {},
        ...r.assumptions.map((a) => el('li', {}, a)),
        ...r.skipped.map((s) => el('li', {}, `${s.name}: ${s.reason}`)),
      ),
    ),
  );
  const mcBox = el(
    'div',
    { 'data-testid': 'montecarlo' },
    el('p', { class: 'muted' }, 'Monte Carlo running…'),
  );
  out.append(el('h3', {}, 'Uncertainty: when do the fleets arrive? (Monte Carlo)'), mcBox);
  void api
    .monteCarlo({ draws: 2000, months: res.parameters.months, start: res.parameters.start })
    .then((mc) => {
      mcBox.replaceChildren(
        el(
          'p',
          { class: 'muted' },
          `${mc.parameters.draws} draws, seed ${mc.parameters.seed}: completion month at P10 / P50 / P90 (90 % of draws are done by P90).`,
        ),
        table(
          ['order', 'nation', 'wanted by', 'P10', 'P50', 'P90', 'chance late'],
          [
            ...mc.orders.map((o) => [
              notes.with(o.name, o.sources),
              o.nation,
              o.wantedBy,
              o.p10,
              o.p50,
              o.p90,
              `${fix(o.late * 100, 0)} %`,
            ]),
            ...Object.entries(mc.nations).map(([n, x]) => [
              `${n}, all orders`,
              n,
              null,
              x.p10,
              x.p50,
              x.p90,
              null,
            ]),
          ],
          { 'data-testid': 'montecarlo-table' },
        ),
        ...daysOfFire(mc),
        el('ul', { class: 'muted' }, ...mc.assumptions.map((a) => el('li', {}, a))),
        notes.list('fielding-sources'),
      );
    })
    .catch((err: Error) => mcBox.replaceChildren(el('p', { class: 'alert' }, err.message)));
}
