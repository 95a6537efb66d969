/** The drop-a-marker dialog (right click on the map): a point with callsign, kind and remarks that ATAK receives. */
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

export function openMarkerDialog(
  host: HTMLElement,
  lon: number,
  lat: number,
  send: (m: ClientMessage) => boolean,
  setPresence: (lon: number, lat: number) => void,
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
