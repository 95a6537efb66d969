/**
 * Two apps in one process (as the tests run them) keep their own egress gate, audit trail and trust counters:
 * a denial or a refused event in one app is never audited or counted by the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../fixtures/cot/fixtures.js';
import { createAudit } from '../../src/trust/audit.js';
import type { Identity } from '../../src/model/identity.js';
import { CotClient, counter, freshXml, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';

const pli = fixture('atak-position-anonymised.xml').toString('utf8');
const low: Identity = {
  id: 'low-1',
  kind: 'user',
  nation: 'LTU',
  clearance: 'RESTRICTED',
  categories: [],
  groups: ['__ANON__'],
};
const secret = { label: { policy: 'NATO', classification: 'SECRET' as const, categories: [] } };

describe('two apps in one process', { timeout: 60_000 }, () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      startTestApp({ 'trust.audit.denyWindowMs': 100, 'trust.audit.flushMs': 10 }),
      startTestApp({ 'trust.audit.denyWindowMs': 100, 'trust.audit.flushMs': 10 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('each hub has its own gate: checks and denials stay in their app', async () => {
    expect(a.hub.gate).not.toBe(b.hub.gate);
    const checksB = b.hub.gate.checks;
    const deniedA: string[] = [];
    const deniedB: string[] = [];
    const offA = a.hub.gate.onDeny((_s, who, _p, _r, ref) => deniedA.push(`${who.id}:${ref}`));
    const offB = b.hub.gate.onDeny((_s, who, _p, _r, ref) => deniedB.push(`${who.id}:${ref}`));
    try {
      // A real delivery in A: a plain TCP sender and a receiver.
      const rx = await CotClient.connect(a.ports.tcp!);
      const tx = await CotClient.connect(a.ports.tcp!);
      const before = a.hub.gate.checks;
      tx.send(freshXml(pli, { uid: 'two-apps-1' }));
      await rx.waitFor((es) => es.some((e) => e.uid === 'two-apps-1'), 10_000, 'the event in app A');
      expect(a.hub.gate.checks).toBeGreaterThan(before);

      // A denial by A's gate.
      expect(a.hub.gate.egress(secret, low, 'stream', 'secret-a').allow).toBe(false);
      expect(deniedA).toEqual(['low-1:secret-a']);
      expect(deniedB).toEqual([]);
      expect(b.hub.gate.checks).toBe(checksB);

      // Audited by A's trail only.
      const auditA = createAudit(a.store);
      const auditB = createAudit(b.store);
      try {
        await waitFor(
          () => auditA.query({ kind: 'egress-deny' }).some((r) => r.ref === 'secret-a'),
          10_000,
          "A's egress-deny row",
        );
        expect(auditB.query({ kind: 'egress-deny' })).toEqual([]);
      } finally {
        auditA.close();
        auditB.close();
      }
      rx.socket.destroy();
      tx.socket.destroy();
    } finally {
      offA();
      offB();
    }
  });

  it("each app counts its own trust metrics: A's refused event is not in B's /metrics", async () => {
    const tx = await CotClient.connect(a.ports.tcp!);
    // The local operator's ceiling is UNCLASSIFIED: a SECRET event from the plain port is refused at ingress.
    tx.send(freshXml(pli, { uid: 'two-apps-secret' }).replace('<event ', '<event access="NATO SECRET" '));
    const refused = () => counter(a, 'bw_label_rejected_total', { reason: 'BW_LABEL_ABOVE_CEILING' });
    await waitFor(async () => (await refused()) >= 1, 10_000, "A's refusal counted");
    expect(await refused()).toBe(1);
    expect(await counter(b, 'bw_label_rejected_total')).toBe(0);
    expect(await counter(a, 'bw_audit_records_total')).toBeGreaterThan(0);
    tx.socket.destroy();
  });
});
