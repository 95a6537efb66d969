/**
 * The pipeline timeline: one row per programme, one bar per stage interval (requirement → approval → tender →
 * contract → first → last delivery), planned intervals pale, stalled programmes flagged. Medians and approved
 * money not yet contracted above it.
 */
import { api, type Pipeline } from './api.js';
import { chart, echarts } from './charts.js';
import { el, status } from './dom.js';

const STAGES = [
  'requirement',
  'budgetApproved',
  'tender',
  'contract',
  'firstDelivery',
  'lastDelivery',
] as const;
const COLOURS: Record<string, string> = {
  requirement: '#9bb7d4',
  budgetApproved: '#6c8ebf',
  tender: '#b39ddb',
  contract: '#f0a35e',
  firstDelivery: '#6aa84f',
};
const toTime = (ym: string) => Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)) - 1, 1);

/** Render the pipeline view into `root`. */
export async function renderPipeline(root: HTMLElement, q: Record<string, string> = {}): Promise<void> {
  const r: Pipeline = await api.pipeline(q);
  const form = el(
    'form',
    { class: 'toolbar' },
    el('label', {}, 'as of ', el('input', { name: 'asOf', value: r.parameters.asOf, size: 7 })),
    el(
      'label',
      {},
      'stalled after (months) ',
      el('input', {
        name: 'stallMonths',
        value: String(r.parameters.stallMonths),
        type: 'number',
        class: 'num',
      }),
    ),
    el('button', { type: 'submit' }, 'Update'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    root.replaceChildren();
    void renderPipeline(
      root,
      Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)])),
    ).catch((err: Error) => status(err.message, 'error'));
  });
  const med = (k: keyof Pipeline['medians'], label: string) => {
    const m = r.medians[k];
    return el(
      'li',
      {},
      `${label}: ${m ? `${m.months} months (n = ${m.n}, grade ${m.confidence})` : 'no programme has both dates'}`,
    );
  };
  const a = r.approvedNotContracted;
  root.append(
    form,
    el(
      'ul',
      { class: 'facts', 'data-testid': 'pipeline-facts' },
      med('budgetToContract', 'Median budget approval → contract'),
      med('requirementToContract', 'Median requirement → contract'),
      med('contractToFirstDelivery', 'Median contract → first delivery'),
      el(
        'li',
        {},
        `Approved, not contracted: ${a.programmes.length} programme(s); known value €${a.knownValueEurM}m; value unknown for ${a.unknownValue.length}`,
      ),
      el(
        'li',
        { class: r.programmes.some((p) => p.stalled) ? 'alert' : '' },
        `Stalled: ${
          r.programmes
            .filter((p) => p.stalled)
            .map((p) => `${p.nation} ${p.system} (${p.stallReason})`)
            .join('; ') || 'none'
        }`,
      ),
    ),
  );

  const rows = r.programmes
    .filter((p) => STAGES.some((s) => p.stages[s]))
    .sort((x, y) => (first(x) ?? '').localeCompare(first(y) ?? ''));
  const labels = rows.map((p) => `${p.stalled ? '⚠ ' : ''}${p.nation} ${p.system}`.slice(0, 34));
  const data: {
    value: [number, number, number, string, boolean];
    itemStyle: { color: string; opacity: number };
  }[] = [];
  rows.forEach((p, i) => {
    const dated = STAGES.filter((s) => p.stages[s]);
    for (let k = 0; k + 1 < dated.length; k++) {
      const s = dated[k]!;
      const e = dated[k + 1]!;
      const planned = p.stages[e]!.planned;
      data.push({
        value: [i, toTime(p.stages[s]!.at), toTime(p.stages[e]!.at), s, planned],
        itemStyle: { color: p.stalled ? '#c0392b' : (COLOURS[s] ?? '#999'), opacity: planned ? 0.35 : 0.9 },
      });
    }
    if (dated.length === 1) {
      const s = dated[0]!;
      data.push({
        value: [i, toTime(p.stages[s]!.at), toTime(p.stages[s]!.at) + 20 * 86400e3, s, false],
        itemStyle: { color: COLOURS[s] ?? '#999', opacity: 0.9 },
      });
    }
  });
  chart(
    root,
    {
      title: {
        text: 'Programme stages (pale = planned; red = stalled)',
        left: 'center',
        textStyle: { fontSize: 14 },
      },
      tooltip: {
        formatter: (x: { value: [number, number, number, string] }) =>
          `${labels[x.value[0]]}<br/>${x.value[3]} from ${new Date(x.value[1]).toISOString().slice(0, 7)} to ${new Date(x.value[2]).toISOString().slice(0, 7)}`,
      },
      grid: { top: 40, left: 230, right: 30, bottom: 40 },
      xAxis: { type: 'time' },
      yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { fontSize: 10 } },
      series: [
        {
          type: 'custom',
          encode: { x: [1, 2], y: 0 },
          data,
          renderItem: (
            _params: unknown,
            api: {
              value: (i: number) => number;
              coord: (v: number[]) => number[];
              size: (v: number[]) => number[];
              style: () => object;
            },
          ) => {
            const y = api.value(0);
            const start = api.coord([api.value(1), y]);
            const end = api.coord([api.value(2), y]);
            const h = api.size([0, 1])[1]! * 0.6;
            const rect = echarts.graphic.clipRectByRect(
              { x: start[0]!, y: start[1]! - h / 2, width: Math.max(2, end[0]! - start[0]!), height: h },
              { x: 230, y: 40, width: 10000, height: 100000 },
            );
            return rect && { type: 'rect', shape: rect, style: api.style() };
          },
        },
      ],
    },
    Math.max(300, 80 + rows.length * 16),
    'pipeline-chart',
  );
}

function first(p: Pipeline['programmes'][number]): string | undefined {
  for (const s of STAGES) if (p.stages[s]) return p.stages[s]!.at;
  return undefined;
}
