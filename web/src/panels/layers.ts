/**
 * The layers panel: every layer group the map draws — the basemap, configured overlays, imported KML/KMZ/GeoJSON
 * files, the MGRS grid, drawings and units — turned on and off, overlays with an opacity, and everything but the
 * basemap ordered top to bottom (as in ATAK's Overlay Manager or QGIS). Emergency alerts and the measuring line
 * always stay on top: they cannot be hidden.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { MapLayers } from '../basemaps.js';
import { h } from '../dom.js';
import { FONT } from '../map-style.js';
import { readOverlayFile, type ImportedOverlay } from '../overlay-import.js';

interface Group {
  key: string;
  name: string;
  layers: string[];
  on: boolean;
  /** Overlays only. */
  opacity?: number;
  imported?: boolean;
}

const TOP = ['alerts-ring', 'alerts-labels', 'measure-line', 'measure-start'];
const COLOUR = '#d04a02';

function addImportedLayers(map: MlMap, id: string, o: ImportedOverlay): string[] {
  map.addSource(id, { type: 'geojson', data: o.data });
  const poly = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
  const point = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];
  map.addLayer({
    id: `${id}-fill`,
    type: 'fill',
    source: id,
    filter: poly as never,
    paint: { 'fill-color': ['coalesce', ['get', 'fill'], COLOUR], 'fill-opacity': 0.3 },
  });
  map.addLayer({
    id: `${id}-line`,
    type: 'line',
    source: id,
    filter: ['!', point] as never,
    paint: {
      'line-color': ['coalesce', ['get', 'stroke'], COLOUR],
      'line-width': ['coalesce', ['get', 'stroke-width'], 2],
    },
  });
  map.addLayer({
    id: `${id}-point`,
    type: 'circle',
    source: id,
    filter: point as never,
    paint: {
      'circle-radius': 5,
      'circle-color': ['coalesce', ['get', 'marker-color'], ['get', 'icon-color'], COLOUR],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1.5,
    },
  });
  map.addLayer({
    id: `${id}-label`,
    type: 'symbol',
    source: id,
    filter: point as never, // a polygon's name would repeat on every tile it crosses
    layout: {
      'text-field': ['coalesce', ['get', 'name'], ''],
      'text-font': FONT,
      'text-size': 11,
      'text-offset': [0, 1.1],
      'text-anchor': 'top',
    },
    paint: { 'text-color': '#3a2000', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
  });
  return [`${id}-fill`, `${id}-line`, `${id}-point`, `${id}-label`];
}

export class LayersPanel {
  /** Top first, as the panel lists them. */
  readonly groups: Group[];
  private imports = 0;
  readonly el: HTMLElement;
  private readonly list = h('ul', { class: 'layer-list', 'aria-label': 'Map layers' });
  private readonly error = h('p', {
    class: 'layer-error',
    role: 'status',
    'data-testid': 'layers-error',
  });

  constructor(
    private readonly map: MlMap,
    private readonly maps: MapLayers,
    /** Turn the MGRS grid on or off the way the header's toggle does. */
    private readonly setGrid: (on: boolean) => void,
    gridOn: boolean,
  ) {
    this.groups = [
      {
        key: 'units',
        name: 'Units',
        layers: ['trails', 'selection', 'selection-edge', 'course', 'entities-gl', 'entity-labels'],
        on: true,
      },
      {
        key: 'drawings',
        name: 'Drawings',
        layers: [
          'shapes-fill',
          'shapes-line',
          'shapes-line-dashed',
          'shapes-direction',
          'shapes-points',
          'shapes-labels',
        ],
        on: true,
      },
      { key: 'grid', name: 'MGRS grid', layers: ['grid-lines', 'grid-labels', 'grid-numbers'], on: gridOn },
      ...maps.overlays.map((o) => ({
        key: `ov-${o.id}`,
        name: o.name,
        layers: [`ov-${o.id}`],
        on: true,
        opacity: o.opacity,
      })),
    ];
    const file = h('input', {
      type: 'file',
      accept: '.kml,.kmz,.geojson,.json',
      'aria-label': 'Import KML, KMZ or GeoJSON',
      'data-testid': 'layers-import',
    }) as HTMLInputElement;
    file.onchange = () => {
      const f = file.files?.[0];
      file.value = '';
      if (f) void this.import(f);
    };
    this.el = h(
      'div',
      {
        class: 'layers-panel',
        id: 'layers-panel',
        hidden: true,
        'data-testid': 'layers-panel',
        role: 'dialog',
        'aria-label': 'Layers',
      },
      h('h3', {}, 'Layers'),
      this.list,
      h('label', { class: 'layer-import' }, 'Import KML, KMZ, GeoJSON… ', file),
      this.error,
    );
    maps.onChange = () => this.apply();
    this.render();
  }

  /** Show or hide the panel over the top-left corner of `over` (the map). */
  toggle(over: HTMLElement, show = this.el.hidden): void {
    const r = over.getBoundingClientRect();
    this.el.style.top = `${r.top + 8}px`;
    this.el.style.left = `${r.left + 8}px`;
    this.el.hidden = !show;
  }

