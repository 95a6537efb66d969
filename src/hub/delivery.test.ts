/** The hub's delivery under pressure, the picture for late joiners, sessions, the gate and expiry. */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Hub } from './hub.js';
import type { SessionSink } from './session.js';
import { createMetrics } from '../ops/metrics.js';
import { makeEvent } from '../../test/helpers/events.js';
import { Sink, enc, info, makeHub, tick, who } from '../../test/helpers/hub.js';

describe('Hub fan-out under pressure', () => {
  it('writes once per client per tick with every queued event, counted in /metrics', async () => {
    const { hub, metrics } = makeHub();
    const a = new Sink(),
      b = new Sink();
    const sa = hub.open(a, info());
    hub.open(b, info());
    for (let i = 0; i < 10; i++) hub.ingest(sa, makeEvent({ uid: `U${i}` }));
    await tick();
    expect(b.writes).toBe(1);
    expect(b.got.length).toBe(10);
    // The hot path tallies; a scrape folds the tallies into the counters, every time, exactly.
    const text = await metrics.registry.metrics();
    expect(text).toContain('bw_events_in_total{protocol="cot-xml"} 10');
    expect(text).toContain('bw_events_out_total{format="cot-xml"} 10');
    hub.ingest(sa, makeEvent({ uid: 'U10' }));
    await tick();
    expect(await metrics.registry.metrics()).toContain('bw_events_out_total{format="cot-xml"} 11');
  });

  it('hands recipients with the same batch one shared buffer (encode once, per flush)', async () => {
    const { hub } = makeHub();
    const seen: Uint8Array[][] = [];
    const capture = (): SessionSink => ({
      write: (chunks) => (seen.push(chunks), true),
      close: () => undefined,
    });
    const sa = hub.open(capture(), info());
    for (let i = 0; i < 3; i++) hub.open(capture(), info());
    await tick();
    seen.length = 0;
    for (let i = 0; i < 5; i++) hub.ingest(sa, makeEvent({ uid: `U${i}` }));
    await tick();
    expect(seen).toHaveLength(3);
    for (const chunks of seen) expect(chunks).toHaveLength(1);
    expect(seen[1]![0]).toBe(seen[0]![0]);
    expect(seen[2]![0]).toBe(seen[0]![0]);
    expect(Buffer.from(seen[0]![0]!).toString().split(';').filter(Boolean)).toHaveLength(5);
  });

  it('coalesces positions for a blocked client latest-wins, and resumes on drain', async () => {
    const { hub, metrics } = makeHub();
    const a = new Sink(),
      slow = new Sink(),
      fast = new Sink();
    const sa = hub.open(a, info());
    const ss = hub.open(slow, info());
    hub.open(fast, info());
    slow.accept = false;
    hub.ingest(sa, makeEvent({ uid: 'P', time: 1 }));
    await tick(); // slow gets one write and becomes blocked
    for (let t = 2; t <= 50; t++) hub.ingest(sa, makeEvent({ uid: 'P', time: t }));
    await tick();
    // The fast client keeps up, so it gets every update.
    expect(fast.got.length).toBe(50);
    expect(slow.writes).toBe(1);
    slow.accept = true;
    hub.drained(ss);
    await tick();
    expect(slow.got.map((x) => x.split('|')[2])).toEqual(['1', '50']);
    expect((await metrics.coalesced.get()).values[0]!.value).toBe(48);
  });

  it('disconnects a stalled client whose chat overflows, without touching others', async () => {
    const { hub } = makeHub(16);
    const a = new Sink(),
      slow = new Sink(),
      fast = new Sink();
    const sa = hub.open(a, info());
    hub.open(slow, info());
    hub.open(fast, info());
    slow.accept = false;
    hub.ingest(sa, makeEvent({ uid: 'first', type: 'b-t-f' }));
    await tick();
    for (let i = 0; i < 20; i++) hub.ingest(sa, makeEvent({ uid: `chat${i}`, type: 'b-t-f' }));
    await tick();
    expect(slow.closed).toBe('BW_SLOW_CONSUMER');
    expect(fast.got.length).toBe(21);
    expect(fast.closed).toBeUndefined();
  });

  it('keeps the newest state of every uid when a blocked queue holds more distinct uids than its limit', async () => {
    const { hub, metrics } = makeHub(16);
    const a = new Sink(),
      slow = new Sink();
    const sa = hub.open(a, info());
    const ss = hub.open(slow, info());
    slow.accept = false;
    hub.ingest(sa, makeEvent({ uid: 'x' }));
    await tick();
    for (let round = 1; round <= 3; round++)
      for (let i = 0; i < 40; i++) hub.ingest(sa, makeEvent({ uid: `P${i}`, time: round }));
    hub.ingest(sa, makeEvent({ uid: 'chat', type: 'b-t-f' }));
    expect(slow.closed).toBeUndefined();
    expect((await metrics.drops.get()).values.find((v) => v.labels.reason === 'queue_full')).toBeUndefined();
    slow.accept = true;
    hub.drained(ss);
    await tick();
    // One update per uid, the newest, in the order the uids first queued; the chat after them.
    const got = slow.got.slice(1).map((x) => x.split('|'));
    expect(got.map((f) => f[1])).toEqual([...Array.from({ length: 40 }, (_, i) => `P${i}`), 'chat']);
    expect(got.slice(0, 40).every((f) => f[2] === '3')).toBe(true);
  });

  it('coalesces a position across a chat, but never moves it in front of a delete of its uid', async () => {
    const { hub } = makeHub(16);
    const a = new Sink(),
      slow = new Sink();
    const sa = hub.open(a, info());
    const ss = hub.open(slow, info());
    slow.accept = false;
    hub.ingest(sa, makeEvent({ uid: 'x' }));
    await tick();
    hub.ingest(sa, makeEvent({ uid: 'P', time: 1 }));
    hub.ingest(sa, makeEvent({ uid: 'chat', type: 'b-t-f' }));
    hub.ingest(sa, makeEvent({ uid: 'P', time: 2 }));
    hub.ingest(sa, makeEvent({ uid: 'Q', time: 1 }));
    hub.ingest(
      sa,
      makeEvent({ uid: 'del', type: 't-x-d-d', detail: { links: [{ uid: 'Q', relation: 'none' }] } }),
    );
    hub.ingest(sa, makeEvent({ uid: 'Q', time: 2 }));
    slow.accept = true;
    hub.drained(ss);
    await tick();
    const order = slow.got.slice(1).map((x) => x.split('|'));
    expect(order.map((f) => (f[0]!.startsWith('a-') ? `${f[1]}@${f[2]}` : f[1]))).toEqual([
      'P@2',
      'chat',
      'Q@1',
      'del',
      'Q@2',
    ]);
  });
});

