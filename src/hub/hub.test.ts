import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Hub } from './hub.js';
import { gateChecks, onDeny } from './gate.js';
import type { SessionSink, SessionInfo } from './session.js';
import { createMetrics } from '../ops/metrics.js';
import { makeEvent } from '../../test/helpers/events.js';
import type { Identity } from '../model/identity.js';
import type { Event } from '../model/event.js';

const enc = (e: Event) => Buffer.from(`${e.type}|${e.uid}|${e.time};`);

function makeHub(queueLimit = 100, teamScoped = false) {
  const metrics = createMetrics({ defaults: false });
  const hub = new Hub({
    hubId: 'test',
    log: pino({ level: 'silent' }),
    metrics,
    encoders: { 'cot-xml': enc, 'tak-stream': enc },
    queueLimit,
    sessionsPerIdentity: 2,
    teamScoped,
    pictureWaitMs: 50,
    pong: (now) => makeEvent({ uid: 'pong', type: 't-x-c-t-r', time: now }),
  });
  return { hub, metrics };
}

class Sink implements SessionSink {
  got: string[] = [];
  writes = 0;
  closed?: string;
  accept = true;
  expiredUids: string[] = [];
  write(chunks: Uint8Array[]) {
    this.writes++;
    for (const c of chunks) this.got.push(...Buffer.from(c).toString().split(';').filter(Boolean));
    return this.accept;
  }
  close(reason: string) {
    this.closed = reason;
  }
  expired(uids: string[]) {
    this.expiredUids.push(...uids);
  }
}

function who(groups = ['g1'], extra: Partial<Identity> = {}): Identity {
  return { id: 'x', kind: 'anonymous', clearance: 'UNCLASSIFIED', categories: [], groups, ...extra };
}
function info(identity = who()): SessionInfo {
  return { transport: 'tcp', protocol: 'cot-xml', identity, format: 'cot-xml' };
}
const tick = () => new Promise((r) => setImmediate(r));

/** A client's own position report (contact endpoint) announcing its ATAK team. */
const self = (uid: string, team: string) =>
  makeEvent({
    uid,
    detail: { contact: { callsign: uid, endpoint: '*:-1:stcp' }, group: { name: team, role: 'Team Member' } },
  });

