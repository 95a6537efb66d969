/**
 * The trust module's counters, made once per app ({@link createTrustMetrics}) and registered in that app's
 * registry, so two apps in one process (as in the tests) never count into each other's /metrics. Code that runs
 * without an app (the CLI) gets counters registered nowhere.
 */
import { Counter, type Registry } from 'prom-client';

export interface TrustMetrics {
  tlsRefused: Counter<'reason'>;
  enrollResults: Counter<'result'>;
  labelRejected: Counter<'reason'>;
  auditDropped: Counter;
  auditWritten: Counter<'kind'>;
}

/** New trust counters, registered in `registry` (none: counted, not exposed). */
export function createTrustMetrics(registry?: Registry): TrustMetrics {
  const registers = registry ? [registry] : [];
  return {
    tlsRefused: new Counter({
      name: 'bw_tls_refused_total',
      help: 'TLS connections refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
    enrollResults: new Counter({
      name: 'bw_enroll_total',
      help: 'Enrollment requests by result (ok, or the stable refusal code)',
      labelNames: ['result'],
      registers,
    }),
    labelRejected: new Counter({
      name: 'bw_label_rejected_total',
      help: 'Events rejected at ingress for their label, by reason',
      labelNames: ['reason'],
      registers,
    }),
    auditDropped: new Counter({
      name: 'bw_audit_dropped_total',
      help: 'Audit records dropped: buffer full',
      registers,
    }),
    auditWritten: new Counter({
      name: 'bw_audit_records_total',
      help: 'Audit records written',
      labelNames: ['kind'],
      registers,
    }),
  };
}
