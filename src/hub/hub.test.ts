import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../test/helpers/events.js';
import { decodeCot } from '../codecs/cot/index.js';
import { Sink, info, makeHub, self, tick, who } from '../../test/helpers/hub.js';
import { waitFor } from '../../test/helpers/wait.js';

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
    hub.close(s.red2!, 'peer_closed');
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
    // Without a report of its own, the session gets the whole picture once the hub stops waiting for one.
    await waitFor(() => uids(silent).length >= 4, 5000, 'the picture of a silent session');
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

  it("forwards the sender's bytes back to back in slabs, and gives the state's copy its own memory", async () => {
    const { hub } = makeHub();
    const listener = new Sink();
    hub.open(listener, info());
    // A stalled client: its first write reports a full socket, so later events wait in its queue.
    const stalled = new Sink();
    stalled.accept = false;
    const ss = hub.open(stalled, info());
    const sa = hub.open(new Sink(), info());
    const xml = (uid: string, n: number) =>
      `<event version="2.0" uid="${uid}" type="a-f-G" how="m-g" time="2026-11-27T12:00:00Z" ` +
      `start="2026-11-27T12:00:00Z" stale="2099-01-01T00:00:00Z"><point lat="1" lon="2" hae="0" ce="9" ` +
      `le="9"/><detail><remarks>${'x'.repeat(n)}</remarks></detail></event>`;
    const send = (uid: string, n = 900) => {
      const raw = Buffer.from(xml(uid, n));
      hub.ingest(sa, decodeCot(raw), { raw, owned: true });
    };
    send('first');
    const kept = hub.state.get('first')!.bytes('cot-xml');
    expect(kept.byteLength).toBeLessThan(kept.buffer.byteLength); // a view of the slab
    await tick(); // the stalled client's first write: from now on it is blocked
    // Enough traffic to fill that slab: `first` alone now pins it.
    for (let i = 0; i < 64; i++) send(`other-${i}`);
    await tick();
    expect(listener.got.join(';')).toContain('uid="first"');
    hub.expire();
    const settled = hub.state.get('first')!.bytes('cot-xml');
    expect(settled.byteLength).toBe(settled.buffer.byteLength);
    expect(Buffer.from(settled).toString()).toBe(Buffer.from(kept).toString());
    expect(Buffer.from(settled).toString()).toMatch(
      /<_flow-tags_ TAK-Server-test="[^"]+"\/><\/detail><\/event>$/,
    );
    // What waits for the stalled client got memory of its own too, but for the slab still being filled.
    expect(ss.blocked).toBe(true);
    const waiting = ss.queue.drain();
    expect(waiting).toHaveLength(64);
    const current = waiting.at(-1)!.buffer;
    const own = waiting.filter((b) => b.byteLength === b.buffer.byteLength);
    expect(own.length).toBeGreaterThan(20);
    expect(waiting.every((b) => own.includes(b) || b.buffer === current)).toBe(true);
  });
});
