/** Slow consumers, UDP input, session caps, restart from the store, graceful shutdown — over real sockets. */
import { describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { fixture } from '../fixtures/cot/fixtures.js';
import { CotClient, counter, freshXml, sleep, startTestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import { decodeCot } from '../../src/codecs/cot/index.js';
import { encodeTakMessage, frameMesh } from '../../src/codecs/takproto/index.js';

const atak = fixture('atak-position-anonymised.xml');
const now = () => new Date().toISOString();
const later = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('slow consumers', () => {
  it('a stalled reader is coalesced, then disconnected on chat overflow; a reader keeps the latest of every uid and every chat', async () => {
    const app = await startTestApp({
      'limits.queueLimit': 64,
      'limits.socketHighWater': 4096,
      'limits.ratePerClient': 100000,
      'limits.burstPerClient': 100000,
    });
    try {
      const sender = await CotClient.connect(app.ports.tcp!);
      const fast = await CotClient.connect(app.ports.tcp!);
      const stalled = await CotClient.connect(app.ports.tcp!);
      // All three accepted by the hub (each got its protocol offer) before the stalled one stops reading.
      for (const c of [sender, fast, stalled])
        await c.waitFor((es) => es.some((e) => e.type === 't-x-takp-v'), 5000, 'the protocol offer');
      stalled.socket.pause();
      const pad = 'x'.repeat(2000);
      // Positions of 20 uids, many times: the stalled client's queue coalesces them.
      for (let r = 0; r < 200; r++) {
        let batch = '';
        for (let u = 0; u < 20; u++)
          batch += `<event version="2.0" uid="pos-${u}" type="a-f-G" how="m-g" time="${now()}" start="${now()}" stale="${later(60)}"><point lat="54" lon="25" hae="0" ce="1" le="1"/><detail><remarks>r${r} ${pad}</remarks></detail></event>`;
        sender.send(batch);
        await sleep(2);
      }
      // A reader that lags even briefly (a 4 KiB high-water mark) is coalesced too: what it must hold is the
      // latest position of every uid (hub/queue.ts), not every one of them.
      await fast.waitFor(
        (es) =>
          Array.from({ length: 20 }, (_, u) => `pos-${u}`).every((uid) =>
            es.some((e) => e.uid === uid && e.detail.remarks?.text?.startsWith('r199 ')),
          ),
        20_000,
        'the latest position of all 20 uids',
      );
      expect(await counter(app, 'bw_coalesced_total')).toBeGreaterThan(0);
      expect(stalled.closed).toBe(false);
      // Chat must not be dropped: the stalled client overflows and is disconnected.
      let chats = '';
      for (let i = 0; i < 200; i++)
        chats += `<event version="2.0" uid="chat-${i}" type="b-t-f" how="h-g-i-g-o" time="${now()}" start="${now()}" stale="${later(60)}"><point lat="54" lon="25" hae="0" ce="1" le="1"/><detail><remarks>${pad}</remarks></detail></event>`;
      sender.send(chats);
      await fast.waitFor(
        (es) => es.filter((e) => e.uid.startsWith('chat-')).length === 200,
        10000,
        '200 chats',
      );
      await waitFor(
        async () => (await counter(app, 'bw_disconnects_total', { reason: 'BW_SLOW_CONSUMER' })) >= 1,
        20_000,
        'the stalled client to be disconnected',
      );
      expect(fast.closed).toBe(false);
      for (const c of [sender, fast, stalled]) c.close();
    } finally {
      await app.stop();
    }
  });
});

describe('UDP input', () => {
  it('accepts CoT XML and TAK mesh protobuf datagrams, and counts garbage', async () => {
    const app = await startTestApp();
    try {
      const rx = await CotClient.connect(app.ports.tcp!);
      const udp = dgram.createSocket('udp4');
      const send = (b: Buffer | string) =>
        new Promise<void>((r) => udp.send(b, app.ports.udp!, '127.0.0.1', () => r()));
      await send(freshXml(atak, { uid: 'UDP-XML' }));
      await send(frameMesh(encodeTakMessage({ event: decodeCot(freshXml(atak, { uid: 'UDP-MESH' })) })));
      await send(Buffer.from([0xbf, 0x01, 0xbf, 0xff, 0xff]));
      await rx.waitUid('UDP-XML');
      await rx.waitUid('UDP-MESH');
      expect(await counter(app, 'bw_rejected_total')).toBeGreaterThan(0);
      udp.close();
      rx.close();
    } finally {
      await app.stop();
    }
  });
});

describe('session cap', () => {
  it('a device reconnecting 200 times in parallel keeps at most the configured number of sessions', async () => {
    const app = await startTestApp({
      'limits.sessionsPerIdentity': 3,
      'limits.acceptPerSecondPerAddress': 500,
    });
    try {
      const conns = await Promise.all(Array.from({ length: 200 }, () => CotClient.connect(app.ports.tcp!)));
      for (const c of conns) c.send(freshXml(atak, { uid: 'ANDROID-zombie' }));
      await waitFor(() => conns.filter((c) => !c.closed).length <= 3, 20_000, 'the session cap to close 197');
      expect(conns.filter((c) => !c.closed).length).toBe(3);
      expect(await counter(app, 'bw_disconnects_total', { reason: 'BW_SESSION_CAP' })).toBe(197);
      for (const c of conns) c.close();
    } finally {
      await app.stop();
    }
  });
});

describe('store', () => {
  it('a restart brings the latest picture back, losslessly', async () => {
    const first = await startTestApp({ 'store.flushMs': 50 });
    const dir = first.dir;
    const c = await CotClient.connect(first.ports.tcp!);
    const sent = freshXml(fixture('atak-marker-neutral-milsym.xml'), { uid: 'MARKER-KEEP' });
    c.send(sent);
    await waitFor(
      () => first.hub.state.get('MARKER-KEEP') !== undefined,
      10_000,
      'the hub to hold MARKER-KEEP',
    );
    c.close();
    await first.close();
    const second = await startTestApp({}, dir);
    try {
      expect(second.hub.state.get('MARKER-KEEP')).toBeDefined();
      const late = await CotClient.connect(second.ports.tcp!);
      const got = await late.waitUid('MARKER-KEEP');
      for (const el of decodeCot(sent).detail.elements)
        expect(got.detail.elements.map((x) => x.xml)).toContain(el.xml);
      late.close();
    } finally {
      await second.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('flushes what is queued before closing connections', async () => {
    const app = await startTestApp({ 'limits.ratePerClient': 100000, 'limits.burstPerClient': 100000 });
    const a = await CotClient.connect(app.ports.tcp!);
    const b = await CotClient.connect(app.ports.tcp!);
    await waitFor(async () => (await counter(app, 'bw_connections')) >= 2, 20_000, 'two hub sessions');
    let batch = '';
    for (let i = 0; i < 500; i++)
      batch += `<event version="2.0" uid="chat-${i}" type="b-t-f" how="h-g-i-g-o" time="${now()}" start="${now()}" stale="${later(60)}"><point lat="54" lon="25" hae="0" ce="1" le="1"/><detail/></event>`;
    a.send(batch);
    await b.waitFor((es) => es.some((e) => e.uid === 'chat-0'), 3000);
    await app.stop();
    await b.waitClosed(3000);
    expect(b.events.filter((e) => e.uid.startsWith('chat-')).length).toBe(500);
  });
});
