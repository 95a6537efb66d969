/** Per-link federation metrics (docs/operations.md), in the app's registry. */
import { Counter, Gauge, type Registry } from 'prom-client';

export function createFedMetrics(registry: Registry) {
  const r = [registry];
  return {
    connected: new Gauge({
      name: 'bw_fed_connected',
      help: 'Federation link up (1) or down (0)',
      labelNames: ['peer'],
      registers: r,
    }),
    queued: new Gauge({
      name: 'bw_fed_queued',
      help: 'Events waiting in a link queue, by class',
      labelNames: ['peer', 'class'],
      registers: r,
    }),
    coalesced: new Counter({
      name: 'bw_fed_coalesced_total',
      help: 'Queued positions replaced by a newer one for the same uid',
      labelNames: ['peer'],
      registers: r,
    }),
    dropped: new Counter({
      name: 'bw_fed_dropped_total',
      help: 'Queued positions dropped because the link queue was full',
      labelNames: ['peer'],
      registers: r,
    }),
    regated: new Counter({
      name: 'bw_fed_gate_refused_total',
      help: 'Queued rows the egress gate refused when they were sent (the peer was narrowed since), by rule',
      labelNames: ['peer', 'rule'],
      registers: r,
    }),
    sent: new Counter({
      name: 'bw_fed_sent_total',
      help: 'Events sent on a link, by class',
      labelNames: ['peer', 'class'],
      registers: r,
    }),
    received: new Counter({
      name: 'bw_fed_received_total',
      help: 'Events received on a link, by result (accepted or the BW_ code)',
      labelNames: ['peer', 'result'],
      registers: r,
    }),
    bytes: new Counter({
      name: 'bw_fed_bytes_total',
      help: 'Message bytes on a link (before gRPC compression), by direction',
      labelNames: ['peer', 'direction'],
      registers: r,
    }),
    rtt: new Gauge({
      name: 'bw_fed_rtt_seconds',
      help: 'Round-trip time of the last health check',
      labelNames: ['peer'],
      registers: r,
    }),
    lastContact: new Gauge({
      name: 'bw_fed_last_contact_seconds',
      help: 'Unix time of the last message or health answer from the peer',
      labelNames: ['peer'],
      registers: r,
    }),
    refused: new Counter({
      name: 'bw_fed_refused_total',
      help: 'Federation connections or calls refused, by reason',
      labelNames: ['reason'],
      registers: r,
    }),
  };
}

export type FedMetrics = ReturnType<typeof createFedMetrics>;
