/**
 * MISB ST 0102 Security Metadata local set (nested as tag 48 of ST 0601): classification, classifying country,
 * releasing instructions and object country codes; and its mapping onto the hub's confidentiality label
 * (classification 1–5 -> UNCLASSIFIED … TOP SECRET, releasing instructions -> a permissive "Releasable to" category).
 */
import { RELEASABLE_TO, type Classification, type Label } from '../../model/label.js';
import { readLocalSet, toHex, type KlvFault } from './ber.js';
import { text, textMaybeUtf16, uint } from './values.js';

export interface SecurityMetadata {
  /** ST 0102 classification byte: 1 UNCLASSIFIED, 2 RESTRICTED, 3 CONFIDENTIAL, 4 SECRET, 5 TOP SECRET. */
  classification?: number;
  classifyingCountryCodingMethod?: number;
  classifyingCountry?: string;
  sciShiInformation?: string;
  caveats?: string;
  releasingInstructions?: string;
  classifiedBy?: string;
  derivedFrom?: string;
  classificationReason?: string;
  declassificationDate?: string;
  classificationAndMarkingSystem?: string;
  objectCountryCodingMethod?: number;
  objectCountryCodes?: string;
  classificationComments?: string;
  version?: number;
  /** Items not mapped here, kept as hex. */
  other: { tag: number; hex: string }[];
}

const TEXT: Record<number, keyof SecurityMetadata> = {
  3: 'classifyingCountry',
  4: 'sciShiInformation',
  5: 'caveats',
  6: 'releasingInstructions',
  7: 'classifiedBy',
  8: 'derivedFrom',
  9: 'classificationReason',
  10: 'declassificationDate',
  11: 'classificationAndMarkingSystem',
  14: 'classificationComments',
};

export function decodeSecurity(
  v: Uint8Array,
): { ok: true; value: SecurityMetadata } | { ok: false; fault: KlvFault } {
  const r = readLocalSet(v);
  if (r.fault) return { ok: false, fault: r.fault };
  const s: SecurityMetadata = { other: [] };
  for (const it of r.items) {
    const name = TEXT[it.tag];
    if (name) (s as unknown as Record<string, string>)[name] = text(it.value);
    else if (it.tag === 1) s.classification = uint(it.value);
    else if (it.tag === 2) s.classifyingCountryCodingMethod = uint(it.value);
    else if (it.tag === 12) s.objectCountryCodingMethod = uint(it.value);
    else if (it.tag === 13) s.objectCountryCodes = textMaybeUtf16(it.value);
    else if (it.tag === 22) s.version = uint(it.value);
    else s.other.push({ tag: it.tag, hex: toHex(it.value) });
  }
  return { ok: true, value: s };
}

const CLASSIFICATION: Record<number, Classification> = {
  1: 'UNCLASSIFIED',
  2: 'RESTRICTED',
  3: 'CONFIDENTIAL',
  4: 'SECRET',
  5: 'TOP SECRET',
};

/** Country trigraphs (and tetragraphs such as NATO) in a releasing-instructions string, "//" and "REL TO" ignored. */
export function releaseCodes(s: string): string[] {
  const out: string[] = [];
  for (const tok of s.toUpperCase().split(/[\s,;/]+/)) {
    if (tok === 'REL' || tok === 'TO') continue;
    if (/^[A-Z]{3,4}$/.test(tok) && !out.includes(tok)) out.push(tok);
  }
  return out.sort();
}

/**
 * The label a security set asks for, or undefined when the classification is missing or unknown (the caller keeps
 * the feed's configured label then). The policy is NATO: ST 0102 classifications are the NATO scale's names.
 */
export function labelOfSecurity(s: SecurityMetadata): Label | undefined {
  const classification = s.classification !== undefined ? CLASSIFICATION[s.classification] : undefined;
  if (!classification) return undefined;
  const rel = s.releasingInstructions ? releaseCodes(s.releasingInstructions) : [];
  return {
    policy: 'NATO',
    classification,
    categories: rel.length > 0 ? [{ tag: RELEASABLE_TO, type: 'PERMISSIVE', values: rel }] : [],
  };
}
