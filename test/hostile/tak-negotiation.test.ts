/**
 * Hostile clients, issue 16 item 6: many `t-x-takp-q` requests in one write (a client that does not wait for the
 * answer). The hub negotiates once, answers once, reads the XML written before the client's first TAK frame as
 * XML, and then speaks TAK protocol; it does not close the connection with BW_TAK_BAD_MAGIC. On both decode paths:
 * the hub's thread and a decode thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../fixtures/cot/fixtures.js';
import { decodeCot } from '../../src/codecs/cot/index.js';
import { CotClient, counter, freshXml, sleep, startTestApp, type TestApp } from '../helpers/app.js';

const atak = fixture('atak-position-anonymised.xml');

function request(i: number): string {
  const now = new Date().toISOString();
  return `<event version="2.0" uid="takp-${i}" type="t-x-takp-q" how="m-g" time="${now}" start="${now}" stale="${now}"><point lat="0" lon="0" hae="0" ce="999999" le="999999"/><detail><TakControl><TakRequest version="1"/></TakControl></detail></event>`;
}

for (const threads of [0, 1]) {
  describe(
    `hostile: 200 TAK protocol requests in one write (decode.threads ${threads})`,
    { timeout: 30_000 },
    () => {
      let app: TestApp;
      beforeAll(async () => {
        app = await startTestApp({ 'decode.threads': threads });
      });
      afterAll(async () => app.stop());

      it('negotiates once, answers once, keeps the XML sent before the switch, then speaks TAK protocol', async () => {
        const c = await CotClient.connect(app.ports.tcp!);
        await c.waitFor((es) => es.some((e) => e.type === 't-x-takp-v'), 3000, 'offer');
        // 200 requests and an event in XML, written at once before reading any answer.
        const burst = Array.from({ length: 200 }, (_, i) => request(i)).join('\n');
        c.send(burst + '\n' + freshXml(atak, { uid: 'BEFORE-SWITCH' }) + '\n');
        await c.waitFor((es) => es.some((e) => e.type === 't-x-takp-r'), 3000, 'answer');
        expect(c.protobuf).toBe(true);
        await sleep(300);
        expect(c.events.filter((e) => e.type === 't-x-takp-r')).toHaveLength(1);
        expect(c.closed).toBe(false);
        c.sendEvent(decodeCot(freshXml(atak, { uid: 'AFTER-SWITCH' })));
        await waitState(app, 'AFTER-SWITCH');
        expect(app.hub.state.get('BEFORE-SWITCH')).toBeDefined();
        expect(c.closed).toBe(false);
        expect(await counter(app, 'bw_rejected_total', { code: 'BW_TAK_BAD_MAGIC' })).toBe(0);
        expect(await counter(app, 'bw_rejected_total', { code: 'BW_TAK_ALREADY_NEGOTIATED' })).toBe(199);
        c.close();
      });
    },
  );
}

async function waitState(app: TestApp, uid: string): Promise<void> {
  const until = Date.now() + 5000;
  while (!app.hub.state.get(uid)) {
    if (Date.now() > until) throw new Error(`hub never held ${uid}`);
    await sleep(20);
  }
}
