/**
 * Wire forms of a confidentiality label:
 * - the STANAG 4774 XML label (`originatorConfidentialityLabel`, namespace
 *   urn:nato:stanag:4774:confidentialitymetadatalabel:1:0), lossless, carried as a CoT detail element;
 * - the CoT event attributes TAK clients understand: `access` (classification marking), `releasableTo` (nations) and
 *   `caveat` (restrictive categories). These are lossy (no informative categories, one permissive list).
 * Pure functions, no I/O. Written from the public STANAG 4774 (ADatP-4774) label syntax and TAK's `caveat`/`releasableTo`
 * attributes, not from any schema text.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BwError } from '../errors.js';
import {
  CLASSIFICATIONS,
  RELEASABLE_TO,
  isClassification,
  natoMarking,
  normalizeLabel,
  type Category,
  type Classification,
  type Label,
} from './label.js';

export const STANAG_4774_NS = 'urn:nato:stanag:4774:confidentialitymetadatalabel:1:0';
/** Name of the detail element that carries the label losslessly. */
export const LABEL_ELEMENT = 'originatorConfidentialityLabel';
/** Largest label XML we read: a label is metadata, never a payload. */
export const MAX_LABEL_XML = 16 * 1024;

/** Stable reasons a label is refused (src/errors.ts). */
export type LabelErrorCode = 'BW_LABEL_MALFORMED' | 'BW_LABEL_UNKNOWN_CLASSIFICATION';

/** A label could not be read. `labelCode` equals `code` (kept for its callers). */
export class LabelError extends BwError {
  override name = 'LabelError';
  readonly labelCode: LabelErrorCode;
  constructor(labelCode: LabelErrorCode, detail: string, options?: { cause?: unknown }) {
    super(labelCode, [detail], options);
    this.labelCode = labelCode;
  }
}

/** National markings (upper case) -> NATO classification, from configuration. */
export type MarkingMap = Readonly<Record<string, Classification>>;

/** Read a classification marking: "NATO SECRET", "SECRET", "COSMIC TOP SECRET", or a configured national marking. */
export function parseClassification(text: string, markings: MarkingMap = {}): Classification {
  const t = text.trim().replace(/\s+/g, ' ').toUpperCase();
  const national = markings[t];
  if (national) return national;
  const bare = t.startsWith('NATO ') ? t.slice(5) : t === 'COSMIC TOP SECRET' ? 'TOP SECRET' : t;
  if (isClassification(bare)) return bare;
  if (bare === 'UNMARKED' || bare === 'PUBLIC') return 'UNCLASSIFIED';
  throw new LabelError('BW_LABEL_UNKNOWN_CLASSIFICATION', `unknown classification "${text.slice(0, 64)}"`);
}

const ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
};

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ENTITIES[c]!);
}

/** Write a label as STANAG 4774 XML (default namespace, no prefix), for a CoT detail element or a sidecar. */
export function labelToXml(label: Label, creationTime?: number): string {
  const l = normalizeLabel(label);
  const cls = l.policy === 'NATO' ? natoMarking(l.classification) : l.classification;
  let xml = `<${LABEL_ELEMENT} xmlns="${STANAG_4774_NS}"><ConfidentialityInformation>`;
  xml += `<PolicyIdentifier>${escapeXml(l.policy)}</PolicyIdentifier><Classification>${escapeXml(cls)}</Classification>`;
  for (const c of l.categories) {
    xml += `<Category TagName="${escapeXml(c.tag)}" Type="${c.type}">`;
    for (const v of c.values) xml += `<GenericValue>${escapeXml(v)}</GenericValue>`;
    xml += '</Category>';
  }
  xml += '</ConfidentialityInformation>';
  if (creationTime !== undefined)
    xml += `<CreationDateTime>${new Date(creationTime).toISOString()}</CreationDateTime>`;
  return xml + `</${LABEL_ELEMENT}>`;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
  isArray: (name) => name === 'Category' || name === 'GenericValue' || name === 'ConfidentialityInformation',
});

type Node = Record<string, unknown>;

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && '#text' in v) return String((v as Node)['#text']);
  return undefined;
}

/**
 * Validate and parse with fast-xml-parser. Its validator and parser can themselves throw plain Errors on some
 * malformed markup (`<!D…`, a tag cut short: found by `npm run fuzz`); those are malformed labels too.
 */
function parseLabelXml(xml: string): Node {
  try {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw new LabelError('BW_LABEL_MALFORMED', valid.err.msg);
    return parser.parse(xml) as Node;
  } catch (e) {
    if (e instanceof LabelError) throw e;
    throw new LabelError('BW_LABEL_MALFORMED', (e as Error).message.slice(0, 200), { cause: e });
  }
}

/**
 * Read a STANAG 4774 label (`originatorConfidentialityLabel` or `ConfidentialityLabel`, any namespace prefix).
 * Throws LabelError on XML that does not parse, a missing policy or classification, or an unknown classification.
 */
