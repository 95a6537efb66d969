/** The hub's options and the contracts of its callers (hub.ts re-exports them). */
import type { Logger } from 'pino';
import type { ErrorCode } from '../errors.js';
import type { Event } from '../model/event.js';
import type { Metrics } from '../ops/metrics.js';
import type { Encoder } from './envelope.js';
import type { Session, WireFormat } from './session.js';

export type IngestResult = { ok: true } | { ok: false; code: ErrorCode; reason: string };
/**
 * Checks (and may relabel) each event at ingress. An event it changes must come back as a new Event with its own
 * detail object and element list (the hub stamps those in place); an event it accepts as is comes back itself.
 */
export type IngressPolicy = (
  event: Event,
  session: Session,
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
  now?: () => number;
}
