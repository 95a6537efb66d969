/**
 * The one egress gate. Every path that hands data to someone — TCP/TLS stream, websocket, REST, federation, the
 * planner API and its exports, video — asks a {@link Gate} before the data leaves. Nothing else decides. The hub
 * owns its gate (`hub.gate`); the deny listeners and the check counter are that gate's, not the process's.
 */
import type { Identity } from '../model/identity.js';
import { labelPermits, type Label } from '../model/label.js';

/** The delivery paths that exist. A new path adds its name here and calls the gate. */
export type DeliveryPath = 'stream' | 'websocket' | 'rest' | 'federation' | 'planner' | 'video';

/** What the gate needs to know about a piece of data. */
export interface Gated {
  label: Label;
  /** Server-side groups the data was published into; undefined = not group-scoped (e.g. planning data). */
  groups?: readonly string[];
}

export type Decision = { allow: true } | { allow: false; reason: string };

const ALLOW: Decision = Object.freeze({ allow: true });

/** Observers of denials (audit, metrics). Registered by the composition root. */
export type DenyListener = (
  subject: Gated,
  who: Identity,
  path: DeliveryPath,
  reason: string,
  ref?: string,
) => void;

/**
 * One gate: the decision ({@link decide}) plus its own deny listeners and check counter. The hub owns one
 * (`hub.gate`), so two apps in one process (as in the tests) never see each other's denials or counts.
 */
export class Gate {
  private readonly listeners: DenyListener[] = [];
  private count = 0;

  /** Observe this gate's policy denials; returns the function that stops observing. */
  onDeny(listener: DenyListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Decisions this gate made (tests use it to prove a path went through the gate). */
  get checks(): number {
    return this.count;
  }

  /**
   * May `who` receive `subject` over `path`? Groups first (cheap), then the confidentiality label.
   * `ref` (e.g. the event uid) is passed to deny listeners for the audit trail; content never is.
   */
  egress(subject: Gated, who: Identity, path: DeliveryPath, ref?: string): Decision {
    this.count++;
    const reason = denial(subject, who);
    if (reason === undefined) return ALLOW;
    // Group mismatch is routing (the data was never meant for that channel), not a policy denial: not audited.
    if (reason !== 'group') for (const l of this.listeners) l(subject, who, path, reason, ref);
    return { allow: false, reason };
  }
}

/**
 * Transitional: the gate of the paths that do not reach a hub's gate yet (the planner API, federation REST and
 * video call the free {@link egress} below). Their owners switch to `hub.gate.egress(...)`; then this, `egress`
 * and `unownedGate` go. Until then these paths' denials reach every audit trail in the process
 * (`trust/audit.ts` observes this gate as well as its hub's).
 */
export const unownedGate = new Gate();

/** Transitional free form of {@link Gate.egress} on {@link unownedGate}: use `hub.gate.egress`. */
export function egress(subject: Gated, who: Identity, path: DeliveryPath, ref?: string): Decision {
  return unownedGate.egress(subject, who, path, ref);
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
 * The gate's decision without handing anything over: may `who` see `subject`? Ownership (ownership.ts) asks this
 * before accepting a write, so "may write" and "may receive" can never disagree. Not a delivery: not counted, and
 * denials are not reported to deny listeners (the refused write is audited as such).
 */
export function maySee(subject: Gated, who: Identity): Decision {
  const reason = denial(subject, who);
  return reason === undefined ? ALLOW : { allow: false, reason };
}

function denial(subject: Gated, who: Identity): string | undefined {
  if (subject.groups && !sharesGroup(subject.groups, who.groups)) return 'group';
  const r = labelPermits(subject.label, who);
  return r.ok ? undefined : r.rule;
}
