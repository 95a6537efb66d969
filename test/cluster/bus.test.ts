/**
 * Two and three hub processes on one nats-server: the picture converges, a chat reaches its recipient on another
 * node, the receiving node's egress gate decides, deletes and stale expiry reach every node, and a node that joins
 * late gets the whole picture.
 */
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient } from '../helpers/app.js';
import { chat, del, marker, selfReport } from './cot.js';
import { HubNode, Nats, sleep } from './harness.js';

let nats: Nats;
let a: HubNode;
let b: HubNode;
const clients: CotClient[] = [];

async function client(n: HubNode): Promise<CotClient> {
  const c = await CotClient.connect(n.tcp);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  nats = await Nats.start();
  // A serves LTU; B serves DEU: the same group, different nations (the gate's releasability check).
  [a, b] = await Promise.all([
    HubNode.start({ nats: nats.url, name: 'a', config: { local: { nation: 'LTU' } } }),
    HubNode.start({ nats: nats.url, name: 'b', config: { local: { nation: 'DEU' } } }),
  ]);
}, 180_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await nats?.stop();
});

describe('cluster bus', () => {
  it('converges the picture and keeps the detail lossless across nodes', async () => {
    const ca = await client(a);
    const cb = await client(b);
    ca.send(marker('m-a1'));
    cb.send(marker('m-b1'));
    const onB = await cb.waitUid('m-a1');
    await ca.waitUid('m-b1');
    expect(onB.detail.elements.map((e) => e.xml).join('')).toContain(
      '<custom_thing a="1"><inner b="2"/></custom_thing>',
    );
    // The origin's flow tag travels with the event.
    expect(Object.keys(onB.detail.flowTags ?? {})).toContain('TAK-Server-cluster-test');
    await a.waitHealth((h) => h.entities >= 2, 5000, 'two entities on a');
    await b.waitHealth((h) => h.entities >= 2, 5000, 'two entities on b');
  });

  it('delivers a chat to a contact on another node, and only to it', async () => {
    const alice = await client(a);
    const bob = await client(b);
    const carol = await client(b);
    alice.send(selfReport('ALICE', 'Alice'));
    bob.send(selfReport('BOB', 'Bob'));
    carol.send(selfReport('CAROL', 'Carol'));
    await alice.waitUid('BOB');
    await bob.waitUid('ALICE');
    alice.send(chat('ALICE', 'Alice', 'BOB', 'Bob', 'c1', 'hello across nodes'));
    const got = await bob.waitUid('GeoChat.ALICE.BOB.c1');
    expect(got.detail.remarks?.text).toBe('hello across nodes');
    // And back: Bob answers Alice.
    bob.send(chat('BOB', 'Bob', 'ALICE', 'Alice', 'c2', 'hello back'));
    await alice.waitUid('GeoChat.BOB.ALICE.c2');
    await sleep(300);
    expect(carol.events.some((e) => e.uid.startsWith('GeoChat.'))).toBe(false);
  });

  it("decides with the receiving node's egress gate (releasability to the receiver's nation)", async () => {
    const ca = await client(a);
    const cb = await client(b);
    const denied0 = await b.metric('bw_egress_denied_total');
    ca.send(marker('ltu-only', 600, 'releasableTo="LTU"'));
    ca.send(marker('for-all'));
    await cb.waitUid('for-all');
    await sleep(300);
    expect(cb.events.some((e) => e.uid === 'ltu-only')).toBe(false);
    expect(await b.metric('bw_egress_denied_total')).toBeGreaterThan(denied0);
    // The LTU node's own client sees it, and B holds it in its picture for clients that may.
    const ca2 = await client(a);
    await ca2.waitUid('ltu-only');
  });

  it('spreads deletes and stale expiry to every node', async () => {
    const ca = await client(a);
    const cb = await client(b);
    ca.send(marker('to-delete'));
    ca.send(marker('short-lived', 2));
    await cb.waitUid('to-delete');
    await cb.waitUid('short-lived');
    cb.send(del('to-delete'));
    const late = async (n: HubNode) => {
      const c = await client(n);
      await c.waitUid('m-a1');
      await sleep(300);
      return c.events.map((e) => e.uid);
    };
    await sleep(2500);
    for (const n of [a, b]) {
      const uids = await late(n);
      expect(uids).not.toContain('to-delete');
      expect(uids).not.toContain('short-lived');
    }
  });

  it('skips and counts a message on the bus that is not ours, and goes on', async () => {
    const nc = await connect({ servers: nats.url });
    try {
      await jetstream(nc).publish('bw.test.ev.m', new TextEncoder().encode('not a bus message'));
    } finally {
      await nc.close();
    }
    for (const n of [a, b]) {
      await n.waitHealth(() => true, 1000, 'up');
      const end = Date.now() + 10_000;
      while ((await n.metric('bw_rejected_total', { code: 'BW_CLUSTER_BAD_MESSAGE' })) < 1) {
        if (Date.now() > end) throw new Error(`${n.name} did not count the bad message`);
        await sleep(100);
      }
    }
    const ca = await client(a);
    const cb = await client(b);
    ca.send(marker('after-bad'));
    await cb.waitUid('after-bad');
  });

  it('gives a node that joins late the whole picture, and its clients everything they may see', async () => {
    const c = await HubNode.start({ nats: nats.url, name: 'c', config: { local: { nation: 'LTU' } } });
    try {
      const cc = await client(c);
      for (const uid of ['m-a1', 'm-b1', 'ALICE', 'BOB', 'ltu-only', 'for-all']) await cc.waitUid(uid);
      // And it is live: a marker sent on the late node reaches the first two.
      cc.send(marker('m-c1'));
      const ca = await client(a);
      await ca.waitUid('m-c1');
    } finally {
      await c.stop();
    }
  });
});