describe('Hub routing', () => {
  it('broadcasts within shared groups, not back to the sender, not to other groups', async () => {
    const { hub } = makeHub();
    const a = new Sink(),
      b = new Sink(),
      c = new Sink();
    const sa = hub.open(a, info());
    hub.open(b, info());
    hub.open(c, info(who(['g2'])));
    expect(hub.ingest(sa, makeEvent({ uid: 'A' }))).toEqual({ ok: true });
    await tick();
    expect(b.got.map((x) => x.split('|')[1])).toEqual(['A']);
    expect(a.got).toEqual([]);
    expect(c.got).toEqual([]);
  });

  it('team-scoped routing reaches the same team and clients with no team yet, and follows a team change', async () => {
    const { hub } = makeHub(100, true);
    const sinks = { red: new Sink(), red2: new Sink(), blue: new Sink(), none: new Sink() };
    const s = Object.fromEntries(Object.entries(sinks).map(([k, v]) => [k, hub.open(v, info())]));
    hub.ingest(s.red!, self('red', 'Red'));
    hub.ingest(s.red2!, self('red2', 'Red'));
    hub.ingest(s.blue!, self('blue', 'Blue'));
    await tick();
    const uids = (x: Sink) => x.got.map((g) => g.split('|')[1]);
    // Each got what was sent while it had no team, then only its own team's reports.
    expect(uids(sinks.red)).toEqual(['red2']);
    // red2 heard red live before it had a team, then again in its picture, which starts with its own report.
    expect(uids(sinks.red2)).toEqual(['red', 'red']);
    expect(uids(sinks.blue)).toEqual(['red', 'red2']);
    expect(uids(sinks.none)).toEqual(['red', 'red2', 'blue']);
    // blue changes team: it now gets Red's reports and no longer Blue's.
    hub.ingest(s.blue!, self('blue', 'Red'));
    hub.ingest(s.red!, self('red', 'Red'));
    await tick();
    expect(uids(sinks.red)).toEqual(['red2', 'blue']);
    expect(uids(sinks.blue)).toEqual(['red', 'red2', 'red']);
    // A closed session leaves the team index.
    hub.close(s.red2!, 'test');
    hub.ingest(s.red!, self('red', 'Red'));
    await tick();
    expect(uids(sinks.red2)).toEqual(['red', 'red', 'blue', 'red']);
    expect(uids(sinks.blue)).toEqual(['red', 'red2', 'red', 'red']);
  });

  it('team-scoped: a late joiner gets the picture of its team once it reports, or the whole picture after a wait', async () => {
    const { hub } = makeHub(100, true);
    hub.ingest(hub.open(new Sink(), info()), self('red', 'Red'));
    hub.ingest(hub.open(new Sink(), info()), self('blue', 'Blue'));
    hub.ingest(hub.open(new Sink(), info()), makeEvent({ uid: 'marker' })); // no team
    const uids = (x: Sink) => x.got.map((g) => g.split('|')[1]).sort();
    const late = new Sink();
    const sl = hub.open(late, info());
    await tick();
    expect(late.got).toEqual([]); // waiting for its own report
    hub.ingest(sl, self('red2', 'Red'));
    await tick();
    expect(uids(late)).toEqual(['marker', 'red']);
    const silent = new Sink();
    hub.open(silent, info());
    await tick();
    expect(silent.got).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    await tick();
    expect(uids(silent)).toEqual(['blue', 'marker', 'red', 'red2']);
  });

  it('sends a late joiner the current picture, without stale entities', async () => {
    const { hub } = makeHub();
    const sa = hub.open(new Sink(), info());
    hub.ingest(sa, makeEvent({ uid: 'A' }));
    hub.ingest(
      sa,
      makeEvent({ uid: 'B', stale: Date.now() - 1, start: Date.now() - 5000, time: Date.now() - 5000 }),
    );
    const late = new Sink();
    hub.open(late, info());
    await tick();
    expect(late.got.map((x) => x.split('|')[1])).toEqual(['A']);
  });

  it('routes marti dest by callsign and uid only to the addressed clients', async () => {
    const { hub } = makeHub();
    const sinks = [new Sink(), new Sink(), new Sink()];
    const ss = sinks.map((s) => hub.open(s, info()));
    hub.ingest(
      ss[1]!,
      makeEvent({ uid: 'B1', detail: { contact: { callsign: 'BRAVO', endpoint: '*:-1:stcp' } } }),
    );
    hub.ingest(
      ss[2]!,
      makeEvent({ uid: 'C1', detail: { contact: { callsign: 'CHARLIE', endpoint: '*:-1:stcp' } } }),
    );
    await tick();
    sinks.forEach((s) => (s.got = []));
    hub.ingest(ss[0]!, makeEvent({ uid: 'msg1', type: 'b-t-f', detail: { dests: [{ callsign: 'BRAVO' }] } }));
    hub.ingest(ss[0]!, makeEvent({ uid: 'msg2', type: 'b-t-f', detail: { dests: [{ uid: 'C1' }] } }));
    await tick();
    expect(sinks[1]!.got.map((x) => x.split('|')[1])).toEqual(['msg1']);
    expect(sinks[2]!.got.map((x) => x.split('|')[1])).toEqual(['msg2']);
    expect(sinks[0]!.got).toEqual([]);
  });

  it('delivers a chat with chatgrp members and no dest only to the members', async () => {
    const { hub } = makeHub();
    const sinks = [new Sink(), new Sink(), new Sink()];
    const ss = sinks.map((s) => hub.open(s, info()));
    ss.forEach((s, i) => hub.ingest(s, makeEvent({ uid: `U${i}`, detail: { takv: { platform: 'ATAK' } } })));
    await tick();
    sinks.forEach((s) => (s.got = []));
    const chat = makeEvent({
      uid: 'GeoChat.U0.room.1',
      type: 'b-t-f',
      detail: { chat: { chatroom: 'room', members: ['U0', 'U2'] } },
    });
    hub.ingest(ss[0]!, chat);
    await tick();
    expect(sinks[2]!.got.length).toBe(1);
    expect(sinks[1]!.got.length).toBe(0);
  });

  it('removes a deleted uid from the picture and tells clients', async () => {
    const { hub } = makeHub();
    const a = new Sink(),
      b = new Sink();
    const sa = hub.open(a, info());
    hub.open(b, info());
    hub.ingest(sa, makeEvent({ uid: 'M1', type: 'b-m-p-s-m' }));
    hub.ingest(
      sa,
      makeEvent({ uid: 'del', type: 't-x-d-d', detail: { links: [{ uid: 'M1', relation: 'none' }] } }),
    );
    await tick();
    expect(hub.state.get('M1')).toBeUndefined();
    expect(b.got.map((x) => x.split('|')[0])).toEqual(['b-m-p-s-m', 't-x-d-d']);
    expect(b.expiredUids).toEqual(['M1']);
  });

  it('keeps emergencies in the picture until cancelled', async () => {
    const { hub } = makeHub();
    const sa = hub.open(new Sink(), info());
    hub.ingest(sa, makeEvent({ uid: 'E-9-1-1', type: 'b-a-o-tbl' }));
    expect(hub.state.get('E-9-1-1')).toBeDefined();
    hub.ingest(sa, makeEvent({ uid: 'E-9-1-1', type: 'b-a-o-can', detail: { emergency: { cancel: true } } }));
    expect(hub.state.get('E-9-1-1')).toBeUndefined();
  });

  it('answers a ping with a pong to the sender only', async () => {
    const { hub } = makeHub();
    const a = new Sink(),
      b = new Sink();
    const sa = hub.open(a, info());
    hub.open(b, info());
    hub.ingest(sa, makeEvent({ uid: 'ping', type: 't-x-c-t' }));
    await tick();
    expect(a.got.map((x) => x.split('|')[0])).toEqual(['t-x-c-t-r']);
    expect(b.got).toEqual([]);
  });

  it('rejects an event that already carries its own flow tag (loop)', () => {
    const { hub } = makeHub();
    const sa = hub.open(new Sink(), info());
    const r = hub.ingest(
      sa,
      makeEvent({ detail: { flowTags: { 'TAK-Server-test': '2026-01-01T00:00:00Z' } } }),
    );
    expect(r).toMatchObject({ ok: false, code: 'BW_LOOP' });
  });

  it('stamps its flow tag into the detail elements', () => {
    const { hub } = makeHub();
    const sa = hub.open(new Sink(), info());
    hub.ingest(
      sa,
      makeEvent({ uid: 'A', detail: { elements: [{ name: 'remarks', xml: '<remarks>x</remarks>' }] } }),
    );
    const e = hub.state.get('A')!.event;
    expect(e.detail.elements.map((x) => x.name)).toEqual(['remarks', '_flow-tags_']);
    expect(e.detail.elements[1]!.xml).toMatch(/^<_flow-tags_ TAK-Server-test="[^"]+"\/>$/);
  });
});

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

  it('drops (and counts) new uids when a blocked queue is full of distinct positions', async () => {
    const { hub, metrics } = makeHub(16);
    const a = new Sink(),
      slow = new Sink();
    const sa = hub.open(a, info());
    hub.open(slow, info());
    slow.accept = false;
    hub.ingest(sa, makeEvent({ uid: 'x' }));
    await tick();
    for (let i = 0; i < 20; i++) hub.ingest(sa, makeEvent({ uid: `P${i}` }));
    expect(slow.closed).toBeUndefined();
    expect((await metrics.drops.get()).values.find((v) => v.labels.reason === 'queue_full')?.value).toBe(4);
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
    const off = onDeny((_s, who) => denied.push(who.id));
    try {
      const sender = hub.open(new Sink(), info());
      // Ten TLS-like sessions: own identity objects, same nation, clearance and groups.
      const sinks = Array.from({ length: 10 }, () => new Sink());
      for (const [i, s] of sinks.entries()) hub.open(s, info(who(['g1'], { id: `dev-${i}`, nation: 'LTU' })));
      const before = gateChecks();
      hub.ingest(sender, makeEvent({ uid: 'OPEN' }));
      expect(gateChecks() - before).toBe(1);
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
