/** The audit trail: append-only, queried by time/identity/kind, JSON lines, denials coalesced, buffer bounded. */
import { Registry } from 'prom-client';
import { createTrustMetrics } from '../../src/trust/metrics.js';
import { describe, expect, it } from 'vitest';
import { egress } from '../../src/hub/gate.js';
import type { Identity } from '../../src/model/identity.js';
import { openStore } from '../../src/store/db.js';
import { createAudit } from '../../src/trust/audit.js';

const pol: Identity = {
  id: 'pol-1',
  kind: 'user',
  nation: 'POL',
  clearance: 'RESTRICTED',
  categories: [],
  groups: ['Blue'],
};

describe('audit trail', () => {
  it('records, queries and exports; refuses updates and deletes', () => {
    const store = openStore(':memory:');
    const audit = createAudit(store, { flushMs: 10_000 });
    const t0 = Date.now();
    audit.record('connect', { actor: 'a', nation: 'LTU', remote: '10.0.0.1', path: 'tls' });
    audit.record('enroll', { actor: 'b', nation: 'LVA', ref: 'abc123' });
    audit.record('tls-refused', { rule: 'CERT_REVOKED', remote: '10.0.0.9' });
    expect(audit.query().map((r) => r.kind)).toEqual(['connect', 'enroll', 'tls-refused']);
    expect(audit.query({ identity: 'b' })).toEqual([
      expect.objectContaining({ kind: 'enroll', ref: 'abc123', nation: 'LVA' }),
    ]);
    expect(audit.query({ kind: ['connect', 'tls-refused'] })).toHaveLength(2);
    expect(audit.query({ since: t0 + 3_600_000 })).toHaveLength(0);
    expect(audit.query({ until: t0 - 1 })).toHaveLength(0);
    const lines: string[] = [];
    expect(audit.exportJsonl({ kind: 'tls-refused' }, (l) => lines.push(l))).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'tls-refused', rule: 'CERT_REVOKED', count: 1 });
    expect(() => store.db.prepare('DELETE FROM trust_audit').run()).toThrow(/append-only/);
    expect(() => store.db.prepare("UPDATE trust_audit SET actor = 'x'").run()).toThrow(/append-only/);
    audit.close();
    store.close();
  });

  it('hooks the gate: egress denials are audited (who, uid, rule), coalesced, never the content', () => {
    const store = openStore(':memory:');
    const audit = createAudit(store, { flushMs: 10_000 });
    const off = audit.hookGate();
    const label = { policy: 'NATO', classification: 'SECRET' as const, categories: [] };
    for (let i = 0; i < 50; i++) egress({ label, groups: ['Blue'] }, pol, 'stream', 'uid-secret');
    egress({ label, groups: ['Red'] }, pol, 'stream', 'uid-other-group'); // routing, not a policy denial
    off();
    egress({ label }, pol, 'rest', 'after-unhook');
    const rows = audit.query({ kind: 'egress-deny' });
    expect(rows).toEqual([
      expect.objectContaining({
        actor: 'pol-1',
        nation: 'POL',
        ref: 'uid-secret',
        rule: 'clearance',
        path: 'stream',
        count: 50,
      }),
    ]);
    expect(JSON.stringify(rows)).not.toContain('point');
    audit.close();
    store.close();
  });

  it('folds denials beyond the buffer into one row per who and rule, then drops and counts', async () => {
    const store = openStore(':memory:');
    const audit = createAudit(store, { bufferLimit: 20, flushMs: 10_000, denyWindowMs: 10_000 });
    for (let i = 0; i < 100; i++)
      audit.record('egress-deny', { actor: 'pol-1', ref: `uid-${i}`, rule: 'clearance', path: 'stream' });
    const rows = audit.query({ kind: 'egress-deny' });
    expect(rows).toHaveLength(21);
    expect(rows.find((r) => r.ref === '*')).toMatchObject({ actor: 'pol-1', count: 80 });
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(100);
    audit.close();
    store.close();
  });

  it('drops and counts beyond its buffer instead of growing', async () => {
    const store = openStore(':memory:');
    const registry = new Registry();
    const audit = createAudit(store, {
      bufferLimit: 16,
      flushMs: 10_000,
      metrics: createTrustMetrics(registry),
    });
    const dropped = async () =>
      (await registry.getSingleMetric('bw_audit_dropped_total')?.get())?.values[0]?.value;
    expect(await dropped()).toBe(0);
    for (let i = 0; i < 40; i++) audit.record('connect', { actor: `c${i}` });
    expect(await dropped()).toBe(24);
    expect(audit.query()).toHaveLength(16);
    audit.close();
    store.close();
  });
});
