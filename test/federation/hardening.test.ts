/**
 * What a misbehaving or changed peer must not be able to do to a hub: crash it with a label it cannot read, send
 * oversized events, keep injecting after it was removed, or knock a reconnected link's stream off.
 */
import type * as grpc from '@grpc/grpc-js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, counter, sleep, type TestApp } from '../helpers/app.js';
import { addFederate, removeFederate } from '../../src/federation/admin.js';
import { EE, position, startNationalHub } from './harness.js';
import {
  connectFig,
  enrollPeer,
  geo,
  subscription,
  type FigClient,
  type PeerFiles,
  type Rec,
} from './fig-client.js';

async function until(f: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const releasable = { classification: 'UNCLASSIFIED' as const, releasableTo: ['POL', 'EST'] };

function sender(c: FigClient): grpc.ClientWritableStream<Rec> {
  const s = c['ServerEventStream']!((e: Error | null) => e) as grpc.ClientWritableStream<Rec>;
  s.on('error', () => undefined);
  return s;
}

describe('federation hardening against a peer', () => {
  let ee: TestApp;
  let plFiles: PeerFiles;
  let pl: FigClient;
  let local: CotClient;

  beforeAll(async () => {
    ee = await startNationalHub(EE, { 'limits.maxEventBytes': 8192 });
    plFiles = await enrollPeer(ee, { name: 'takserver-pl', nations: ['POL'], defaultLabel: releasable });
    pl = connectFig(ee.federation!.port!, plFiles);
    local = await CotClient.connect(ee.ports.tcp!);
  }, 30_000);

  afterAll(async () => {
    pl?.close();
    local?.close();
    await ee?.stop();
  });

  it('refuses an event whose label does not read, counted, and keeps serving (H1)', async () => {
    const s = sender(pl);
    s.write({
      event: geo(
        'PL-BADLABEL',
        '<detail><originatorConfidentialityLabel>x</originatorConfidentialityLabel></detail>',
      ),
    });
    s.write({ event: geo('PL-BADACCESS', '<detail/>', { access: 'NATO NONSENSE' }) });
    s.write({ event: geo('PL-AFTER', '<detail><contact callsign="AFTER"/></detail>') });
    await local.waitUid('PL-AFTER');
    expect(
      await counter(ee, 'bw_fed_received_total', { peer: 'takserver-pl', result: 'BW_LABEL_MALFORMED' }),
    ).toBe(1);
    expect(
      await counter(ee, 'bw_fed_received_total', {
        peer: 'takserver-pl',
        result: 'BW_LABEL_UNKNOWN_CLASSIFICATION',
      }),
    ).toBe(1);
    expect(local.events.some((e) => e.uid === 'PL-BADLABEL')).toBe(false);
    s.end();
  });

  it('keeps a reconnected peer attached when its old stream closes, and ends the old one (H6)', async () => {
    const a = connectFig(ee.federation!.port!, plFiles);
    const b = connectFig(ee.federation!.port!, plFiles);
    const got: string[] = [];
    const first = a['ClientEventStream']!(subscription('takserver-pl')) as grpc.ClientReadableStream<Rec>;
    let firstEnded = false;
    first.on('error', () => (firstEnded = true));
    first.on('end', () => (firstEnded = true));
    first.on('data', () => undefined);
    const link = () => ee.federation!.links().find((l) => l.name === 'takserver-pl')!;
    await until(() => link().connected, 'first stream attached');
    const second = b['ClientEventStream']!(subscription('takserver-pl')) as grpc.ClientReadableStream<Rec>;
    second.on('error', () => undefined);
    second.on('data', (m: Rec) => got.push(String((m['event'] as Rec | undefined)?.['uid'])));
    // The replaced call is ended by the hub; its close must not detach the new one.
    await until(() => firstEnded, 'the old stream to end');
    a.close();
    await sleep(300);
    expect(link().connected).toBe(true);
    local.send(position('EE-AFTER-RECONNECT', { releasableTo: 'POL' }));
    await until(() => got.includes('EE-AFTER-RECONNECT'), 'the event on the new stream');
    second.cancel();
    b.close();
  });

  it("ends a removed peer's open streams and lets nothing more in from them (H4)", async () => {
    const files = await enrollPeer(ee, { name: 'takserver-rm', nations: ['POL'], defaultLabel: releasable });
    const c = connectFig(ee.federation!.port!, files);
    let status: grpc.ServiceError | null | undefined;
    const s = c['ServerEventStream']!(
      (e: grpc.ServiceError | null) => (status = e),
    ) as grpc.ClientWritableStream<Rec>;
    s.on('error', () => undefined);
    s.write({ event: geo('RM-BEFORE') });
    await local.waitUid('RM-BEFORE');
    expect(removeFederate(ee.dir, 'takserver-rm')).toBe(true);
    await until(() => !ee.federation!.links().some((l) => l.name === 'takserver-rm'), 'the link removed');
    await until(() => status !== undefined, 'the stream ended by the hub');
    expect(status?.details).toMatch(/BW_FED_REFUSED/);
    s.write({ event: geo('RM-AFTER') });
    await sleep(500);
    expect(local.events.some((e) => e.uid === 'RM-AFTER')).toBe(false);
    expect([...ee.hub.sessions.all()].some((x) => x.info.remote === 'takserver-rm' && !x.closed)).toBe(false);
    c.close();
  });

  it('refuses a message over limits.maxEventBytes and a uid over 256 bytes, counted (M7)', async () => {
    const s = sender(pl);
    s.write({ event: geo('PL-HUGE', `<detail><remarks>${'x'.repeat(10_000)}</remarks></detail>`) });
    s.write({ event: geo(`PL-LONGUID-${'u'.repeat(600)}`) });
    s.write({ event: geo('PL-SMALL-AFTER') });
    await local.waitUid('PL-SMALL-AFTER');
    const n = (result: string) => counter(ee, 'bw_fed_received_total', { peer: 'takserver-pl', result });
    expect(await n('BW_COT_TOO_LARGE')).toBe(1);
    expect(await n('BW_COT_BAD_VALUE')).toBe(1);
    expect(local.events.some((e) => e.uid === 'PL-HUGE' || e.uid.startsWith('PL-LONGUID'))).toBe(false);
    s.end();
  });

  it('puts queued rows through the gate again for a peer narrowed while they waited (H3)', async () => {
    const files = await enrollPeer(ee, { name: 'takserver-h3', nations: ['POL', 'DEU'] });
    local.send(position('EE-REL-DEU', { releasableTo: 'EST,DEU' }));
    local.send(position('EE-REL-POL', { releasableTo: 'EST,POL' }));
    const h3 = () => ee.federation!.links().find((l) => l.name === 'takserver-h3');
    await until(() => (h3()?.queued.position ?? 0) >= 2, 'both queued for the peer');
    // The admin narrows the peer to POL alone (its certificate stays valid).
    await addFederate(ee.dir, {
      name: 'takserver-h3',
      role: 'inbound',
      nations: ['POL'],
      clearance: 'SECRET',
    });
    await until(
      () =>
        [...ee.hub.sessions.all()].some(
          (x) => x.info.remote === 'takserver-h3' && !x.closed && x.identity.categories.length === 0,
        ),
      'the narrowed link',
    );
    const c = connectFig(ee.federation!.port!, files);
    const got: string[] = [];
    const recv = c['ClientEventStream']!(subscription('takserver-h3')) as grpc.ClientReadableStream<Rec>;
    recv.on('error', () => undefined);
    recv.on('data', (m: Rec) => got.push(String((m['event'] as Rec | undefined)?.['uid'])));
    await until(() => got.includes('EE-REL-POL'), 'the POL row');
    expect(got).not.toContain('EE-REL-DEU');
    expect(await counter(ee, 'bw_fed_gate_refused_total', { peer: 'takserver-h3' })).toBe(1);
    recv.cancel();
    c.close();
  });

  it('keeps serving when a peer CA file is missing, without an unhandled rejection (M8)', async () => {
    await addFederate(ee.dir, {
      name: 'takserver-noca',
      role: 'inbound',
      nations: ['DEU'],
      clearance: 'SECRET',
      ca: join(ee.dir, 'no-such-ca.pem'),
    });
    await until(() => ee.federation!.links().some((l) => l.name === 'takserver-noca'), 'the new peer');
    // The listener restarts for the new CA; an enrolled peer connects again and is served. A connection made while
    // the listener was restarting is gone: connect again every 3 s, as a TAK Server does, for up to 40 s.
    const served = () => local.events.some((e) => e.uid === 'PL-AFTER-CA');
    const deadline = Date.now() + 40_000;
    for (let n = 0; !served() && Date.now() < deadline; n++) {
      const c = connectFig(ee.federation!.port!, plFiles);
      const s = sender(c);
      for (let i = 0; i < 30 && !served(); i++) {
        s.write({ event: geo('PL-AFTER-CA', '<detail/>', { lat: 54 + (n * 30 + i) / 10_000 }) });
        await sleep(100);
      }
      s.end();
      c.close();
    }
    await local.waitUid('PL-AFTER-CA');
  }, 60_000);
});
