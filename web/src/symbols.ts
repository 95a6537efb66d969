/**
 * milsymbol images for the map, made once per symbol code (and once more for its greyed "stale" look) and added to
 * the map's sprite atlas. Thousands of entities share a few dozen codes, so drawing per code rather than per
 * entity is what keeps a 20,000-entity picture fast.
 */
import ms from 'milsymbol';
import type { Map as MlMap } from 'maplibre-gl';

/** What a feature needs to show a code: the image id and the offset that puts the symbol's anchor on the point. */
export interface SymbolImage {
  id: string;
  /** icon-offset in pixels (at icon-size 1): moves the image so milsymbol's anchor sits on the position. */
  offset: [number, number];
  /** Height below the anchor, for placing the label under the symbol. */
  below: number;
}

/** Drawn at this size (milsymbol's L) and this pixel ratio so symbols stay crisp on HiDPI screens. */
const SIZE = 28;
const RATIO = 2;
const STALE_COLOR = '#8a8a8a';
/** Upper bound on distinct images: codes are few in practice; a flood of junk codes must not exhaust the atlas. */
const MAX_IMAGES = 2000;

export class SymbolCache {
  private readonly map: MlMap;
  private readonly cache = new Map<string, SymbolImage>();
  /** Codes milsymbol could not draw, counted for the status line. */
  invalid = 0;

  constructor(map: MlMap) {
    this.map = map;
  }

  get size(): number {
    return this.cache.size;
  }

  /** The image for `sidc`, drawing and adding it on first use. */
  get(sidc: string, stale = false): SymbolImage {
    const key = stale ? `${sidc}|stale` : sidc;
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (this.cache.size >= MAX_IMAGES) return this.get('SUZP-----------', stale);
    const sym = new ms.Symbol(sidc, {
      size: SIZE * RATIO,
      ...(stale ? { monoColor: STALE_COLOR, fillOpacity: 0.4 } : {}),
    });
    if (!sym.isValid()) this.invalid++;
    const canvas = sym.asCanvas();
    const ctx = canvas.getContext('2d');
    const id = `sym:${key}`;
    if (ctx && canvas.width > 0 && canvas.height > 0) {
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
      if (!this.map.hasImage(id)) {
        this.map.addImage(
          id,
          { width: canvas.width, height: canvas.height, data: data.data },
          { pixelRatio: RATIO },
        );
      }
    }
    const anchor = sym.getAnchor();
    const w = canvas.width / RATIO;
    const h = canvas.height / RATIO;
    const img: SymbolImage = {
      id,
      offset: [w / 2 - anchor.x / RATIO, h / 2 - anchor.y / RATIO],
      below: h - anchor.y / RATIO,
    };
    this.cache.set(key, img);
    return img;
  }
}

/** A small arrow (pointing up, base at the bottom centre) rotated by course on its own layer. */
export function addCourseArrow(map: MlMap): void {
  const w = 12 * RATIO;
  const h = 34 * RATIO;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const g = c.getContext('2d')!;
  g.strokeStyle = '#101010';
  g.fillStyle = '#101010';
  g.lineWidth = 2 * RATIO;
  g.beginPath();
  g.moveTo(w / 2, h);
  g.lineTo(w / 2, 8 * RATIO);
  g.stroke();
  g.beginPath();
  g.moveTo(w / 2, 0);
  g.lineTo(w / 2 - 5 * RATIO, 10 * RATIO);
  g.lineTo(w / 2 + 5 * RATIO, 10 * RATIO);
  g.closePath();
  g.fill();
  const data = g.getImageData(0, 0, w, h);
  if (!map.hasImage('course'))
    map.addImage('course', { width: w, height: h, data: data.data }, { pixelRatio: RATIO });
}
