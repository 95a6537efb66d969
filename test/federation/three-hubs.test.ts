/**
 * Three national hubs, LT -> EE <- LV (EE is the federation server both call): what a label does not release
 * never crosses a border, also two borders down the chain, and a ring of links never echoes an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, counter, type TestApp } from '../helpers/app.js';
import { EE, federate, LT, LV, position, startNationalHub, waitLink } from './harness.js';

describe('three federated hubs: LT -> EE <- LV', () => {
  let lt: TestApp;
  let ee: TestApp;
  let lv: TestApp;
  const c: Record<string, CotClient> = {};

  beforeAll(async () => {
    [lt, ee, lv] = await Promise.all([startNationalHub(LT), startNationalHub(EE), startNationalHub(LV)]);
    await federate(ee, lt);
    await federate(ee, lv);
    await Promise.all([waitLink(lt, 'ee'), waitLink(lv, 'ee'), waitLink(ee, 'lt'), waitLink(ee, 'lv')]);
    c['lt'] = await CotClient.connect(lt.ports.tcp!);
    c['ee'] = await CotClient.connect(ee.ports.tcp!);
    c['lv'] = await CotClient.connect(lv.ports.tcp!);
  }, 60_000);

  afterAll(async () => {
    for (const x of Object.values(c)) x.close();
    await Promise.all([lt?.stop(), ee?.stop(), lv?.stop()]);
  });

  it('REL TO LTU never reaches LVA (nor EST)', async () => {
    c['lt']!.send(position('LT-ONLY', { access: 'NATO RESTRICTED', releasableTo: 'LTU' }));
    c['lt']!.send(position('LT-MARK-1'));
    await c['lv']!.waitUid('LT-MARK-1');
    await c['ee']!.waitUid('LT-MARK-1');
    expect(c['lv']!.events.some((e) => e.uid === 'LT-ONLY')).toBe(false);
    expect(c['ee']!.events.some((e) => e.uid === 'LT-ONLY')).toBe(false);
  });

  it('REL TO LTU,EST reaches EE but not LV, although it passes through EE', async () => {
    c['lt']!.send(position('LT-EE', { access: 'NATO RESTRICTED', releasableTo: 'LTU,EST' }));
    c['lt']!.send(position('LT-MARK-2'));
    const got = await c['ee']!.waitUid('LT-EE');
    expect(got.releasableTo).toBe('EST,LTU'); // normalised at ingress
    await c['lv']!.waitUid('LT-MARK-2');
    expect(c['lv']!.events.some((e) => e.uid === 'LT-EE')).toBe(false);
    expect(await counter(ee, 'bw_egress_denied_total', { path: 'federation' })).toBeGreaterThan(0);
  });

  it('an event from LV reaches LT over two links and comes back to nobody', async () => {
    c['lv']!.send(position('LV-ALL'));
    const got = await c['lt']!.waitUid('LV-ALL');
    expect(Object.keys(got.detail.flowTags ?? {})).toEqual(
      expect.arrayContaining(['TAK-Server-lv', 'TAK-Server-ee', 'TAK-Server-lt']),
    );
    c['lt']!.send(position('LT-MARK-3'));
    await c['lv']!.waitUid('LT-MARK-3');
    expect(c['lv']!.events.filter((e) => e.uid === 'LV-ALL')).toHaveLength(0);
    // Nobody even sent it back: each link skips what already passed its peer.
    expect(await counter(lv, 'bw_fed_received_total', { result: 'BW_FED_LOOP' })).toBe(0);
    expect(await counter(ee, 'bw_fed_received_total', { result: 'BW_FED_LOOP' })).toBe(0);
  });
});
