/**
 * Labelling at ingress (the hub's ingress policy). For each event:
 * 1. read its own label: a STANAG 4774 element in the detail (lossless, authoritative) or else the CoT
 *    access/caveat/releasableTo attributes;
 * 2. find the source's rule (identity, nation, kind, transport, source protocol): default label, floor, ceiling;
 * 3. no own label -> the default; an own label must be at least as restrictive as the floor and not above the
 *    ceiling (the configured one, never above the sender's clearance), else the event is rejected with the reason —
 *    never silently fixed;
 * 4. mirror the final label into the event: the 4774 element in the detail and the CoT attributes, so every codec
 *    and every hop downstream carries it.
 */
import type { Logger } from 'pino';
import { createTrustMetrics, type TrustMetrics } from './metrics.js';
import type { ErrorCode } from '../errors.js';
import type { DetailElement, Event } from '../model/event.js';
import type { Identity } from '../model/identity.js';
import {
  classificationRank,
  DEFAULT_LABEL,
  describeLabel,
  labelAtLeast,
  normalizeLabel,
  type Label,
} from '../model/label.js';
import { LABEL_ELEMENT, LabelError } from '../model/label-xml.js';
import { LabelCodec } from './label-cache.js';
import { NO_AUDIT, type AuditSink } from './audit-types.js';
import type { TrustConfig } from './config.js';
import { compileRules, effectiveCeiling } from './labels.js';

/** Stable reasons an event's label is refused at ingress (codes of src/errors.ts). */
export type LabelRejectReason =
  | 'BW_LABEL_MALFORMED'
  | 'BW_LABEL_UNKNOWN_CLASSIFICATION'
  | 'BW_LABEL_POLICY'
  | 'BW_LABEL_BELOW_FLOOR'
  | 'BW_LABEL_ABOVE_CEILING';

/** What the policy needs of a hub session. */
export interface IngressSession {
  identity: Identity;
  info?: { transport?: string };
}

export type IngressResult = { ok: true; event: Event } | { ok: false; code: ErrorCode; reason: string };

const localName = (n: string) => n.slice(n.indexOf(':') + 1);
const isLabelElement = (n: string) => {
  const l = localName(n);
  return l === LABEL_ELEMENT || l === 'ConfidentialityLabel';
};

const DEFAULT_CODEC = new LabelCodec({});

/** The label the event carries itself, or undefined. Throws LabelError when it does not read. */
export function ownLabel(event: Event, codec: LabelCodec = DEFAULT_CODEC): Label | undefined {
  const el = event.detail.elements.find((e) => isLabelElement(e.name));
  if (el) return codec.xml(el.xml);
  return codec.cot(event.access, event.caveat, event.releasableTo);
}

/**
 * The event carrying `label` on the wire: the 4774 element (replacing any other label element) and attributes.
 * The label element feeds no typed detail view, so the views are kept as they are (no re-derivation: it was the
 * dominant cost of labelling), and the XML is ours, so it needs no validation.
 */
export function withLabel(event: Event, label: Label, codec: LabelCodec = DEFAULT_CODEC): Event {
  const { xml, attrs } = codec.toWire(label);
  const elements: DetailElement[] = [];
  let placed = false;
  for (const el of event.detail.elements) {
    if (!isLabelElement(el.name)) elements.push(el);
    else if (!placed) {
      elements.push({ name: LABEL_ELEMENT, xml });
      placed = true;
    }
  }
  if (!placed) elements.push({ name: LABEL_ELEMENT, xml });
  // Properties the copies may lack are written before the spread and set after it: adding a property to a spread
  // copy takes V8's slow path (about 1 µs per event, see stampFlowTag in src/hub/flow-tags.ts).
  const detail = { ...event.detail };
  detail.elements = elements;
  const out: Event = { access: undefined, caveat: undefined, releasableTo: undefined, ...event };
  out.label = label;
  out.access = attrs.access;
  out.caveat = attrs.caveat;
  out.releasableTo = attrs.releasableTo;
  out.detail = detail;
  return out;
}

function sameWire(event: Event, label: Label, codec: LabelCodec): boolean {
  const { xml, attrs } = codec.toWire(label);
  const el = event.detail.elements.filter((e) => isLabelElement(e.name));
  return (
    event.access === attrs.access &&
    event.caveat === attrs.caveat &&
    event.releasableTo === attrs.releasableTo &&
    el.length === 1 &&
    el[0]!.name === LABEL_ELEMENT &&
    el[0]!.xml === xml
  );
}

