/**
 * The one egress gate. Every path that hands data to someone — TCP/TLS stream, UDP, websocket, REST, export,
 * replay, federation, planner API — calls {@link egress} before the data leaves. Nothing else decides.
 */
import type { Identity } from '../model/identity.js';
import { labelPermits, type Label } from '../model/label.js';

/** The delivery paths that exist. A new path adds its name here and calls the gate. */
export type DeliveryPath =
  'stream' | 'udp' | 'websocket' | 'rest' | 'export' | 'replay' | 'federation' | 'planner' | 'video';

/** What the gate needs to know about a piece of data. */
export interface Gated {
  label: Label;
  /** Server-side groups the data was published into; undefined = not group-scoped (e.g. planning data). */
  groups?: readonly string[];
}

export type Decision = { allow: true } | { allow: false; reason: string };

const ALLOW: Decision = Object.freeze({ allow: true });

/** Observers of denials (audit, metrics). Registered by the composition root. */
type DenyListener = (subject: Gated, who: Identity, path: DeliveryPath, reason: string, ref?: string) => void;
const denyListeners: DenyListener[] = [];
let checks = 0;

export function onDeny(listener: DenyListener): () => void {
  denyListeners.push(listener);
  return () => {
    const i = denyListeners.indexOf(listener);
    if (i >= 0) denyListeners.splice(i, 1);
  };
}

/** Number of gate decisions made since start (tests use it to prove a path went through the gate). */
export function gateChecks(): number {
  return checks;
}

/**
 * Everything of an identity the gate looks at (groups, clearance, nation, categories), as one string: identities
 * with the same key get the same answers from {@link egress}, which lets a fan-out evaluate the gate once per kind
 * of recipient instead of once per connection (each TLS connection has its own identity object).
 */
export function gateKeyOf(who: Identity): string {
  const sorted = (a: readonly string[]) => (a.length < 2 ? a.join(',') : [...a].sort().join(','));
  return `${who.clearance}|${who.nation ?? ''}|${sorted(who.categories)}|${sorted(who.groups)}`;
}

function sharesGroup(a: readonly string[], b: readonly string[]): boolean {
  for (const g of a) if (b.includes(g)) return true;
  return false;
}

/**
 * May `who` receive `subject` over `path`? Groups first (cheap), then the confidentiality label.
 * `ref` (e.g. the event uid) is passed to deny listeners for the audit trail; content never is.
 */
export function egress(subject: Gated, who: Identity, path: DeliveryPath, ref?: string): Decision {
  checks++;
  const reason = denial(subject, who);
  if (reason === undefined) return ALLOW;
  // Group mismatch is routing (the data was never meant for that channel), not a policy denial: not audited.
  if (reason !== 'group') for (const l of denyListeners) l(subject, who, path, reason, ref);
  return { allow: false, reason };
}

/**
 * The gate's decision without handing anything over: may `who` see `subject`? Ownership (ownership.ts) asks this
 * before accepting a write, so "may write" and "may receive" can never disagree. Not a delivery, so denials are
 * not reported to the deny listeners (the refused write is audited as such).
 */
export function maySee(subject: Gated, who: Identity): Decision {
  checks++;
  const reason = denial(subject, who);
  return reason === undefined ? ALLOW : { allow: false, reason };
}

function denial(subject: Gated, who: Identity): string | undefined {
  if (subject.groups && !sharesGroup(subject.groups, who.groups)) return 'group';
  const r = labelPermits(subject.label, who);
  return r.ok ? undefined : r.rule;
}
