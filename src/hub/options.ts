/** The hub's options and the contracts of its callers (hub.ts re-exports them). */
import type { Logger } from 'pino';
import type { ErrorCode } from '../errors.js';
import type { Event } from '../model/event.js';
import type { Label } from '../model/label.js';
import type { ContactTable } from './contacts.js';
import type { Metrics } from '../ops/metrics.js';
import type { Encoder } from './envelope.js';
import type { Session, WireFormat } from './session.js';

export type IngestResult = { ok: true } | { ok: false; code: ErrorCode; reason: string };
/**
 * Checks (and may relabel) each event at ingress. An event it changes must come back as a new Event with its own
 * detail object and element list (the hub stamps those in place); an event it accepts as is comes back itself.
 * `inherit`: the label an event that carries none takes instead of the source's default (an update of another
 * identity's entity keeps that entity's label, ownership.ts).
 */
export type IngressPolicy = (
  event: Event,
  session: Session,
  inherit?: Label,
) => { ok: true; event: Event } | { ok: false; code: ErrorCode; reason: string };

export interface HubOptions {
  hubId: string;
  log: Logger;
  metrics: Metrics;
  encoders: Partial<Record<WireFormat, Encoder>>;
  queueLimit: number;
  sessionsPerIdentity: number;
  teamScoped?: boolean;
  /** Team-scoped only: how long a new client's picture waits for its own report (default 2 s). */
  pictureWaitMs?: number;
  /** Picture bounds: entities in total and per reporting identity (state.ts; default unbounded). */
  maxEntities?: number;
  maxEntitiesPerIdentity?: number;
  /** Builds the pong a ping is answered with. */
  pong: (now: number) => Event;
  /**
   * The contacts table (uid bindings, last labels): a cluster passes one shared by its hubs; a local table
   * (contacts.ts) when omitted.
   */
  contacts?: ContactTable & { sweep?(now: number): void };
  /** Builds the event a refused write is answered with on a TAK stream (none when omitted). */
  refusal?: (ref: string, code: string, reason: string, now: number) => Event;
  now?: () => number;
}
