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
import { Counter } from 'prom-client';
import { setDetailElement } from '../codecs/cot/detail.js';
import type { ErrorCode } from '../errors.js';
import type { Event } from '../model/event.js';
import type { Identity } from '../model/identity.js';
import {
  classificationRank,
  DEFAULT_LABEL,
  describeLabel,
  labelAtLeast,
  type Label,
} from '../model/label.js';
import {
  LABEL_ELEMENT,
  LabelError,
  labelFromCot,
  labelFromXml,
  labelToCot,
  labelToXml,
} from '../model/label-xml.js';
import { NO_AUDIT, type AuditSink } from './audit-types.js';
import type { TrustConfig } from './config.js';
import { compileRules, effectiveCeiling } from './labels.js';

const rejected = new Counter({
  name: 'bw_label_rejected_total',
  help: 'Events rejected at ingress for their label, by reason',
  labelNames: ['reason'],
});

/** Stable reasons (not yet in src/errors.ts; the hub sees the closest table code, BW_COT_BAD_VALUE). */
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

/** The label the event carries itself, or undefined. Throws LabelError when it does not read. */
export function ownLabel(event: Event, markings: Record<string, Label['classification']>): Label | undefined {
  const el = event.detail.elements.find((e) => isLabelElement(e.name));
  if (el) return labelFromXml(el.xml, markings);
  return labelFromCot(
    { access: event.access, caveat: event.caveat, releasableTo: event.releasableTo },
    markings,
  );
}

/** The event carrying `label` on the wire: the 4774 element (replacing any other label element) and attributes. */
export function withLabel(event: Event, label: Label): Event {
  const attrs = labelToCot(label);
  const xml = labelToXml(label);
  let detail = event.detail;
  for (const el of detail.elements) {
    if (isLabelElement(el.name) && el.name !== LABEL_ELEMENT)
      detail = setDetailElement(detail, el.name, null);
  }
  const current = detail.elements.find((e) => e.name === LABEL_ELEMENT);
  if (current?.xml !== xml) detail = setDetailElement(detail, LABEL_ELEMENT, xml);
  return {
    ...event,
    label,
    access: attrs.access,
    caveat: attrs.caveat,
    releasableTo: attrs.releasableTo,
    detail,
  };
}

function sameWire(event: Event, label: Label): boolean {
  const a = labelToCot(label);
  const el = event.detail.elements.filter((e) => isLabelElement(e.name));
  return (
    event.access === a.access &&
    event.caveat === a.caveat &&
    event.releasableTo === a.releasableTo &&
    el.length === 1 &&
    el[0]!.name === LABEL_ELEMENT &&
    el[0]!.xml === labelToXml(label)
  );
}

const isDefault = (l: Label) =>
  l.classification === DEFAULT_LABEL.classification && l.categories.length === 0;

/** Build the ingress policy for `hub.setIngressPolicy`. */
export function createIngressPolicy(
  cfg: TrustConfig,
  log: Pick<Logger, 'warn' | 'debug'>,
  audit: AuditSink = NO_AUDIT,
): (event: Event, session: IngressSession) => IngressResult {
  const resolve = compileRules(cfg);
  const markings = cfg.labels.markings;
  const policies = new Set(cfg.labels.policies);

  const reject = (event: Event, who: Identity, reason: LabelRejectReason, text: string): IngressResult => {
    rejected.inc({ reason });
    log.warn({ uid: event.uid, id: who.id, nation: who.nation, reason }, `event rejected: ${text}`);
    audit.record('ingress-reject', { actor: who.id, nation: who.nation, ref: event.uid, rule: reason });
    return { ok: false, code: 'BW_COT_BAD_VALUE', reason: `${reason}: ${text}` };
  };

  return (event, session) => {
    const who = session.identity;
    const p = resolve({ identity: who, transport: session.info?.transport, source: event.origin.protocol });
    let own: Label | undefined;
    try {
      own = ownLabel(event, markings);
    } catch (e) {
      if (!(e instanceof LabelError)) throw e;
      return reject(event, who, e.labelCode, e.message);
    }
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
    if (sameWire(event, label)) {
      event.label = label;
      return { ok: true, event };
    }
    return { ok: true, event: withLabel(event, label) };
  };
}
