/** The entity list with filters (affiliation, nation, type prefix, stale), capped so it stays cheap to redraw. */
import type { EntityStore, Tracked } from '../entities.js';
import { ago, h } from '../dom.js';

const MAX_ROWS = 300;

export interface ListFilter {
  affiliation: string;
  nation: string;
  type: string;
  stale: 'all' | 'live' | 'stale';
  text: string;
}

export function matchesFilter(t: Tracked, f: ListFilter): boolean {
  const e = t.e;
  if (f.affiliation && e.affiliation !== f.affiliation) return false;
  if (f.nation && e.nation !== f.nation) return false;
  if (f.type && !e.type.startsWith(f.type)) return false;
  if (f.stale === 'live' && t.stale) return false;
  if (f.stale === 'stale' && !t.stale) return false;
  if (f.text && !`${e.callsign ?? ''} ${e.uid}`.toLowerCase().includes(f.text.toLowerCase())) return false;
  return true;
}

export class EntityList {
  private readonly store: EntityStore;
  private readonly body: HTMLElement;
  private readonly count: HTMLElement;
  private readonly nation: HTMLSelectElement;
  readonly filter: ListFilter = { affiliation: '', nation: '', type: '', stale: 'all', text: '' };
  onPick: (uid: string) => void = () => {};

  constructor(root: HTMLElement, store: EntityStore) {
    this.store = store;
    const set = (k: keyof ListFilter) => (ev: Event) => {
      (this.filter as unknown as Record<string, string>)[k] = (ev.target as HTMLInputElement).value;
      this.render();
    };
    this.nation = h(
      'select',
      { onchange: set('nation'), 'data-testid': 'filter-nation' },
      h('option', { value: '' }, 'any nation'),
    );
    this.count = h('span', { class: 'count' });
    this.body = h('tbody');
    root.append(
      h(
        'div',
        { class: 'filters' },
        h('input', { placeholder: 'callsign / uid', oninput: set('text') }),
        h(
          'select',
          { onchange: set('affiliation'), 'data-testid': 'filter-affiliation' },
          h('option', { value: '' }, 'any affiliation'),
          ...['friend', 'hostile', 'neutral', 'unknown'].map((a) => h('option', { value: a }, a)),
        ),
        this.nation,
        h('input', { placeholder: 'type prefix, e.g. a-h-G', oninput: set('type'), size: 12 }),
        h(
          'select',
          { onchange: set('stale') },
          h('option', { value: 'all' }, 'live and stale'),
          h('option', { value: 'live' }, 'live only'),
          h('option', { value: 'stale' }, 'stale only'),
        ),
        this.count,
      ),
      h(
        'table',
        { class: 'list' },
        h(
          'thead',
          {},
          h('tr', {}, ...['Callsign', 'Type', 'Nation', 'Class.', 'Updated'].map((c) => h('th', {}, c))),
        ),
        this.body,
      ),
    );
  }

  render(): void {
    const nations = new Set<string>();
    const rows: Tracked[] = [];
    let matched = 0;
    for (const t of this.store.all.values()) {
      if (t.e.nation) nations.add(t.e.nation);
      if (!matchesFilter(t, this.filter)) continue;
      matched++;
      if (rows.length < MAX_ROWS) rows.push(t);
    }
    rows.sort((a, b) => (a.e.callsign ?? a.e.uid).localeCompare(b.e.callsign ?? b.e.uid));
    const known = new Set([...this.nation.options].map((o) => o.value));
    for (const n of [...nations].sort()) if (!known.has(n)) this.nation.append(h('option', { value: n }, n));
    this.count.textContent = `${matched} of ${this.store.all.size}${matched > MAX_ROWS ? ` (first ${MAX_ROWS})` : ''}`;
    this.body.replaceChildren(
      ...rows.map((t) =>
        h(
          'tr',
          {
            class: `${t.e.affiliation}${t.stale ? ' stale' : ''}`,
            onclick: () => this.onPick(t.e.uid),
            'data-uid': t.e.uid,
          },
          h('td', {}, t.e.callsign ?? t.e.uid),
          h('td', {}, t.e.type),
          h('td', {}, t.e.nation ?? ''),
          h('td', {}, t.e.classification),
          h('td', {}, ago(t.receivedAt)),
        ),
      ),
    );
  }
}
