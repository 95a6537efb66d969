/** Two Baltic Wall hubs federated over TAK Server Federation v2 (gRPC, mutual TLS) on loopback: EE and LV. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CotClient } from '../helpers/app.js';
import { counter, sleep, type TestApp } from '../helpers/app.js';
import { chat, position, startPair, type Pair } from './harness.js';

describe('two federated hubs (EE <- LV)', () => {
  let pair: Pair;
  let ee: TestApp;
  let lv: TestApp;
  let eeClient: CotClient;
  let lvClient: CotClient;

  beforeAll(async () => {
    pair = await startPair();
    ({ ee, lv, eeClient, lvClient } = pair);
  }, 30_000);

  afterAll(async () => {
    await pair?.stop();
  });

  it('carries positions both ways with the detail intact', async () => {
    eeClient.send(position('EE-1'));
    const got = await lvClient.waitUid('EE-1');
    expect(got.detail.elements.find((e) => e.name === 'x-custom')!.xml).toBe(
      '<x-custom a="1"><y>keep me</y></x-custom>',
    );
    expect(got.detail.remarks?.text).toBe('unit EE-1');
    expect(Object.keys(got.detail.flowTags ?? {})).toEqual(
      expect.arrayContaining(['TAK-Server-ee', 'TAK-Server-lv']),
    );
    lvClient.send(position('LV-1'));
    await eeClient.waitUid('LV-1');
  });

  it('carries chat, and never echoes an event back to the hub it came from', async () => {
    lvClient.send(chat('m1', 'hello from Riga'));
    const c = await eeClient.waitUid('GeoChat.SENDER.All Chat Rooms.m1');
    expect(c.detail.remarks?.text).toBe('hello from Riga');
    expect(await counter(lv, 'bw_fed_received_total', { result: 'BW_FED_LOOP' })).toBe(0);
  });

  it('stops at the border what the label does not release to the peer', async () => {
    eeClient.send(position('EE-SECRET-EST', { access: 'NATO SECRET', releasableTo: 'EST' }));
    eeClient.send(position('EE-REL-LVA', { access: 'NATO RESTRICTED', releasableTo: 'EST,LVA' }));
    const rel = await lvClient.waitUid('EE-REL-LVA');
    expect(rel.releasableTo).toBe('EST,LVA');
    expect(rel.access).toBe('NATO RESTRICTED');
    expect(lvClient.events.some((e) => e.uid === 'EE-SECRET-EST')).toBe(false);
    expect(await counter(ee, 'bw_egress_denied_total', { path: 'federation' })).toBeGreaterThan(0);
  });

  it('shows link status and metrics on both sides', async () => {
    const l = lv.federation!.links().find((x) => x.name === 'ee')!;
    expect(l.connected).toBe(true);
    expect(l.sent).toBeGreaterThan(0);
    await sleep(700); // two health intervals: the rtt is measured
    expect(lv.federation!.links().find((x) => x.name === 'ee')!.rttMs).toBeGreaterThan(0);
    expect(await counter(lv, 'bw_fed_connected', { peer: 'ee' })).toBe(1);
  });
});
