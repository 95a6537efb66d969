/**
 * What a misbehaving or changed peer must not be able to do to a hub: crash it with a label it cannot read, send
 * oversized events, keep injecting after it was removed, or knock a reconnected link's stream off.
 */
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, counter, sleep, type TestApp } from '../helpers/app.js';
import { EE, startNationalHub } from './harness.js';
import { connectFig, enrollPeer, geo, type FigClient, type PeerFiles, type Rec } from './fig-client.js';

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
});
