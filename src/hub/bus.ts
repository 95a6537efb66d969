/**
 * The hub's side of a bus between hub processes (src/cluster carries it over NATS JetStream). The hub calls a
 * {@link BusHook} once for every event it accepted and hands events that arrive from the bus to `ingestRemote`;
 * it never imports the bus itself.
 */
import type { Envelope } from './envelope.js';
import type { Kind } from './routing.js';

export interface BusHook {
  /**
   * The hub accepted `env` from one of its own sessions (after the loop check, the ingress policy and the flow
   * tag; after its own state and local fan-out). Called exactly once per accepted event, never for pings and
   * never for events that came from the bus.
   */
  accepted(env: Envelope, kind: Kind): void;
}
