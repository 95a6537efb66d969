/**
 * The trust module's counters. They live in prom-client's default registry (so they exist without an app, e.g. in
 * the CLI and tests); {@link registerTrustMetrics} also exposes them in the app's own registry.
 */
import { Counter, type Registry } from 'prom-client';

export const tlsRefused = new Counter({
  name: 'bw_tls_refused_total',
  help: 'TLS connections refused, by reason',
  labelNames: ['reason'],
});

export const enrollResults = new Counter({
  name: 'bw_enroll_total',
  help: 'Enrollment requests by result (ok, or the stable refusal code)',
  labelNames: ['result'],
});

export const labelRejected = new Counter({
  name: 'bw_label_rejected_total',
  help: 'Events rejected at ingress for their label, by reason',
  labelNames: ['reason'],
});

export const auditDropped = new Counter({
  name: 'bw_audit_dropped_total',
  help: 'Audit records dropped: buffer full',
});

export const auditWritten = new Counter({
  name: 'bw_audit_records_total',
  help: 'Audit records written',
  labelNames: ['kind'],
});

const ALL: Counter<string>[] = [tlsRefused, enrollResults, labelRejected, auditDropped, auditWritten];

/** Add the trust counters to `registry` (idempotent). */
export function registerTrustMetrics(registry: Registry): void {
  for (const c of ALL) {
    const name = (c as unknown as { name: string }).name;
    if (!registry.getSingleMetric(name)) registry.registerMetric(c);
  }
}
