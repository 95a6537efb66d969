/**
 * What a hub records of an event's way across federations, and how much of the picture a peer may fill.
 * - Provenance: an event from a TAK Server federate (which may send no flow tags) gets a `TAK-Server-<id>` flow tag
 *   for every hub in its federateProvenance and for the sending peer, with its own detail intact; a link never
 *   sends it to a peer it already passed, and its outbound provenance lists every hub it passed.
 * - Picture bound: a peer's entities count against its own bound (federation.maxEntitiesPerPeer, or the peer's
 *   maxEntities), not against limits.maxEntitiesPerIdentity, which a national picture exceeds.
 */
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, counter, sleep, type TestApp } from '../helpers/app.js';
import { EE, position, startNationalHub } from './harness.js';
import { connectFig, enrollPeer, geo, subscription, type FigClient, type Rec } from './fig-client.js';

const uidOf = (m: Rec) => (m['event'] as Rec | undefined)?.['uid'];

async function until(f: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('federation provenance and per-peer picture bounds', () => {
  let ee: TestApp;
  let pl: FigClient;
  let de: FigClient;
  let local: CotClient;
  let plSend: grpc.ClientWritableStream<Rec>;
  let deSend: grpc.ClientWritableStream<Rec>;
  const atDe: Rec[] = [];

  beforeAll(async () => {
    ee = await startNationalHub(EE, {
      'limits.maxEntitiesPerIdentity': 20,
      'federation.maxEntitiesPerPeer': 60,
    });
    const releasable = { classification: 'UNCLASSIFIED' as const, releasableTo: ['POL', 'DEU', 'EST'] };
    const plFiles = await enrollPeer(ee, {
      name: 'takserver-pl',
      nations: ['POL'],
      defaultLabel: releasable,
    });
    const deFiles = await enrollPeer(ee, {
      name: 'takserver-de',
      nations: ['DEU'],
      defaultLabel: releasable,
      maxEntities: 30,
    });
    pl = connectFig(ee.federation!.port!, plFiles);
    de = connectFig(ee.federation!.port!, deFiles);
    local = await CotClient.connect(ee.ports.tcp!);
    plSend = pl['ServerEventStream']!((e: Error | null) => e) as grpc.ClientWritableStream<Rec>;
    plSend.on('error', () => undefined);
    deSend = de['ServerEventStream']!((e: Error | null) => e) as grpc.ClientWritableStream<Rec>;
    deSend.on('error', () => undefined);
    const recv = de['ClientEventStream']!(subscription('takserver-de')) as grpc.ClientReadableStream<Rec>;
    recv.on('error', () => undefined);
    recv.on('data', (m: Rec) => atDe.push(m));
    await until(() => ee.federation!.links().some((l) => l.name === 'takserver-de' && l.connected), 'DE up');
  }, 30_000);

  afterAll(async () => {
    plSend?.end();
    deSend?.end();
    pl?.close();
    de?.close();
    local?.close();
    await ee?.stop();
  });

  it('records every hub an event passed as a flow tag, keeping the detail as sent', async () => {
    const other = '<detail><contact callsign="ORZEL"/><x-own a="1"><y>as sent</y></x-own></detail>';
    plSend.write({
      event: geo('PL-VIA-DE', other),
      federateProvenance: [
        { federationServerId: 'takserver-de', federationServerName: 'de' },
        { federationServerId: 'takserver-pl', federationServerName: 'pl' },
      ],
      federateHops: { maxHops: 3, currentHops: 2 },
    });
    const e = await local.waitUid('PL-VIA-DE');
    expect(Object.keys(e.detail.flowTags ?? {}).sort()).toEqual([
      'TAK-Server-ee',
      'TAK-Server-takserver-de',
      'TAK-Server-takserver-pl',
    ]);
    expect(e.detail.elements.find((x) => x.name === 'x-own')!.xml).toBe(
      '<x-own a="1"><y>as sent</y></x-own>',
    );
    expect(e.detail.contact?.callsign).toBe('ORZEL');
    const tags = e.detail.elements.filter((x) => x.name === '_flow-tags_');
    expect(tags).toHaveLength(1);
  });

  it('never sends an event to a peer its provenance names, and forwards the whole provenance', async () => {
    plSend.write({
      event: geo('PL-ONLY', '<detail><contact callsign="SOKOL"/></detail>'),
      federateProvenance: [{ federationServerId: 'takserver-pl', federationServerName: 'pl' }],
      federateHops: { maxHops: 3, currentHops: 1 },
    });
    local.send(position('EE-MARK'));
    await until(
      () => ['PL-ONLY', 'EE-MARK'].every((u) => atDe.some((m) => uidOf(m) === u)),
      'DE to get both',
    );
    expect(atDe.some((m) => uidOf(m) === 'PL-VIA-DE')).toBe(false);
    const m = atDe.find((x) => uidOf(x) === 'PL-ONLY')!;
    const ids = (m['federateProvenance'] as Rec[]).map((p) => p['federationServerId']).sort();
    expect(ids).toEqual(['ee', 'takserver-pl']);
    expect((m['federateHops'] as Rec)['currentHops']).toBe(2);
  });

  it('bounds a peer by its own picture bound, not by the per-identity one', async () => {
    for (let i = 0; i < 70; i++) plSend.write({ event: geo(`PL-BOUND-${i}`) });
    for (let i = 0; i < 40; i++) deSend.write({ event: geo(`DE-BOUND-${i}`) });
    await until(
      async () =>
        (await counter(ee, 'bw_fed_received_total', { peer: 'takserver-pl', result: 'BW_PICTURE_FULL' })) >=
          12 &&
        (await counter(ee, 'bw_fed_received_total', { peer: 'takserver-de', result: 'BW_PICTURE_FULL' })) >=
          10,
      'the refusals past both bounds',
    );
    // PL: 2 entities above + 70 new, bound 60 (federation.maxEntitiesPerPeer), far above the per-identity 20.
    expect(ee.hub.state.ownedBy('federate:takserver-pl')).toBe(60);
    // DE: its own maxEntities, 30.
    expect(ee.hub.state.ownedBy('federate:takserver-de')).toBe(30);
    expect(
      await counter(ee, 'bw_fed_received_total', { peer: 'takserver-pl', result: 'BW_PICTURE_FULL' }),
    ).toBe(12);
    // Updates of held entities still pass.
    plSend.write({ event: geo('PL-BOUND-0', '<detail><remarks>moved</remarks></detail>', { lat: 54.5 }) });
    await local.waitFor(
      (es) => es.some((x) => x.uid === 'PL-BOUND-0' && x.point.lat === 54.5),
      10_000,
      'the update',
    );
  });
});
