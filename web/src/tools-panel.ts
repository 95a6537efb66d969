/**
 * Wires the header's tools (tools.ts) to the page: search and go to, measure, night mode, the trail window, the
 * page's own position and long-press. One call from main.ts.
 */
import type { EntityStore } from './entities.js';
import { $ } from './dom.js';
import type { LiveClient } from './live.js';
import type { MapView } from './map-view.js';
import { longPress, Measure, OwnPosition, resolvePlace } from './tools.js';

export interface ToolsContext {
  view: MapView;
  store: EntityStore;
  live: LiveClient;
  select(uid: string | null): void;
  notify(text: string): void;
  openMarker(lon: number, lat: number): void;
}

export function wireTools(c: ToolsContext): { own: OwnPosition; measure: Measure } {
  const { view, store } = c;
  const search = $('search') as HTMLInputElement;
  search.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    const p = resolvePlace(search.value, store);
    if (!p) {
      c.notify(`Nothing found for "${search.value.trim()}"`);
      return;
    }
    view.flyTo(p.lon, p.lat);
    if (p.uid) c.select(p.uid);
  });
  const measure = new Measure(view.map, $('measure-readout'));
  const button = $('measure');
  const setMeasure = (on: boolean) => {
    measure.toggle(on);
    button.setAttribute('aria-pressed', String(on));
    button.classList.toggle('active', on);
  };
  button.onclick = () => setMeasure(!measure.active);
  view.onMapClick = (lon, lat) => {
    if (!measure.active) return false;
    measure.add(lon, lat);
    return true;
  };
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && measure.active) setMeasure(false);
  });
  const night = $('toggle-night') as HTMLInputElement;
  night.checked = localStorage.getItem('bw.night') === '1';
  const applyNight = () => {
    document.body.classList.toggle('night', night.checked);
    localStorage.setItem('bw.night', night.checked ? '1' : '0');
  };
  night.onchange = applyNight;
  applyNight();
  const trail = $('trail-window') as HTMLSelectElement;
  trail.onchange = () => (store.trailWindowMs = Number(trail.value));
  const own = new OwnPosition(view.map, (lon, lat) => c.live.send({ t: 'presence', lat, lon }));
  longPress(view.map, c.openMarker);
  return { own, measure };
}
