/**
 * Prometheus metrics of the hub, in one registry per app (tests run several apps in one process).
 * Names are `bw_*`; docs/operations.md lists them.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface Metrics {
  registry: Registry;
  connections: Gauge<'transport' | 'protocol'>;
  connectionsTotal: Counter<'transport'>;
  eventsIn: Counter<'protocol'>;
  eventsOut: Counter<'format'>;
  /** Per-event counting for the hot path: bw_events_in_total{protocol} / bw_events_out_total{format}. */
  tallyIn(protocol: string): Tally;
  tallyOut(format: string): Tally;
  rejected: Counter<'code'>;
  drops: Counter<'reason'>;
  coalesced: Counter;
  disconnects: Counter<'reason'>;
  /** Set by the hub: returns [total queued, deepest queue] across sessions, read at scrape time. */
  queueProbe: { fn: () => [number, number] };
  stateSize: Gauge;
  egressDenied: Counter<'rule' | 'path'>;
  pictureRefused: Counter<'bound'>;
  stop(): void;
}

/** A counter child counted in a plain number, added to its prom-client counter when the registry is read. */
export interface Tally {
  inc(n: number): void;
}

/**
 * Tallies of one labelled counter. prom-client's `inc` (label hashing, value objects) was 1.4 % of the S2 ingest
 * profile at one call per event; a tally is one addition, and the counter's `collect` (run on every scrape, before
 * the values are read) folds the tallies in, so /metrics always shows the exact totals.
 */
function tallies(label: string): { get(value: string): Tally; fold(c: Counter<string>): void } {
  const byValue = new Map<string, { n: number; inc(k: number): void }>();
  return {
    get(value) {
      let t = byValue.get(value);
      if (!t) {
        const tally = {
          n: 0,
          inc(k: number) {
            tally.n += k;
          },
        };
        byValue.set(value, (t = tally));
      }
      return t;
    },
    fold(c) {
      for (const [value, t] of byValue) {
        // Touch every label once so a known protocol/format shows as 0 before its first event.
        c.inc({ [label]: value }, t.n);
        t.n = 0;
      }
    },
  };
}

/**
 * Default metrics whose collection walks every handle or file descriptor on the event loop, on each scrape: at
 * 10,000 connections listing /proc/self/fd took 35-48 ms and the handle lists 10 ms more (docs/performance.md,
 * seventh session), a stall every Prometheus scrape. `bw_connections` counts the connections instead.
 */
const COSTLY_DEFAULTS = [
  'process_open_fds',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
];

export function createMetrics(opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults !== false) {
    collectDefaultMetrics({ register: registry, prefix: 'bw_' });
    for (const name of COSTLY_DEFAULTS) registry.removeSingleMetric(`bw_${name}`);
  }
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  new Gauge({
    name: 'bw_event_loop_lag_seconds',
    help: 'Event-loop delay (p99 over the last scrape interval)',
    registers: [registry],
    collect() {
      this.set(lag.percentile(99) / 1e9);
      lag.reset();
    },
  });
  const queueProbe = { fn: (): [number, number] => [0, 0] };
  new Gauge({
    name: 'bw_queue_depth',
    help: 'Outgoing queue depth: total over all clients, and the deepest one',
    labelNames: ['stat'],
    registers: [registry],
    collect() {
      const [total, max] = queueProbe.fn();
      this.set({ stat: 'total' }, total);
      this.set({ stat: 'max' }, max);
    },
  });
  const inTallies = tallies('protocol');
  const outTallies = tallies('format');
  const m: Metrics = {
    registry,
    tallyIn: (protocol) => inTallies.get(protocol),
    tallyOut: (format) => outTallies.get(format),
    connections: new Gauge({
      name: 'bw_connections',
      help: 'Open connections by transport and protocol',
      labelNames: ['transport', 'protocol'],
      registers: [registry],
    }),
    connectionsTotal: new Counter({
      name: 'bw_connections_total',
      help: 'Accepted connections',
      labelNames: ['transport'],
      registers: [registry],
    }),
    eventsIn: new Counter({
      name: 'bw_events_in_total',
      help: 'Events received and accepted, by protocol',
      labelNames: ['protocol'],
      registers: [registry],
      collect() {
        inTallies.fold(this);
      },
    }),
    eventsOut: new Counter({
      name: 'bw_events_out_total',
      help: 'Event deliveries written to clients, by wire format',
      labelNames: ['format'],
      registers: [registry],
      collect() {
        outTallies.fold(this);
      },
    }),
    rejected: new Counter({
      name: 'bw_rejected_total',
      help: 'Input rejected, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    drops: new Counter({
      name: 'bw_drops_total',
      help: 'Deliveries dropped, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    coalesced: new Counter({
      name: 'bw_coalesced_total',
      help: 'Queued position updates replaced by a newer one for the same uid',
      registers: [registry],
    }),
    disconnects: new Counter({
      name: 'bw_disconnects_total',
      help: 'Connections closed, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    queueProbe,
    stateSize: new Gauge({
      name: 'bw_state_entities',
      help: 'Entities in the latest-state picture',
      registers: [registry],
    }),
    egressDenied: new Counter({
      name: 'bw_egress_denied_total',
      help: 'Deliveries refused by the egress gate (labels), by rule and path',
      labelNames: ['rule', 'path'],
      registers: [registry],
    }),
    pictureRefused: new Counter({
      name: 'bw_picture_refused_total',
      help: 'New uids refused because the picture is full, by bound (total or owner)',
      labelNames: ['bound'],
      registers: [registry],
    }),
    stop() {
      lag.disable();
    },
  };
  return m;
}
