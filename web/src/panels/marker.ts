/**
 * The drop-a-marker dialog (right click on the map): a point with callsign, kind, remarks and, optionally, a label
 * (classification up to the user's clearance, releasable-to nations or categories) that ATAK receives.
 */
import { CLASSIFICATIONS, type Classification } from '../../../src/model/label.js';
import type { ClientMessage } from '../../../src/transports/web/protocol.js';
import { h } from '../dom.js';
import { formatMgrs } from '../mgrs-grid.js';
import { uuid } from './chat.js';

const KINDS: [type: string, label: string][] = [
  ['b-m-p-s-m', 'Spot marker'],
  ['a-h-G', 'Hostile ground'],
  ['a-u-G', 'Unknown ground'],
  ['a-n-G', 'Neutral ground'],
  ['a-f-G', 'Friendly ground'],
  ['a-h-A', 'Hostile air'],
  ['a-h-S', 'Hostile sea surface'],
];

let counter = 0;

/** Who drops the marker: what the label choices are limited to. */
export interface MarkerAuthor {
  clearance: Classification;
  nation?: string;
}

/** "ltu, lva;NATO" -> ['LTU', 'LVA', 'NATO']; empty -> undefined (the hub's default). */
export function parseReleasable(text: string): string[] | undefined {
  const values = text
    .toUpperCase()
    .split(/[\s,;]+/)
    .filter(Boolean);
  return values.length ? [...new Set(values)] : undefined;
}

export function openMarkerDialog(
  host: HTMLElement,
  lon: number,
  lat: number,
  send: (m: ClientMessage) => boolean,
  setPresence: (lon: number, lat: number) => void,
  author: MarkerAuthor,
): void {
  host.replaceChildren();
  const callsign = h('input', {
    value: `Marker ${++counter}`,
    'data-testid': 'marker-callsign',
    maxlength: 80,
  });
  const kind = h(
    'select',
    { 'data-testid': 'marker-type' },
    ...KINDS.map(([t, l]) => h('option', { value: t }, l)),
  );
  const remarks = h('textarea', { rows: 3, 'data-testid': 'marker-remarks', maxlength: 2000 });
  // Classifications up to the user's clearance: the hub would refuse anything above it anyway.
  const allowed = CLASSIFICATIONS.slice(0, CLASSIFICATIONS.indexOf(author.clearance) + 1);
  const classification = h(
    'select',
    { 'data-testid': 'marker-classification' },
    h('option', { value: '' }, 'Hub default'),
    ...allowed.map((c) => h('option', { value: c }, c)),
  );
  const releasable = h('input', {
    'data-testid': 'marker-releasable',
    maxlength: 300,
    placeholder: author.nation ? `hub default; e.g. ${author.nation}, NATO` : 'hub default; e.g. NATO',
  });
  const status = h('p', { class: 'hint' });
  const close = () => {
    host.hidden = true;
    host.replaceChildren();
  };
  const drop = () => {
    const ok = send({
      t: 'marker',
      ref: uuid(),
      lat,
      lon,
      callsign: callsign.value.trim() || 'Marker',
      type: kind.value,
      remarks: remarks.value.trim() || undefined,
      classification: (classification.value || undefined) as Classification | undefined,
      releasableTo: parseReleasable(releasable.value),
    });
    if (ok) close();
    else status.textContent = 'Not connected: the marker was not sent.';
  };
  host.append(
    h('h3', {}, 'Drop a marker'),
    h('p', { class: 'mono' }, formatMgrs(lon, lat), h('br'), `${lat.toFixed(5)}, ${lon.toFixed(5)}`),
    h('label', {}, 'Callsign', callsign),
    h('label', {}, 'Kind', kind),
    h('label', {}, 'Remarks', remarks),
    h('label', {}, 'Classification', classification),
    h('label', {}, 'Releasable to', releasable),
    status,
    h(
      'div',
      { class: 'actions' },
      h('button', { onclick: drop, 'data-testid': 'marker-drop' }, 'Drop'),
      h('button', { onclick: () => (setPresence(lon, lat), close()) }, 'Set my position here'),
      h('button', { onclick: close }, 'Cancel'),
    ),
  );
  host.hidden = false;
  callsign.focus();
  callsign.select();
}
