/**
 * A NATS restart with three hub processes: the nodes degrade (they keep serving locally) and catch up afterwards,
 * with no queued chat lost. A cluster of its own, apart from the kill -9 test in failover.test.ts, so that test's
 * load and its killed node do not share this one's nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient } from '../helpers/app.js';
import { chat, marker, selfReport } from './cot.js';
import { HubNode, Nats } from './harness.js';

let nats: Nats;
let b: HubNode;
let c: HubNode;
const clients: CotClient[] = [];

async function client(n: HubNode): Promise<CotClient> {
  const cl = await CotClient.connect(n.tcp);
  clients.push(cl);
  return cl;
}

beforeAll(async () => {
  nats = await Nats.start();
  const nodes = await Promise.all(['b', 'c'].map((name) => HubNode.start({ nats: nats.url, name })));
  [b, c] = nodes as [HubNode, HubNode];
}, 180_000);

afterAll(async () => {
  for (const cl of clients) cl.close();
  await Promise.all([b, c].map((n) => n?.stop()));
  await nats?.stop();
});

describe('cluster recovery', () => {
  it('NATS restart: nodes degrade and keep serving locally, then catch up with no queued chat lost', async () => {
    const bob = await client(b);
    const carol = await client(c);
    const bobsNeighbour = await client(b);
    bob.send(selfReport('BOB', 'Bob'));
    carol.send(selfReport('CAROL', 'Carol'));
    await bob.waitUid('CAROL', 10_000);
    await carol.waitUid('BOB', 10_000);

    await nats.down();
    await b.waitHealth((h) => h.status === 'degraded', 20_000, 'degraded');
    await c.waitHealth((h) => h.status === 'degraded', 20_000, 'degraded');
    expect(await b.metric('bw_cluster_connected')).toBe(0);
    // Still serving locally.
    bob.send(marker('local-while-down'));
    await bobsNeighbour.waitUid('local-while-down');
    // Chats to Carol on the other node wait in B's outbox.
    for (let k = 0; k < 20; k++) bob.send(chat('BOB', 'Bob', 'CAROL', 'Carol', `q${k}`, `queued ${k}`));
    await b.waitHealth((h) => (h.cluster?.outbox ?? 0) >= 20, 10_000, 'chats queued in the outbox');

    await nats.up();
    await b.waitHealth((h) => h.status === 'ok', 30_000, 'recovered');
    await c.waitHealth((h) => h.status === 'ok', 30_000, 'recovered');
    await carol.waitFor(
      (es) => es.filter((e) => e.uid.startsWith('GeoChat.BOB.CAROL.q')).length === 20,
      30_000,
      'all 20 queued chats',
    );
    const order = carol.events.filter((e) => e.uid.startsWith('GeoChat.BOB.CAROL.q')).map((e) => e.uid);
    expect(order).toEqual(Array.from({ length: 20 }, (_, k) => `GeoChat.BOB.CAROL.q${k}`));
    await carol.waitUid('local-while-down', 10_000);
    expect((await b.health())?.cluster?.outbox).toBe(0);
  }, 120_000);
});
