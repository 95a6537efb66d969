/** Days of fire: per munition and nation, weapons, daily need, stockpile, days now and when the target is reached. */
import { api } from './api.js';
import { el, fix, status, table } from './dom.js';
import { SourceNotes } from './sources.js';

/** Render the ammunition view into `root`. */
export async function renderAmmunition(root: HTMLElement, intensity = 'high'): Promise<void> {
  const r = await api.ammunition({ intensity });
  const pick = el(
    'select',
    { name: 'intensity', 'data-testid': 'ammo-intensity' },
    ...['high', 'sustained'].map((x) => el('option', { value: x, selected: x === intensity }, x)),
  );
  pick.addEventListener('change', () => {
    root.replaceChildren();
    void renderAmmunition(root, pick.value).catch((e: Error) => status(e.message, 'error'));
  });
  root.append(el('div', { class: 'toolbar' }, el('label', {}, 'intensity ', pick), ` as of ${r.asOf}`));
  const notes = new SourceNotes();
  for (const m of r.munitions) {
    root.append(
      el(
        'h3',
        {},
        `${m.name}: ${m.perWeaponPerDay} ${m.unit} per weapon per day, target ${m.targetDays} days`,
      ),
      table(
        [
          'nation',
          'weapons now',
          `need per day (${m.unit})`,
          'stockpile',
          'days now',
          `reaches ${m.targetDays} days`,
          'days by year',
        ],
        m.nations.map((n) => [
          n.nation,
          notes.with(n.weaponsNow, n.sources),
          n.dailyNeedNow,
          n.stockpileEntered ? n.stockpile : 'not entered (counted 0)',
          fix(n.daysNow, 1),
          n.reachesTarget ?? 'not in horizon',
          n.byYear.map((y) => `${y.month.slice(0, 4)}: ${fix(y.days, 1)}`).join(', '),
        ]),
        { 'data-testid': `ammo-${m.munition}` },
      ),
      el('ul', { class: 'muted' }, ...m.assumptions.map((a) => el('li', {}, a))),
    );
  }
  root.append(notes.list('ammo-sources'));
}
