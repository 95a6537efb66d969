/**
 * What a streaming connection (stream.ts) is given: the hub, logging, metrics, its limits and the decode threads.
 * The limits are a narrow type of the transport's own, so the transport does not depend on the application's
 * configuration (imports flow edges -> hub, and the composition root passes its `limits` section, which has these
 * keys and more).
 */
import type { Logger } from 'pino';
import type { Hub } from '../hub/hub.js';
import type { Metrics } from '../ops/metrics.js';
import type { DecodeThreads } from './decode/threads.js';

export interface StreamLimits {
  /** Largest event (XML) or message (TAK protocol) accepted, in bytes. */
  maxEventBytes: number;
  /** Events per second a connection may send, and the burst above it (token bucket). */
  ratePerClient: number;
  burstPerClient: number;
  /** A connection that sends nothing for this long is closed. */
  idleTimeoutMs: number;
  /** An event started and not finished within this is closed (slowloris). */
  eventTimeoutMs: number;
  /** Bytes buffered in a socket before the hub stops writing to it and lets updates coalesce. */
  socketHighWater: number;
}

export interface StreamDeps {
  hub: Hub;
  log: Logger;
  metrics: Metrics;
  limits: StreamLimits;
  /** When set, CoT XML is framed and decoded on these threads (decode/threads.ts), not on the hub's. */
  decoders?: DecodeThreads | undefined;
  /** A connection moves to the decode threads once it reads this many bytes within a second (0: from the start). */
  decodeFromBytesPerSecond?: number;
}
