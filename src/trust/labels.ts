/** Labels from configuration, and the labelling rule that applies to a source. */
import type { Identity } from '../model/identity.js';
import {
  classificationRank,
  normalizeLabel,
  RELEASABLE_TO,
  type Category,
  type Classification,
  type Label,
} from '../model/label.js';
import type { LabelRule, LabelSpec, TrustConfig } from './config.js';

/** A configured label spec as a model Label. */
export function labelFromSpec(spec: LabelSpec): Label {
  const categories: Category[] = [];
  if (spec.releasableTo)
    categories.push({ tag: RELEASABLE_TO, type: 'PERMISSIVE', values: [...spec.releasableTo] });
  for (const [tag, values] of Object.entries(spec.restrictive)) {
    categories.push({ tag, type: 'RESTRICTIVE', values: [...values] });
  }
  return normalizeLabel({ policy: spec.policy, classification: spec.classification, categories });
}

/** What applies to one source: the default label, the floor its own labels may not go below, the ceiling. */
export interface SourcePolicy {
  default: Label;
  floor: Label;
  /** Highest classification the source may publish; undefined = the sender's clearance. */
  ceiling?: Classification;
  /** Index of the rule in the configuration, -1 for the global default (for logs). */
  rule: number;
}

/** Facts about a source the rules match on. */
export interface SourceFacts {
  identity: Identity;
  transport?: string;
  source?: string;
}

interface Compiled extends SourcePolicy {
  match: LabelRule['match'];
  specificity: number;
}

/** Compile the rules once; `resolve` then picks the most specific matching rule (ties: the first listed). */
export function compileRules(cfg: TrustConfig): (facts: SourceFacts) => SourcePolicy {
  const global = labelFromSpec(cfg.labels.default);
  const rules: Compiled[] = cfg.labels.rules.map((r, i) => {
    const def = labelFromSpec(r.default);
    return {
      match: r.match,
      default: def,
      floor: r.floor ? labelFromSpec(r.floor) : def,
      ceiling: r.ceiling,
      rule: i,
      specificity: Object.values(r.match).filter((v) => v !== undefined).length,
    };
  });
  return (facts) => {
    let best: Compiled | undefined;
    for (const r of rules) {
      const m = r.match;
      if (m.identity !== undefined && m.identity !== facts.identity.id) continue;
      if (m.nation !== undefined && m.nation !== facts.identity.nation) continue;
      if (m.kind !== undefined && m.kind !== facts.identity.kind) continue;
      if (m.transport !== undefined && m.transport !== facts.transport) continue;
      if (m.source !== undefined && m.source !== facts.source) continue;
      if (!best || r.specificity > best.specificity) best = r;
    }
    return best ?? { default: global, floor: global, rule: -1 };
  };
}

/** The effective ceiling: the configured one, never above the sender's own clearance. */
export function effectiveCeiling(p: SourcePolicy, who: Identity): Classification {
  if (p.ceiling === undefined) return who.clearance;
  return classificationRank(p.ceiling) < classificationRank(who.clearance) ? p.ceiling : who.clearance;
}