/**
 * CoT attributes often say only part of a label (ATAK: a free-text caveat, or access without releasableTo). The part
 * they do not say comes from the source's default: no access -> the default classification; no releasableTo -> the
 * default's permissive categories; the default's restrictive categories always stay. The 4774 element is complete
 * and is not completed.
 */
export function completeFromDefault(own: Label, event: Event, def: Label): Label {
  const hasAccess = !!event.access && event.access.trim().toLowerCase() !== 'undefined';
  const hasRel = !!event.releasableTo?.trim();
  const categories = own.categories.filter((c) => c.type !== 'PERMISSIVE' || hasRel);
  for (const c of def.categories) {
    if (c.type === 'RESTRICTIVE' || (c.type === 'PERMISSIVE' && !hasRel)) categories.push(c);
  }
  return normalizeLabel({
    policy: own.policy,
    classification: hasAccess ? own.classification : def.classification,
    categories,
  });
}

const isDefault = (l: Label) =>
  l.classification === DEFAULT_LABEL.classification && l.categories.length === 0;

/** Build the ingress policy for `hub.setIngressPolicy`. */
export function createIngressPolicy(
  cfg: TrustConfig,
  log: Pick<Logger, 'warn' | 'debug'>,
  audit: AuditSink = NO_AUDIT,
  metrics: Pick<TrustMetrics, 'labelRejected'> = createTrustMetrics(),
): (event: Event, session: IngressSession, inherit?: Label) => IngressResult {
  const rejected = metrics.labelRejected;
  const resolve = compileRules(cfg);
  const codec = new LabelCodec(cfg.labels.markings);
  const policies = new Set(cfg.labels.policies);

  const reject = (event: Event, who: Identity, reason: LabelRejectReason, text: string): IngressResult => {
    rejected.inc({ reason });
    log.warn({ uid: event.uid, id: who.id, nation: who.nation, reason }, `event rejected: ${text}`);
    audit.record('ingress-reject', { actor: who.id, nation: who.nation, ref: event.uid, rule: reason });
    return { ok: false, code: reason, reason: text };
  };

  // `inherit`: the hub's ownership check passes the current label of another identity's entity being updated; an
  // update without a label of its own keeps it (instead of the source's default), checked like an own label.
  return (event, session, inherit) => {
    const who = session.identity;
    const p = resolve({ identity: who, transport: session.info?.transport, source: event.origin.protocol });
    let own: Label | undefined;
    try {
      own = ownLabel(event, codec);
    } catch (e) {
      if (!(e instanceof LabelError)) throw e;
      return reject(event, who, e.labelCode, e.message);
    }
    if (own && !event.detail.elements.some((e) => isLabelElement(e.name))) {
      own = completeFromDefault(own, event, inherit ?? p.default);
    }
    own ??= inherit;
    if (own) {
      if (!policies.has(own.policy))
        return reject(event, who, 'BW_LABEL_POLICY', `policy "${own.policy}" not accepted`);
      if (!labelAtLeast(own, p.floor)) {
        return reject(
          event,
          who,
          'BW_LABEL_BELOW_FLOOR',
          `label "${describeLabel(own)}" is less restrictive than this source's floor "${describeLabel(p.floor)}"`,
        );
      }
      const ceiling = effectiveCeiling(p, who);
      if (classificationRank(own.classification) > classificationRank(ceiling)) {
        return reject(
          event,
          who,
          'BW_LABEL_ABOVE_CEILING',
          `${own.classification} is above this source's ceiling ${ceiling}`,
        );
      }
    }
    const label = own ?? p.default;
    // Fast path: nothing to write (unlabelled — e.g. ATAK's access="Undefined" — and the default is unclassified,
    // releasable to all), or the wire already says it all. The hub then forwards the sender's own bytes.
    if (!own && isDefault(label)) {
      event.label = label;
      return { ok: true, event };
    }
    if (sameWire(event, label, codec)) {
      event.label = label;
      return { ok: true, event };
    }
    return { ok: true, event: withLabel(event, label, codec) };
  };
}
