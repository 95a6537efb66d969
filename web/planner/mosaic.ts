/** The mosaic: a nations × capability-areas heat map of family counts, and the fragmentation measures per area. */
import { api } from './api.js';
import { chart } from './charts.js';
import { el, fix, table } from './dom.js';

/** Render the mosaic view into `root`. */
export async function renderMosaic(root: HTMLElement, includePlanned = false): Promise<void> {
  const m = await api.mosaic(includePlanned);
  const toggle = el('input', { type: 'checkbox', checked: includePlanned, 'data-testid': 'include-planned' });
  toggle.addEventListener('change', () => {
    root.replaceChildren();
    void renderMosaic(root, toggle.checked);
  });
  root.append(el('div', { class: 'toolbar' }, el('label', {}, toggle, ' count planned-only programmes')));

  const areas = m.areas.map((a) => a.area);
  const rows = [...m.nations, 'Region'];
  const data: [number, number, number][] = [];
  m.areas.forEach((a, x) => {
    m.nations.forEach((n, y) => {
      const cell = m.matrix[a.area]?.[n];
      if (cell) data.push([x, y, cell.families.length]);
    });
    data.push([x, rows.length - 1, a.familyCount]);
  });
  const names = (x: number, y: number) => {
    const a = m.areas[x]!;
    if (y === rows.length - 1) return a.families.map((f) => f.name).join(', ');
    const cell = m.matrix[a.area]?.[m.nations[y]!];
    return cell
      ? `${cell.families.join(', ')}; quantity ${cell.quantity ?? 'unknown'} (grade ${cell.confidence})`
      : 'none';
  };
  chart(
    root,
    {
      title: {
        text: 'Families in service or on order, per nation and capability area',
        left: 'center',
        textStyle: { fontSize: 14 },
      },
      tooltip: {
        formatter: (p: { value: [number, number, number] }) =>
          `${areas[p.value[0]]} · ${rows[p.value[1]]}<br/>${names(p.value[0], p.value[1])}`,
      },
      grid: { top: 40, left: 70, right: 20, bottom: 90 },
      xAxis: { type: 'category', data: areas, axisLabel: { rotate: 40 }, splitArea: { show: true } },
      yAxis: { type: 'category', data: rows, splitArea: { show: true } },
      visualMap: {
        min: 0,
        max: Math.max(5, ...data.map((d) => d[2])),
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        inRange: { color: ['#f4f7f2', '#f0c36b', '#c0392b'] },
      },
      series: [
        {
          type: 'heatmap',
          data,
          label: { show: true },
          emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
        },
      ],
    },
    380,
    'mosaic-heatmap',
  );

  root.append(
    el('h3', {}, 'Fragmentation per capability area'),
    el(
      'p',
      { class: 'muted' },
      'Effective types = 1/HHI of family fleet shares; supplier HHI over supplier countries; common = share of the fleet in the largest pool sharing ammunition (or missile) and spares (family). Grade = worst source grade of the rows used.',
    ),
    table(
      [
        'area',
        'unit',
        'families',
        'variants',
        'effective types',
        'supplier HHI (top)',
        'ammo common',
        'spares common',
        'grade',
        'fleet by family',
      ],
      m.areas.map((a) => [
        a.name,
        a.unit,
        a.familyCount,
        a.variantCount,
        fix(a.effectiveTypes?.value),
        a.supplierHhi ? `${fix(a.supplierHhi.value)} (${a.supplierHhi.top})` : null,
        a.ammoCommonShare ? `${fix(a.ammoCommonShare.value * 100, 0)} % ${a.ammoCommonShare.pool}` : null,
        a.sparesCommonShare ? `${fix(a.sparesCommonShare.value * 100, 0)} %` : null,
        a.effectiveTypes?.confidence ?? null,
        a.families.map((f) => `${f.name} ${f.quantity ?? '?'} (${f.nations.join('+')})`).join('; '),
      ]),
      { 'data-testid': 'mosaic-table' },
    ),
  );
  await renderInterop(
    root,
    m.areas.map((a) => a.area),
  );
}

const yn = (v: boolean | null) => (v === null ? 'unknown' : v ? 'yes' : 'no');

/** Pairwise interoperability for one chosen area. */
async function renderInterop(root: HTMLElement, areas: string[]): Promise<void> {
  const pick = el(
    'select',
    { 'data-testid': 'interop-area' },
    ...areas.map((a) => el('option', { value: a, selected: a === 'SPA' }, a)),
  );
  const box = el('div');
  const draw = async () => {
    const ia = await api.interop(pick.value);
    box.replaceChildren(
      ia
        ? table(
            [
              'system A',
              'system B',
              'same family',
              'ammunition',
              'calibre',
              'barrel',
              'missile',
              'shared data links',
              'meet in the battlespace',
              'grade',
            ],
            ia.pairs.map((p) => [
              p.a,
              p.b,
              yn(p.sameFamily),
              yn(p.sharedAmmo),
              yn(p.sameCalibre),
              yn(p.sameBarrel),
              yn(p.sameMissile),
              p.sharedDataLinks.join(', ') || 'none',
              p.battlespace.meet ? `yes (${p.battlespace.via.join(', ')})` : `no: ${p.battlespace.reason}`,
              p.confidence,
            ]),
            { 'data-testid': 'interop-table' },
          )
        : el('p', {}, 'No systems in this area.'),
    );
  };
  pick.addEventListener('change', () => void draw());
  root.append(
    el('h3', {}, 'Interoperability of each pair of systems'),
    el('div', { class: 'toolbar' }, el('label', {}, 'Area ', pick)),
    box,
  );
  await draw();
}
