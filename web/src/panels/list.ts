/**
 * The entity list with filters (affiliation, nation, type prefix, stale), capped so it stays cheap to redraw.
 * Rows are keyed by uid and updated in place (text changes only where it changed, rows moved only when the order
 * changed), so a row under the pointer, a selection or the focus survive the once-a-second refresh. Rows are
 * reachable with the keyboard (Tab, Enter). Alerts and their callers are highlighted.
 */
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
  private readonly rows = new Map<string, HTMLTableRowElement>();
  private alerting: (uid: string) => boolean = () => false;

  /** Which rows to highlight as alerts; re-renders. */
  setAlerting(f: (uid: string) => boolean): void {
    this.alerting = f;
    this.render();
  }

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
        h('input', {
          placeholder: 'callsign / uid',
          'aria-label': 'Filter by callsign or uid',
          oninput: set('text'),
        }),
        h(
          'select',
          { onchange: set('affiliation'), 'data-testid': 'filter-affiliation' },
          h('option', { value: '' }, 'any affiliation'),
          ...['friend', 'hostile', 'neutral', 'unknown'].map((a) => h('option', { value: a }, a)),
        ),
        this.nation,
        h('input', {
          placeholder: 'type prefix, e.g. a-h-G',
          'aria-label': 'Filter by CoT type prefix',
          oninput: set('type'),
          size: 12,
        }),
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
    // Alerts first (as ATAK lists them), then by callsign.
    const alert = (t: Tracked) => (this.alerting(t.e.uid) ? 0 : 1);
    rows.sort(
      (a, b) => alert(a) - alert(b) || (a.e.callsign ?? a.e.uid).localeCompare(b.e.callsign ?? b.e.uid),
    );
    const known = new Set([...this.nation.options].map((o) => o.value));
    for (const n of [...nations].sort()) if (!known.has(n)) this.nation.append(h('option', { value: n }, n));
    this.count.textContent = `${matched} of ${this.store.all.size}${matched > MAX_ROWS ? ` (first ${MAX_ROWS})` : ''}`;
    this.sync(rows);
  }

  private row(uid: string): HTMLTableRowElement {
    let tr = this.rows.get(uid);
    if (!tr) {
      tr = h(
        'tr',
        {
          tabindex: 0,
          'data-uid': uid,
          onclick: () => this.onPick(uid),
          onkeydown: (ev: Event) => {
            if ((ev as KeyboardEvent).key === 'Enter') this.onPick(uid);
          },
        },
        ...[0, 1, 2, 3, 4].map(() => h('td', {})),
      );
      this.rows.set(uid, tr);
    }
    return tr;
  }

  /** Keyed update: create, change or remove only what differs. */
  private sync(rows: Tracked[]): void {
    const keep = new Set(rows.map((t) => t.e.uid));
    for (const [uid, tr] of this.rows)
      if (!keep.has(uid)) {
        tr.remove();
        this.rows.delete(uid);
      }
    let prev: Element | null = null;
    for (const t of rows) {
      const e = t.e;
      const tr = this.row(e.uid);
      const cls = `${e.affiliation}${t.stale ? ' stale' : ''}${this.alerting(e.uid) ? ' alerting' : ''}`;
      if (tr.className !== cls) tr.className = cls;
      const texts = [e.callsign ?? e.uid, e.type, e.nation ?? '', e.classification, ago(t.receivedAt)];
      texts.forEach((v, i) => {
        const td = tr.children[i]!;
        if (td.textContent !== v) td.textContent = v;
      });
      const want: Element | null = prev ? prev.nextElementSibling : this.body.firstElementChild;
      if (want !== tr) this.body.insertBefore(tr, want);
      prev = tr;
    }
  }
}
