/**
 * Hostile clients, issue 16 item 2: the per-connection rate limit holds on every stream ingest path (CoT XML on the
 * hub's thread and on a decode thread, TAK protocol), and the picture is bounded per identity and in total.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeCot } from '../../src/codecs/cot/index.js';
import { encodeTakStream } from '../../src/codecs/takproto/index.js';
import { CotClient, counter, sleep, startTestApp, type TestApp } from '../helpers/app.js';
import { emergency } from '../web/cop-events.js';

const iso = (t: number) => new Date(t).toISOString();
function position(uid: string, t = Date.now()): string {
  return (
    `<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="m-g" time="${iso(t)}" start="${iso(t)}" stale="${iso(t + 600_000)}">` +
    `<point lat="54.1" lon="24.2" hae="10" ce="5" le="5"/><detail><contact callsign="${uid}"/></detail></event>`
  );
}
function takRequest(): string {
  const now = iso(Date.now());
  return `<event version="2.0" uid="q" type="t-x-takp-q" how="m-g" time="${now}" start="${now}" stale="${now}"><point lat="0" lon="0" hae="0" ce="999999" le="999999"/><detail><TakControl><TakRequest version="1"/></TakControl></detail></event>`;
}

const RATE = 200;
const BURST = 1000;

describe('hostile: the per-connection rate limit', { timeout: 60_000 }, () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  const paths = [
    { name: 'CoT XML on the hub thread', threads: 0, tak: false },
    { name: 'CoT XML on a decode thread', threads: 1, tak: false },
    { name: 'TAK protocol', threads: 1, tak: true },
  ];
  for (const path of paths) {
    it(`${path.name}: a flood of 20,000 events is taken at the rate, not faster`, async () => {
      app = await startTestApp({
        'decode.threads': path.threads,
        'limits.ratePerClient': RATE,
        'limits.burstPerClient': BURST,
      });
      const c = await CotClient.connect(app.ports.tcp!);
      await c.waitFor((es) => es.some((e) => e.type === 't-x-takp-v'), 3000, 'offer');
      if (path.tak) {
        c.send(takRequest());
        await c.waitFor((es) => es.some((e) => e.type === 't-x-takp-r'), 3000, 'answer');
      }
      const protocol = path.tak ? 'takproto' : 'cot-xml';
      const before = await counter(app, 'bw_events_in_total', { protocol });
      const started = Date.now();
      for (let k = 0; k < 20; k++) {
        const batch = Array.from({ length: 1000 }, (_, i) => position(`FLOOD-${(k * 1000 + i) % 500}`));
        c.send(path.tak ? Buffer.concat(batch.map((x) => encodeTakStream(decodeCot(x)))) : batch.join(''));
      }
      await sleep(3000);
      const taken = (await counter(app, 'bw_events_in_total', { protocol })) - before;
      const elapsed = (Date.now() - started) / 1000;
      // The burst, then the rate (one token of slack per timer round).
      expect(taken).toBeGreaterThan(BURST);
      expect(taken).toBeLessThanOrEqual(BURST + RATE * elapsed + 20);
      expect(await counter(app, 'bw_rejected_total', { code: 'BW_RATE_LIMITED' })).toBeGreaterThan(0);
      expect(c.closed).toBe(false);
      c.close();
    });
  }
});

describe('hostile: the picture is bounded', { timeout: 60_000 }, () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('refuses new uids past the per-identity and total bounds, counts them, and keeps updating held ones', async () => {
    app = await startTestApp({
      'limits.maxEntities': 300,
      'limits.maxEntitiesPerIdentity': 200,
      'limits.ratePerClient': 100_000,
      'limits.burstPerClient': 100_000,
    });
    const a = await CotClient.connect(app.ports.tcp!);
    a.send(Array.from({ length: 500 }, (_, i) => position(`MANY-${i}`)).join(''));
    const hub = app.hub;
    const until = Date.now() + 10_000;
    while ((await counter(app, 'bw_picture_refused_total')) < 300 && Date.now() < until) await sleep(50);
    // Every plain-TCP client is the same local identity: 200 is its bound.
    expect(hub.state.size).toBe(200);
    expect(await counter(app, 'bw_picture_refused_total', { bound: 'owner' })).toBe(300);
    expect(await counter(app, 'bw_rejected_total', { code: 'BW_PICTURE_FULL' })).toBe(300);
    // A held uid still moves.
    a.send(position('MANY-0', Date.now() + 1000));
    const t0 = hub.state.get('MANY-0')!.event.time;
    const until2 = Date.now() + 5000;
    while (hub.state.get('MANY-0')!.event.time === t0 && Date.now() < until2) await sleep(20);
    expect(hub.state.get('MANY-0')!.event.time).toBeGreaterThan(t0);
    // An emergency with a new uid past the bound is not held, but still reaches everyone.
    const b = await CotClient.connect(app.ports.tcp!);
    a.send(emergency('ANDROID-full', 'FULL', '911 Alert', 54.1, 24.2));
    await b.waitUid('ANDROID-full-9-1-1');
    expect(hub.state.get('ANDROID-full-9-1-1')).toBeUndefined();
    a.close();
    b.close();
  });

  it('refuses new uids past the total bound', async () => {
    app = await startTestApp({
      'limits.maxEntities': 150,
      'limits.ratePerClient': 100_000,
      'limits.burstPerClient': 100_000,
    });
    const a = await CotClient.connect(app.ports.tcp!);
    a.send(Array.from({ length: 500 }, (_, i) => position(`MANY-${i}`)).join(''));
    const until = Date.now() + 10_000;
    while ((await counter(app, 'bw_picture_refused_total')) < 350 && Date.now() < until) await sleep(50);
    expect(app.hub.state.size).toBe(150);
    expect(await counter(app, 'bw_picture_refused_total', { bound: 'total' })).toBe(350);
    a.close();
  });
});
