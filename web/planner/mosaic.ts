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

  // People read names, not codes: the axis shows "155 mm self-propelled artillery", not "SPA".
  const areas = m.areas.map((a) => a.name);
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
    420,
    'mosaic-heatmap',
  )
    .getDom()
    .setAttribute('data-axis', JSON.stringify(areas));
  const na = (a: (typeof m.areas)[number], v: string | null) =>
    v ?? (a.unknownQuantity.length ? `n/a (${a.unknownQuantity.length} quantity unknown)` : null);

  root.append(
    el('h3', {}, 'Fragmentation per capability area'),
    el(
      'p',
      { class: 'muted' },
      `As of ${m.asOf}. Effective types = 1/HHI of family fleet shares (fleet = ordered, at least delivered, less units given away); design HHI over the countries that own each design (security of supply), seller = who sold it; common = share of the fleet in the largest pool sharing ammunition (or missile) and spares (family). Where some quantities are unknown a share is n/a, never 100 %. Grade = worst source grade of the rows used.`,
    ),
    table(
      [
        'area',
        'unit',
        'families',
        'variants',
        'effective types',
        'design HHI (top)',
        'seller (top)',
        'ammo common',
        'spares common',
        'ordered / in service / combat-ready / transferred',
        'grade',
        'fleet by family',
        'also counted',
        'sources',
      ],
      m.areas.map((a) => [
        a.name,
        a.unit,
        a.familyCount,
        a.variantCount,
        na(a, a.effectiveTypes ? fix(a.effectiveTypes.value) : null),
        na(a, a.supplierHhi ? `${fix(a.supplierHhi.value)} (${a.supplierHhi.top})` : null),
        a.sellerHhi?.top ?? null,
        na(
          a,
          a.ammoCommonShare ? `${fix(a.ammoCommonShare.value * 100, 0)} % ${a.ammoCommonShare.pool}` : null,
        ),
        na(a, a.sparesCommonShare ? `${fix(a.sparesCommonShare.value * 100, 0)} %` : null),
        `${a.fleet.ordered} / ${a.fleet.inService} (expected ${a.fleet.expectedInService}) / ${a.fleet.combatReady} / ${a.fleet.transferred}`,
        a.effectiveTypes?.confidence ?? null,
        a.families.map((f) => `${f.name} ${f.quantity ?? '?'} (${f.nations.join('+')})`).join('; '),
        a.alsoUnits
          .map(
            (u) =>
              `${u.total} ${u.unit}${u.unknownQuantity.length ? ` + ${u.unknownQuantity.length} unknown` : ''}${u.ammoCommonShare ? `, ${fix(u.ammoCommonShare.value * 100, 0)} % ${u.ammoCommonShare.pool}` : ''}`,
          )
          .join('; ') || null,
        a.sources.join('; '),
      ]),
      { 'data-testid': 'mosaic-table' },
    ),
  );
  await renderInterop(
    root,
    m.areas.map((a) => [a.area, a.name] as const),
  );
}

/** A system's name (with its variant) instead of its key. */
const nameOf = (ia: { systems: { key: string; name: string; variant?: string }[] }, key: string): string => {
  const s = ia.systems.find((x) => x.key === key);
  return s ? `${s.name}${s.variant ? ` ${s.variant}` : ''}` : key;
};

const yn = (v: boolean | null) => (v === null ? 'unknown' : v ? 'yes' : 'no');

/** Pairwise interoperability for one chosen area. */
async function renderInterop(root: HTMLElement, areas: (readonly [string, string])[]): Promise<void> {
  const pick = el(
    'select',
    { 'data-testid': 'interop-area' },
    ...areas.map(([id, name]) => el('option', { value: id, selected: id === 'SPA' }, name)),
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
              nameOf(ia, p.a),
              nameOf(ia, p.b),
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