  /** Import a file as a local overlay on top of the other overlays, and frame it. */
  async import(f: File): Promise<void> {
    this.error.textContent = '';
    let o: ImportedOverlay;
    try {
      o = await readOverlayFile(f);
    } catch (e) {
      this.error.textContent = (e as Error).message;
      return;
    }
    const id = `imp-${this.imports++}`;
    const layers = addImportedLayers(this.map, id, o);
    const firstOverlay = this.groups.findIndex((g) => g.opacity !== undefined);
    const at = firstOverlay < 0 ? this.groups.length : firstOverlay;
    this.groups.splice(at, 0, { key: id, name: o.name, layers, on: true, opacity: 1, imported: true });
    this.apply();
    this.render();
    if (o.bounds)
      this.map.fitBounds(
        [
          [o.bounds[0], o.bounds[1]],
          [o.bounds[2], o.bounds[3]],
        ],
        { padding: 60, maxZoom: 13, duration: 0 },
      );
  }

  private remove(g: Group): void {
    for (const l of g.layers) if (this.map.getLayer(l)) this.map.removeLayer(l);
    if (this.map.getSource(g.key)) this.map.removeSource(g.key);
    this.groups.splice(this.groups.indexOf(g), 1);
    this.render();
  }

  private setOn(g: Group, on: boolean): void {
    g.on = on;
    if (g.key === 'grid') return this.setGrid(on);
    for (const l of g.layers)
      if (this.map.getLayer(l)) this.map.setLayoutProperty(l, 'visibility', on ? 'visible' : 'none');
  }

  private setOpacity(g: Group, o: number): void {
    g.opacity = o;
    if (!g.imported) return this.maps.setOpacity(g.key.slice(3), o);
    this.map.setPaintProperty(`${g.key}-fill`, 'fill-opacity', 0.3 * o);
    this.map.setPaintProperty(`${g.key}-line`, 'line-opacity', o);
    this.map.setPaintProperty(`${g.key}-point`, 'circle-opacity', o);
    this.map.setPaintProperty(`${g.key}-point`, 'circle-stroke-opacity', o);
    this.map.setPaintProperty(`${g.key}-label`, 'text-opacity', o);
  }

  /** Restack the map's layers in the panel's order (bottom group first), alerts and measuring on top. */
  apply(): void {
    for (const g of [...this.groups].reverse())
      for (const l of g.layers) if (this.map.getLayer(l)) this.map.moveLayer(l);
    for (const l of TOP) if (this.map.getLayer(l)) this.map.moveLayer(l);
  }

  private move(g: Group, by: number): void {
    const i = this.groups.indexOf(g);
    const j = i + by;
    if (j < 0 || j >= this.groups.length) return;
    this.groups.splice(i, 1);
    this.groups.splice(j, 0, g);
    this.apply();
    this.render();
  }

  /** The grid toggle in the header changed. */
  gridChanged(on: boolean): void {
    const g = this.groups.find((x) => x.key === 'grid');
    if (g) g.on = on;
    this.render();
  }

  private row(g: Group, i: number): HTMLElement {
    const box = h('input', {
      type: 'checkbox',
      checked: g.on,
      'data-testid': `layer-on-${g.key}`,
    }) as HTMLInputElement;
    box.onchange = () => this.setOn(g, box.checked);
    const parts: (HTMLElement | string)[] = [h('label', { class: 'layer-name' }, box, ` ${g.name}`)];
    if (g.opacity !== undefined) {
      const range = h('input', {
        type: 'range',
        min: '0',
        max: '1',
        step: '0.05',
        value: String(g.opacity),
        'aria-label': `${g.name} opacity`,
        'data-testid': `layer-opacity-${g.key}`,
      }) as HTMLInputElement;
      range.oninput = () => this.setOpacity(g, Number(range.value));
      parts.push(range);
    }
    const up = h(
      'button',
      {
        class: 'small',
        title: 'Up',
        'aria-label': `Move ${g.name} up`,
        disabled: i === 0,
        'data-testid': `layer-up-${g.key}`,
      },
      '↑',
    );
    up.onclick = () => this.move(g, -1);
    const down = h(
      'button',
      {
        class: 'small',
        title: 'Down',
        'aria-label': `Move ${g.name} down`,
        disabled: i === this.groups.length - 1,
        'data-testid': `layer-down-${g.key}`,
      },
      '↓',
    );
    down.onclick = () => this.move(g, 1);
    parts.push(up, down);
    if (g.imported) {
      const x = h(
        'button',
        { class: 'small', 'aria-label': `Remove ${g.name}`, 'data-testid': `layer-remove-${g.key}` },
        '✕',
      );
      x.onclick = () => this.remove(g);
      parts.push(x);
    }
    return h('li', { 'data-key': g.key }, ...parts);
  }

  private render(): void {
    const base = h('input', {
      type: 'checkbox',
      checked: this.maps.basemapOn,
      'data-testid': 'layer-on-basemap',
    }) as HTMLInputElement;
    base.onchange = () => this.maps.setBasemapVisible(base.checked);
    this.list.replaceChildren(
      ...this.groups.map((g, i) => this.row(g, i)),
      h('li', { 'data-key': 'basemap' }, h('label', { class: 'layer-name' }, base, ' Basemap')),
    );
  }

  /** The imported overlay's data (tests). */
  data(key: string): Promise<GeoJSON.GeoJSON> | undefined {
    return this.map.getSource<GeoJSONSource>(key)?.getData();
  }
}
