/**
 * Issue 16 item 8, over real sockets: a client can neither overwrite nor delete an entity whose current version it
 * may not see (TLS, plain TCP, UDP); teammates of other nations edit and delete a shared marker they may see, and
 * the edit keeps the marker's releasability; every refusal is answered (t-x-c-n), counted and audited.
 */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counter, type TestApp } from '../helpers/app.js';
import { waitFor } from '../trust/helpers.js';
import {
  auditRows,
  COALITION,
  connectCoalition,
  deletion,
  marker,
  selfReport,
  startHostileApp,
  Tak,
  type Cert,
} from './integrity-helpers.js';

describe('ownership: who may change what', { timeout: 90_000 }, () => {
  let app: TestApp;
  let certs: Record<string, Cert>;
  let ltu1: Tak;
  let ltu2: Tak;
  let lva1: Tak;
  let pol1: Tak;
  let plain: Tak;

  beforeAll(async () => {
    app = await startHostileApp();
    const specs = [...COALITION, { id: 'pol1', nation: 'POL', clearance: 'SECRET' as const }];
    ({
      certs,
      tak: [ltu1, ltu2, lva1, pol1],
    } = await connectCoalition(app, specs, 4));
    plain = await Tak.tcp(app.ports.tcp!);
    await waitFor(() => app.hub.sessions.clients() === 5, 10_000, 'five clients');
  });

  afterAll(async () => {
    for (const c of [ltu1, ltu2, lva1, pol1, plain]) c?.close();
    await app?.stop();
  });

  /** Send a harmless marker from `from` and wait until `to` has it: everything `from` sent before was handled. */
  async function barrier(from: Tak, to: Tak, tag: string): Promise<void> {
    from.send(marker(`barrier-${tag}`, 'B'));
    await to.until(() => to.of(`barrier-${tag}`).length > 0, `barrier ${tag}`);
  }

  it('refuses an update of an entity the writer may not see, on TLS, plain TCP and UDP', async () => {
    ltu1.send(marker('ltu-secret', 'VILKAS', { attrs: ' access="NATO SECRET" releasableTo="LTU"' }));
    await ltu2.until(() => ltu2.of('ltu-secret').length === 1, 'the LTU entity at ltu2');

    // lva1 (LVA, RESTRICTED) resends the LTU SECRET uid with a newer time and a forged callsign.
    await new Promise((r) => setTimeout(r, 5));
    lva1.send(marker('ltu-secret', 'FORGED'));
    await lva1.until(() => lva1.refusals().length > 0, 'the refusal at lva1');
    expect(lva1.refusals()).toEqual([['BW_WRITE_UNSEEN', 'ltu-secret']]);

    // A plain TCP client (the local identity: UNCLASSIFIED) tries the same.
    plain.send(marker('ltu-secret', 'FORGED-TCP'));
    await plain.until(() => plain.refusals().length > 0, 'the refusal at the TCP client');
    expect(plain.refusals()).toEqual([['BW_WRITE_UNSEEN', 'ltu-secret']]);

    // And over UDP (no answer path: counted).
    const before = await counter(app, 'bw_rejected_total', { code: 'BW_WRITE_UNSEEN' });
    const udp = createSocket('udp4');
    await new Promise<void>((r) =>
      udp.send(marker('ltu-secret', 'FORGED-UDP'), app.ports.udp!, '127.0.0.1', () => r()),
    );
    udp.close();
    await expect.poll(() => counter(app, 'bw_rejected_total', { code: 'BW_WRITE_UNSEEN' })).toBe(before + 1);

    await barrier(lva1, ltu2, 'update');
    await barrier(plain, ltu2, 'update-tcp');
    const seen = ltu2.of('ltu-secret').map((e) => e.detail.contact?.callsign);
    expect(seen).toEqual(['VILKAS']);
    expect(app.hub.state.get('ltu-secret')?.event.detail.contact?.callsign).toBe('VILKAS');
    // A client connecting now gets the real entity in its picture.
    const late = await Tak.tls(app.ports.tls!, certs['ltu2']!);
    await late.until(() => late.of('ltu-secret').length > 0, 'the picture');
    expect(late.of('ltu-secret')[0]!.detail.contact?.callsign).toBe('VILKAS');
    late.close();
  });

  it('refuses a delete of an entity the writer may not see', async () => {
    lva1.send(deletion('ltu-secret'));
    plain.send(deletion('ltu-secret'));
    await lva1.until(() => lva1.refusals().length === 2, 'the second refusal at lva1');
    await plain.until(() => plain.refusals().length === 2, 'the second refusal at the TCP client');
    expect(lva1.refusals()[1]).toEqual(['BW_WRITE_UNSEEN', 'ltu-secret']);
    await barrier(lva1, ltu2, 'delete');
    expect(app.hub.state.get('ltu-secret')).toBeDefined();
    expect(ltu2.events.filter((e) => e.type === 't-x-d-d')).toEqual([]);
  });

  it('lets teammates of another nation edit and delete a shared marker, keeping its releasability', async () => {
    ltu1.send(marker('shared', 'OP-1', { attrs: ' releasableTo="LTU,LVA"' }));
    await lva1.until(() => lva1.of('shared').length === 1, 'the shared marker at lva1');

    // lva1 moves it, as ATAK does, with no label of its own: accepted, and the marker keeps REL TO LTU, LVA.
    lva1.send(marker('shared', 'OP-1 moved', { lat: 54.9 }));
    await ltu2.until(() => ltu2.of('shared').length === 2, 'the moved marker at ltu2');
    expect(ltu2.of('shared')[1]!.point.lat).toBe(54.9);
    expect(ltu2.of('shared')[1]!.releasableTo).toBe('LTU,LVA');
    expect(app.hub.state.get('shared')?.event.releasableTo).toBe('LTU,LVA');

    // Releasing it wider (to POL) is not a teammate's to do.
    lva1.send(marker('shared', 'OP-1 for POL', { attrs: ' releasableTo="LVA,POL"' }));
    await lva1.until(() => lva1.refusals().some(([c]) => c === 'BW_WRITE_WIDENS'), 'the widening refusal');
    await barrier(lva1, pol1, 'widen');
    expect(pol1.of('shared')).toEqual([]);

    // Deleting it is.
    lva1.send(deletion('shared'));
    await ltu2.until(
      () => ltu2.events.some((e) => e.type === 't-x-d-d' && e.detail.links?.[0]?.uid === 'shared'),
      'the delete at ltu2',
    );
    expect(app.hub.state.get('shared')).toBeUndefined();
  });

  it('counts and audits every refusal with who, which uid and which rule', async () => {
    // Five refusals of ltu-secret: lva1, TCP and UDP updates, lva1 and TCP deletes; one widening by lva1.
    await expect.poll(() => counter(app, 'bw_rejected_total', { code: 'BW_WRITE_UNSEEN' })).toBe(5);
    await expect.poll(() => counter(app, 'bw_rejected_total', { code: 'BW_WRITE_WIDENS' })).toBe(1);
    // One row per (who, uid, rule, transport) per audit window, with a count.
    const want = [
      'lva1 ltu-secret BW_WRITE_UNSEEN',
      'local-operator ltu-secret BW_WRITE_UNSEEN',
      'lva1 shared BW_WRITE_WIDENS',
    ];
    const rows = () => auditRows(app, 'write-refused').map((r) => `${r.actor} ${r.ref} ${r.rule}`);
    await waitFor(() => want.every((w) => rows().includes(w)), 20_000, 'the audit rows');
    expect(new Set(rows())).toEqual(new Set(want));
  });
  it("a self-report under another identity's marker uid neither takes the marker nor widens it", async () => {
    ltu1.send(marker('shared-2', 'OP-2', { attrs: ' releasableTo="LTU,LVA"' }));
    await lva1.until(() => lva1.of('shared-2').length === 1, 'the shared marker at lva1');
    // Released wider (to POL) under the cover of a self-report: refused as a widening.
    lva1.send(selfReport('shared-2', 'TAKEOVER', { attrs: ' releasableTo="LVA,POL"' }));
    await lva1.until(
      () => lva1.refusals().some(([c, u]) => c === 'BW_WRITE_WIDENS' && u === 'shared-2'),
      'the widening refusal',
    );
    await barrier(lva1, pol1, 'self-report-widen');
    expect(pol1.of('shared-2')).toEqual([]);
    // With no label it is a teammate's edit: accepted, it keeps REL TO LTU, LVA, and the uid stays ltu1's.
    lva1.send(selfReport('shared-2', 'TAKEOVER'));
    await ltu2.until(() => ltu2.of('shared-2').length === 2, 'the edit at ltu2');
    expect(app.hub.state.get('shared-2')?.event.releasableTo).toBe('LTU,LVA');
    expect(app.hub.owners.contacts.get('shared-2')?.bound ?? false).toBe(false);
    ltu1.send(marker('shared-2', 'OP-2 back'));
    await ltu2.until(() => ltu2.of('shared-2').length === 3, 'the creator edits it again');
    expect(ltu1.refusals().filter(([, u]) => u === 'shared-2')).toEqual([]);
    expect(app.hub.state.get('shared-2')?.event.detail.contact?.callsign).toBe('OP-2 back');
  });
});