export function labelFromXml(xml: string, markings: MarkingMap = {}): Label {
  if (xml.length > MAX_LABEL_XML) throw new LabelError('BW_LABEL_MALFORMED', 'label XML too large');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new LabelError('BW_LABEL_MALFORMED', 'DOCTYPE not allowed');
  const doc = parseLabelXml(xml);
  const root = (doc[LABEL_ELEMENT] ?? doc['ConfidentialityLabel']) as Node | undefined;
  if (!root || typeof root !== 'object')
    throw new LabelError('BW_LABEL_MALFORMED', 'no confidentiality label element');
  const infos = root['ConfidentialityInformation'] as Node[] | undefined;
  const info = infos?.[0];
  if (!info || typeof info !== 'object')
    throw new LabelError('BW_LABEL_MALFORMED', 'no ConfidentialityInformation');
  const policy = text(info['PolicyIdentifier'])?.trim();
  const cls = text(info['Classification']);
  if (!policy) throw new LabelError('BW_LABEL_MALFORMED', 'no PolicyIdentifier');
  if (cls === undefined) throw new LabelError('BW_LABEL_MALFORMED', 'no Classification');
  const categories: Category[] = [];
  for (const c of (info['Category'] as Node[] | undefined) ?? []) {
    const tag = typeof c['@TagName'] === 'string' ? c['@TagName'] : undefined;
    const type = c['@Type'];
    if (!tag) throw new LabelError('BW_LABEL_MALFORMED', 'Category without TagName');
    if (type !== 'PERMISSIVE' && type !== 'RESTRICTIVE' && type !== 'INFORMATIVE') {
      throw new LabelError('BW_LABEL_MALFORMED', `Category type "${String(type)}"`);
    }
    const values = ((c['GenericValue'] as unknown[] | undefined) ?? [])
      .map(text)
      .filter((v) => v !== undefined);
    categories.push({ tag, type, values });
  }
  return normalizeLabel({ policy, classification: parseClassification(cls, markings), categories });
}

/** The CoT attributes that mirror a label. */
export interface CotLabelAttributes {
  access?: string;
  caveat?: string;
  releasableTo?: string;
}

/**
 * Mirror a label into CoT attributes: access = classification marking, releasableTo = the "Releasable to" nations
 * (comma separated; absent when releasable to all), caveat = restrictive categories as "TAG:V1,V2;TAG2:V3".
 */
export function labelToCot(label: Label): Required<Pick<CotLabelAttributes, 'access'>> & CotLabelAttributes {
  const l = normalizeLabel(label);
  const out: Required<Pick<CotLabelAttributes, 'access'>> & CotLabelAttributes = {
    access: l.policy === 'NATO' ? natoMarking(l.classification) : `${l.policy} ${l.classification}`,
  };
  const rel = l.categories.find((c) => c.type === 'PERMISSIVE' && c.tag === RELEASABLE_TO);
  if (rel) out.releasableTo = rel.values.join(',');
  const restrictive = l.categories.filter((c) => c.type === 'RESTRICTIVE');
  if (restrictive.length) out.caveat = restrictive.map((c) => `${c.tag}:${c.values.join(',')}`).join(';');
  return out;
}

const NATION_LIST = /^[A-Za-z0-9_-]+(?:[\s,;]+[A-Za-z0-9_-]+)*$/;

/**
 * Read a label from CoT attributes, or undefined when they carry none (no attributes, or TAK's `access="Undefined"`
 * alone). A free-text caveat that is not "TAG:values" is kept as an informative category (it restricts nothing).
 */
export function labelFromCot(
  attrs: CotLabelAttributes,
  markings: MarkingMap = {},
  policy = 'NATO',
): Label | undefined {
  const access = attrs.access?.trim();
  const hasAccess = !!access && access.toLowerCase() !== 'undefined';
  const rel = attrs.releasableTo?.trim();
  const caveat = attrs.caveat?.trim();
  if (!hasAccess && !rel && !caveat) return undefined;
  const classification: Classification = hasAccess
    ? parseClassification(access!, markings)
    : CLASSIFICATIONS[0];
  const categories: Category[] = [];
  if (rel) {
    if (!NATION_LIST.test(rel))
      throw new LabelError('BW_LABEL_MALFORMED', `releasableTo "${rel.slice(0, 64)}"`);
    categories.push({ tag: RELEASABLE_TO, type: 'PERMISSIVE', values: rel.toUpperCase().split(/[\s,;]+/) });
  }
  if (caveat) {
    for (const part of caveat.split(';')) {
      const i = part.indexOf(':');
      if (i > 0) {
        const values = part
          .slice(i + 1)
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean);
        categories.push({ tag: part.slice(0, i).trim(), type: 'RESTRICTIVE', values });
      } else if (part.trim()) categories.push({ tag: 'Caveat', type: 'INFORMATIVE', values: [part.trim()] });
    }
  }
  return normalizeLabel({ policy, classification, categories });
}