describe('Hub picture', () => {
  it('sends a late joiner the whole of a picture far larger than its queue, paced by the socket', async () => {
    const { hub } = makeHub(64);
    const sa = hub.open(new Sink(), info());
    for (let i = 0; i < 5000; i++) hub.ingest(sa, makeEvent({ uid: `E${i}` }));
    const late = new Sink();
    const sl = hub.open(late, info());
    for (let t = 0; t < 200 && late.got.length < 5000; t++) {
      late.accept = t % 3 !== 0; // the socket blocks now and then
      if (!late.accept) {
        await tick();
        late.accept = true;
        hub.drained(sl);
      }
      await tick();
    }
    expect(new Set(late.got.map((x) => x.split('|')[1])).size).toBe(5000);
    expect(late.closed).toBeUndefined();
  });
});

describe('Hub sessions', () => {
  it('caps parallel sessions per client uid, closing the oldest', async () => {
    const { hub } = makeHub();
    const sinks = [new Sink(), new Sink(), new Sink(), new Sink()];
    const ss = sinks.map((s) => hub.open(s, info()));
    for (const s of ss) hub.ingest(s, makeEvent({ uid: 'SAME', detail: { takv: { platform: 'ATAK' } } }));
    expect(sinks.map((s) => s.closed)).toEqual(['BW_SESSION_CAP', 'BW_SESSION_CAP', undefined, undefined]);
    expect(hub.sessions.size).toBe(2);
  });

  it('applies the egress gate: a client without clearance never receives a classified event', async () => {
    const { hub, metrics } = makeHub();
    const a = new Sink(),
      low = new Sink(),
      high = new Sink();
    const sa = hub.open(a, info());
    hub.open(low, info(who(['g1'], { nation: 'LTU' })));
    hub.open(high, info(who(['g1'], { nation: 'LTU', clearance: 'SECRET' })));
    hub.ingest(
      sa,
      makeEvent({ uid: 'S', label: { policy: 'NATO', classification: 'SECRET', categories: [] } }),
    );
    await tick();
    expect(low.got).toEqual([]);
    expect(high.got.length).toBe(1);
    expect((await metrics.egressDenied.get()).values[0]!.labels).toEqual({
      rule: 'clearance',
      path: 'stream',
    });
  });

  it('asks the gate once per kind of recipient, but audits every actor it denies', async () => {
    const { hub } = makeHub();
    const denied: string[] = [];
    const off = hub.gate.onDeny((_s, who) => denied.push(who.id));
    try {
      const sender = hub.open(new Sink(), info());
      // Ten TLS-like sessions: own identity objects, same nation, clearance and groups.
      const sinks = Array.from({ length: 10 }, () => new Sink());
      for (const [i, s] of sinks.entries()) hub.open(s, info(who(['g1'], { id: `dev-${i}`, nation: 'LTU' })));
      const before = hub.gate.checks;
      hub.ingest(sender, makeEvent({ uid: 'OPEN' }));
      expect(hub.gate.checks - before).toBe(1);
      hub.ingest(
        sender,
        makeEvent({ uid: 'HIGH', label: { policy: 'NATO', classification: 'SECRET', categories: [] } }),
      );
      await tick();
      expect(sinks.map((s) => s.got.length)).toEqual(Array(10).fill(1));
      expect(denied.sort()).toEqual(sinks.map((_, i) => `dev-${i}`).sort());
    } finally {
      off();
    }
  });

  it('expires stale entities and tells only clients that could see them', async () => {
    let now = 1_000_000;
    const metrics = createMetrics({ defaults: false });
    const hub = new Hub({
      hubId: 't',
      log: pino({ level: 'silent' }),
      metrics,
      encoders: { 'cot-xml': enc },
      queueLimit: 10,
      sessionsPerIdentity: 2,
      pong: (n) => makeEvent({ time: n }),
      now: () => now,
    });
    const a = new Sink(),
      b = new Sink(),
      c = new Sink();
    const sa = hub.open(a, info());
    hub.open(b, info());
    hub.open(c, info(who(['other'])));
    hub.ingest(sa, makeEvent({ uid: 'X', time: now, start: now, stale: now + 10 }));
    now += 11;
    hub.expire();
    expect(hub.state.size).toBe(0);
    expect(b.expiredUids).toEqual(['X']);
    expect(c.expiredUids).toEqual([]);
  });
});
