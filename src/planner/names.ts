/**
 * Names a planner reads instead of record ids: "LV HIMARS M142" rather than "baltic-equipment:28", and ids
 * sorted as people count (2 before 10).
 */
import type { Programme } from './schema.js';

/** Nation, system and variant: `LT CAESAR Mk II 6x6`, `EE HIMARS M142 (second batch)`. */
export function programmeName(p: Pick<Programme, 'id' | 'nation' | 'system' | 'variant'>): string {
  if (!p.system.trim()) return p.id;
  const v = p.variant.trim();
  const show = v && !p.system.toLowerCase().includes(v.toLowerCase()) && v.length <= 40;
  return `${p.nation} ${p.system}${show ? ` ${v}` : ''}`;
}

/** Compare strings with their numbers as numbers (`seed:2` before `seed:10`). */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}
