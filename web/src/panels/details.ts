/**
 * The selection panel: every field of the selected entity, time since update, label and releasability. The
 * once-a-second refresh of the same entity changes only the values that changed: an expanded XML element, a text
 * selection and the focus stay as the user left them.
 */
import type { WebEntity } from '../../../src/transports/web/protocol.js';
import type { Tracked } from '../entities.js';
import { ago, h, isoTime } from '../dom.js';
import { formatMgrs } from '../mgrs-grid.js';

export interface DetailActions {
  center(e: WebEntity): void;
  chat(e: WebEntity): void;
  follow(e: WebEntity): void;
  remove(e: WebEntity): void;
  /** True when this session made the entity (may delete it). */
  own(e: WebEntity): boolean;
}

function num(n: number, digits = 1): string {
  return n >= 9999999 || Number.isNaN(n) ? 'unknown' : n.toFixed(digits);
}

export function renderDetails(root: HTMLElement, t: Tracked | undefined, act: DetailActions): void {
  if (t && root.dataset.uid === t.e.uid && root.dataset.own === String(act.own(t.e))) {
    updateInPlace(root, t);
    return;
  }
  root.replaceChildren();
  root.dataset.uid = t?.e.uid ?? '';
  root.dataset.own = t ? String(act.own(t.e)) : '';
  if (!t) {
    root.append(
      h('p', { class: 'hint' }, 'Click a symbol to see its details. Right-click the map to drop a marker.'),
    );
    return;
  }
  const e = t.e;
  const rows = fields(t);
  root.append(
    h('h3', { 'data-testid': 'detail-callsign' }, e.callsign ?? e.uid),
    h(
      'div',
      { class: 'actions' },
      h('button', { onclick: () => act.center(e) }, 'Centre'),
      h('button', { onclick: () => act.follow(e), 'data-testid': 'detail-follow' }, 'Follow'),
      e.endpoint ? h('button', { onclick: () => act.chat(e) }, 'Chat') : null,
      act.own(e)
        ? h('button', { onclick: () => act.remove(e), 'data-testid': 'detail-delete' }, 'Delete')
        : null,
    ),
    h(
      'table',
      { class: 'kv' },
      ...rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { 'data-field': k }, v))),
    ),
    h('h4', {}, `Detail elements (${e.detail.length})`),
    ...e.detail.map(detailBlock),
  );
}

/** Same entity, newer data: set only the texts that changed; the detail elements are redrawn only if they differ. */
function updateInPlace(root: HTMLElement, t: Tracked): void {
  const e = t.e;
  const set = (el: Element | null, v: string) => {
    if (el && el.textContent !== v) el.textContent = v;
  };
  set(root.querySelector('h3'), e.callsign ?? e.uid);
  for (const [k, v] of fields(t)) set(root.querySelector(`td[data-field="${k}"]`), v);
  const blocks = root.querySelectorAll('details');
  if (blocks.length === e.detail.length && e.detail.every((d, i) => blocks[i]!.dataset.name === d.name)) {
    // Same elements (a flow tag's time may change): only the XML text of those that changed, open state kept.
    e.detail.forEach((d, i) => set(blocks[i]!.querySelector('pre'), d.xml));
    return;
  }
  for (const b of blocks) b.remove();
  set(root.querySelector('h4'), `Detail elements (${e.detail.length})`);
  root.append(...e.detail.map(detailBlock));
}

function detailBlock(d: { name: string; xml: string }): HTMLElement {
  return h('details', { 'data-name': d.name }, h('summary', {}, d.name), h('pre', {}, d.xml));
}

function fields(t: Tracked): [string, string][] {
  const e = t.e;
  return [
    ['Callsign', e.callsign ?? '—'],
    ['UID', e.uid],
    ['Type', e.type],
    ['Symbol', `${e.sidc} (${e.sidcSource})`],
    ['Affiliation', e.affiliation],
    ['MGRS', formatMgrs(e.lon, e.lat)],
    ['Lat, lon', `${e.lat.toFixed(6)}, ${e.lon.toFixed(6)}`],
    ['HAE', `${num(e.hae)} m`],
    ['CE / LE', `${num(e.ce)} m / ${num(e.le)} m`],
    ['Course', e.course !== undefined ? `${e.course.toFixed(0)}°` : '—'],
    [
      'Speed',
      e.speed !== undefined ? `${e.speed.toFixed(1)} m/s (${(e.speed * 1.943844).toFixed(0)} kn)` : '—',
    ],
    ['How', e.how],
    ['Time', isoTime(e.time)],
    ['Start', isoTime(e.start)],
    ['Stale', `${isoTime(e.stale)}${t.stale ? ' (STALE)' : ''}`],
    ['Updated', ago(t.receivedAt)],
    ['Classification', e.classification],
    ['Releasable to', e.releasableTo?.join(', ') ?? 'all cleared'],
    ['Label policy', e.label.policy],
    [
      'Categories',
      e.label.categories.map((c) => `${c.tag} (${c.type}): ${c.values.join(', ')}`).join('; ') || '—',
    ],
    ['Caveat', e.caveat ?? '—'],
    ['Access', e.access ?? '—'],
    ['Nation', e.nation ?? '—'],
    ['Source', e.source],
    ['Team', e.team ? `${e.team.name} / ${e.team.role}` : '—'],
    ['Parent', e.parent ?? '—'],
    ['Remarks', e.remarks ?? '—'],
  ];
}
