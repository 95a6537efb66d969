/** Map sprites drawn on a canvas: the course arrow (entity symbols live in entity-layer.ts's atlas). */
import type { Map as MlMap } from 'maplibre-gl';

const RATIO = 2;

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
