/**
 * Pairwise interoperability inside a capability area: what two systems share (ammunition, calibre, missile, data
 * links, family spares) and whether they meet in the shared battlespace through one of the hub's protocols. The
 * hub translates MAVLink to CoT, so a CoT system and a MAVLink system still meet there; a system that speaks
 * neither does not. Unknown standards give `null`, never a guess.
 */
import { worstGrade, type Grade } from './grade.js';
import { familyIndex, standardsOf } from './standards.js';
import type { Registry, Standards } from './schema.js';
import { isFielded } from './mosaic.js';

/** One system of an area: a family, or a family variant whose standards differ. */
export interface InteropSystem {
  key: string;
  family: string;
  name: string;
  variant?: string;
  nations: string[];
  standards: Standards;
  confidence: Grade;
}

export interface InteropPair {
  area: string;
  a: string;
  b: string;
  sameFamily: boolean;
  sharedAmmo: boolean | null;
  sameCalibre: boolean | null;
  sameBarrel: boolean | null;
  sameMissile: boolean | null;
  sharedDataLinks: string[];
  /** Do they meet in the hub's battlespace picture, and through which protocols? */
  battlespace: { meet: boolean; via: string[]; reason: string };
  confidence: Grade;
}

export interface AreaInterop {
  area: string;
  systems: InteropSystem[];
  pairs: InteropPair[];
}

function same<T>(x: T | null | undefined, y: T | null | undefined): boolean | null {
  if (x === null || x === undefined || y === null || y === undefined) return null;
  return x === y;
}

/** How two systems meet through the hub. */
export function battlespaceLink(a: Standards, b: Standards): InteropPair['battlespace'] {
  if (a.protocols.length === 0 || b.protocols.length === 0) {
    return { meet: false, via: [], reason: 'at least one system speaks no hub protocol (CoT or MAVLink)' };
  }
  const shared = a.protocols.filter((p) => b.protocols.includes(p));
  if (shared.length) return { meet: true, via: shared, reason: `both speak ${shared.join(' and ')}` };
  return {
    meet: true,
    via: ['mavlink→cot'],
    reason: 'one speaks CoT, the other MAVLink: the hub gateway translates',
  };
}

/** Interoperability of every pair of systems in each area (or in `area` only). Planned programmes are included. */
export function computeInterop(reg: Registry, area?: string): AreaInterop[] {
  const fams = familyIndex(reg.families);
  const out: AreaInterop[] = [];
  const areas = [...new Set(reg.programmes.map((p) => p.area))].filter((a) => !area || a === area).sort();
  for (const ar of areas) {
    const systems = new Map<string, InteropSystem>();
    for (const p of reg.programmes.filter((x) => x.area === ar)) {
      const { standards, variant } = standardsOf(fams, p);
      const key = variant ? `${p.family}/${variant}` : p.family;
      const s = systems.get(key);
      const grade = fams.get(p.family)?.confidence ?? 'C';
      if (s) {
        if (!s.nations.includes(p.nation)) s.nations.push(p.nation);
        continue;
      }
      const sys: InteropSystem = {
        key,
        family: p.family,
        name: fams.get(p.family)?.name ?? p.family,
        nations: [p.nation],
        standards,
        confidence: grade,
      };
      if (variant) sys.variant = variant;
      if (!isFielded(p)) sys.name += ' (planned)';
      systems.set(key, sys);
    }
    const list = [...systems.values()].sort((x, y) => x.key.localeCompare(y.key));
    for (const s of list) s.nations.sort();
    const pairs: InteropPair[] = [];
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        const sa = a.standards;
        const sb = b.standards;
        const ammoA = sa.ammoFamily ?? sa.missile;
        const ammoB = sb.ammoFamily ?? sb.missile;
        pairs.push({
          area: ar,
          a: a.key,
          b: b.key,
          sameFamily: a.family === b.family,
          sharedAmmo: same(ammoA, ammoB),
          sameCalibre: same(sa.calibreMm, sb.calibreMm),
          sameBarrel: same(sa.barrelCalibres, sb.barrelCalibres),
          sameMissile: same(sa.missile, sb.missile),
          sharedDataLinks: sa.dataLinks.filter((d) => sb.dataLinks.includes(d)),
          battlespace: battlespaceLink(sa, sb),
          confidence: worstGrade([a.confidence, b.confidence]),
        });
      }
    }
    out.push({ area: ar, systems: list, pairs });
  }
  return out;
}
