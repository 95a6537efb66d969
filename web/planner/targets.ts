/**
 * Fleets in the field: each capability target against the units delivered and in service (not ordered) at the
 * end of each year, the gap, and the programmes behind the count; a form adds or replaces a target.
 */
import { chart } from './charts.js';
import { el, status, table } from './dom.js';
import { moneyApi } from './money-api.js';

/** Render the targets view into `root`. */
export async function renderTargets(root: HTMLElement): Promise<void> {
  const r = await moneyApi.targets();
  const form = el(
    'form',
    { class: 'toolbar', 'data-testid': 'target-form' },
    ...(
      [
        ['id', 'ee-ra-2030', 12],
        ['nation', 'EE', 3],
        ['area', 'RA', 6],
        ['family', '', 8],
        ['quantity', '12', 4],
        ['by', '2030', 7],
      ] as const
    ).map(([n, v, size]) => el('label', {}, `${n} `, el('input', { name: n, value: v, size }))),
    el(
      'select',
      { name: 'measure' },
      el('option', { value: 'combatReady' }, 'combat-ready'),
      el('option', { value: 'inService' }, 'in service'),
    ),
    el('button', { type: 'submit' }, 'Save target'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(form).entries()) as Record<string, string>;
    void moneyApi
      .putTarget({
        id: f.id!,
        nation: f.nation,
        area: f.area,
        ...(f.family ? { family: f.family } : {}),
        quantity: Number(f.quantity),
        by: f.by,
        measure: f.measure,
      })
      .then(() => {
        status(`saved target ${f.id}`);
        root.replaceChildren();
        return renderTargets(root);
      })
      .catch((err: Error) => status(err.message, 'error'));
  });
  root.append(
    el(
      'p',
      { class: 'muted' },
      `As of ${r.asOf}. Fielded = delivered and in service, not ordered; deliveries are expected linearly to each programme's planned last delivery.`,
    ),
    form,
    table(
      ['target', 'nation', 'wanted', 'fielded now', 'fielded by', 'gap by', 'reaches', 'gap by year', ''],
      r.targets.map((t) => {
        const del = el('button', { type: 'button', 'data-testid': `delete-${t.target.id}` }, 'delete');
        del.addEventListener('click', () => {
          void moneyApi
            .deleteTarget(t.target.id)
            .then(() => {
              status(`deleted target ${t.target.id}`);
              root.replaceChildren();
              return renderTargets(root);
            })
            .catch((err: Error) => status(err.message, 'error'));
        });
        return [
          t.target.id,
          t.target.nation,
          `${t.target.quantity} ${t.target.family ?? t.target.area} ${t.target.measure === 'combatReady' ? 'combat-ready' : 'in service'} by ${t.target.by}`,
          t.fieldedNow,
          t.fieldedBy,
          t.gapBy,
          t.reaches ?? 'not in horizon',
          t.years.map((y) => `${y.month.slice(0, 4)}: ${y.gap}`).join(', '),
          del,
        ];
      }),
      { 'data-testid': 'targets-table' },
    ),
  );
  for (const t of r.targets) {
    root.append(el('h3', {}, `${t.target.id}: ${t.target.note || `${t.target.nation} ${t.target.area}`}`));
    chart(
      root,
      {
        tooltip: { trigger: 'axis' },
        legend: {},
        xAxis: { type: 'category', data: t.years.map((y) => y.month) },
        yAxis: { type: 'value', name: 'units' },
        series: [
          { name: 'fielded', type: 'line', step: 'end', data: t.years.map((y) => y.fielded) },
          {
            name: 'target',
            type: 'line',
            data: t.years.map((y) =>
              y.month.slice(0, 4) >= t.byMonth.slice(0, 4) ? t.target.quantity : null,
            ),
          },
        ],
      },
      220,
      `target-chart-${t.target.id}`,
    );
    root.append(
      el(
        'ul',
        { class: 'muted' },
        ...t.programmes.map((p) =>
          el(
            'li',
            {},
            `${p.name}: ordered ${p.ordered ?? 'unknown'}, fielded by ${t.byMonth}: ${p.fieldedBy}${p.note ? ` (${p.note})` : ''}`,
          ),
        ),
      ),
    );
  }
}
