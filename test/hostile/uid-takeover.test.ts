/**
 * Issue 16 item 9, over real sockets: a contact uid (and its callsign) is bound to the authenticated identity that
 * first reported it. Another identity's self-report with that uid is refused and answered, one with that callsign
 * does not get the callsign; direct chat (marti dest by uid or callsign) reaches the bound identity only; plain TCP clients claiming the uid neither take
 * it nor close the bound TLS session through the per-identity session cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counter, type TestApp } from '../helpers/app.js';
import { waitFor } from '../trust/helpers.js';
import {
  auditRows,
  directChat,
  COALITION,
  connectCoalition,
  marker,
  selfReport,
  startHostileApp,
  Tak,
  type Cert,
} from './integrity-helpers.js';

const LTU1 = { uid: 'ANDROID-ltu1', callsign: 'LTU1' };
const LTU2 = { uid: 'ANDROID-ltu2', callsign: 'LTU2' };
const LVA1 = { uid: 'ANDROID-lva1', callsign: 'LVA1' };

describe('uid and callsign binding', { timeout: 90_000 }, () => {
  let app: TestApp;
  let certs: Record<string, Cert>;
  let ltu1: Tak;
  let ltu2: Tak;
  let lva1: Tak;
  const plains: Tak[] = [];

  beforeAll(async () => {
    app = await startHostileApp();
    const specs = [...COALITION, { id: 'ltu3', nation: 'LTU', clearance: 'SECRET' as const }];
    ({
      certs,
      tak: [ltu1, ltu2, lva1],
    } = await connectCoalition(app, specs, 3));
    ltu1.send(selfReport(LTU1.uid, LTU1.callsign));
    ltu2.send(selfReport(LTU2.uid, LTU2.callsign));
    lva1.send(selfReport(LVA1.uid, LVA1.callsign));
    await lva1.until(() => lva1.of(LTU2.uid).length > 0, 'ltu2 at lva1');
    await ltu1.until(() => ltu1.of(LVA1.uid).length > 0, 'lva1 at ltu1');
  });

  afterAll(async () => {
    for (const c of [ltu1, ltu2, lva1, ...plains]) c?.close();
    await app?.stop();
  });

  /** ltu1 chats to ltu2 by `by`; the message is at ltu2 when this returns. */
  async function chatToLtu2(text: string, by: 'uid' | 'callsign'): Promise<void> {
    ltu1.send(directChat(LTU1, LTU2, text, by));
    await ltu2.until(() => ltu2.events.some((e) => e.uid.endsWith(`.${text}`)), `chat ${text} at ltu2`);
  }
  const chats = (c: Tak) => c.events.filter((e) => e.type === 'b-t-f').map((e) => e.uid.split('.').pop());

  it("refuses another identity's self-report with a bound uid; direct chat still reaches the bound identity only", async () => {
    lva1.send(selfReport(LTU2.uid, LTU2.callsign));
    await lva1.until(() => lva1.refusals().length > 0, 'the refusal at lva1');
    expect(lva1.refusals()).toEqual([['BW_UID_BOUND', LTU2.uid]]);
    await chatToLtu2('by-uid-1', 'uid');
    await chatToLtu2('by-callsign-1', 'callsign');
    // lva1 would have received them after its self-report as ltu2: it got neither (it would see them: unlabelled).
    lva1.send(marker('sync-1', 'S'));
    await ltu1.until(() => ltu1.of('sync-1').length > 0, 'sync at ltu1');
    expect(chats(lva1)).toEqual([]);
    expect(app.hub.state.get(LTU2.uid)?.event.origin.identityId).toBe('ltu2');
  });

  it("does not give a session a present contact's callsign: chat by that callsign stays with the binding", async () => {
    // The report is shown (ATAK allows two contacts of one callsign), but lva1 is not addressed by LTU2.
    lva1.send(selfReport(LVA1.uid, LTU2.callsign));
    await ltu1.until(
      () => ltu1.of(LVA1.uid).some((e) => e.detail.contact?.callsign === LTU2.callsign),
      "lva1's report with LTU2's callsign",
    );
    await chatToLtu2('by-callsign-2', 'callsign');
    lva1.send(marker('sync-2', 'S'));
    await ltu1.until(() => ltu1.of('sync-2').length > 0, 'sync at ltu1');
    expect(chats(lva1)).toEqual([]);
  });

  it('plain TCP clients claiming a bound uid neither take it nor close its TLS session (session cap)', async () => {
    const cap = app.config.limits.sessionsPerIdentity;
    for (let i = 0; i <= cap; i++) {
      const p = await Tak.tcp(app.ports.tcp!);
      plains.push(p);
      p.send(selfReport(LTU2.uid, LTU2.callsign));
    }
    for (const p of plains) await p.until(() => p.refusals().length > 0, 'a refusal at a TCP client');
    expect(plains.map((p) => p.refusals()[0])).toEqual(plains.map(() => ['BW_UID_BOUND', LTU2.uid]));
    await chatToLtu2('by-uid-2', 'uid');
    expect(ltu2.closed).toBe(false);
    expect(plains.flatMap(chats)).toEqual([]);
    expect(await counter(app, 'bw_disconnects_total', { reason: 'BW_SESSION_CAP' })).toBe(0);
  });

  it('an authenticated identity binds a uid a plain client claimed first: the plain client stops getting its chats', async () => {
    const squatter = await Tak.tcp(app.ports.tcp!);
    plains.push(squatter);
    squatter.send(selfReport('ANDROID-ltu3', 'LTU3'));
    await ltu1.until(() => ltu1.of('ANDROID-ltu3').length > 0, 'the squatter report');
    const ltu3 = await Tak.tls(app.ports.tls!, certs['ltu3']!);
    ltu3.send(selfReport('ANDROID-ltu3', 'LTU3'));
    await ltu1.until(() => ltu1.of('ANDROID-ltu3').length > 1, 'the real report');
    const to = { uid: 'ANDROID-ltu3', callsign: 'LTU3' };
    ltu1.send(directChat(LTU1, to, 'to-ltu3', 'uid'));
    ltu1.send(directChat(LTU1, to, 'to-ltu3-cs', 'callsign'));
    await ltu3.until(() => chats(ltu3).length === 2, 'both chats at ltu3');
    squatter.send(marker('sync-3', 'S'));
    await ltu1.until(() => ltu1.of('sync-3').length > 0, 'sync at ltu1');
    expect(chats(squatter)).toEqual([]);
    ltu3.close();
  });

  it('audits the refusals', async () => {
    const want = ['lva1 BW_UID_BOUND', 'lva1 BW_CALLSIGN_BOUND', 'local-operator BW_UID_BOUND'];
    const rows = () => auditRows(app, 'write-refused').map((r) => `${r.actor} ${r.rule}`);
    await waitFor(() => want.every((w) => rows().includes(w)), 20_000, 'the audit rows');
    expect(new Set(rows())).toEqual(new Set(want));
  });
});
