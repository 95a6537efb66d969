/**
 * A NATS restart with two hub processes under load: the nodes degrade (they keep serving locally) and catch up
 * afterwards, with nothing lost: every chat queued while NATS was down arrives, in order, and every marker either
 * node's clients sent before, during and after the restart reaches the other node. A cluster of its own, apart from
 * the kill -9 test in failover.test.ts, so that test's killed node does not share this one's nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CotClient } from '../helpers/app.js';
import { chat, marker, selfReport } from './cot.js';
import type { HubNode } from './harness.js';
import { TestCluster, sleep } from './harness.js';

let cluster: TestCluster;
let b: HubNode;
let c: HubNode;

beforeAll(async () => {
  cluster = await TestCluster.start(['b', 'c']);
  [b, c] = cluster.nodes as [HubNode, HubNode];
}, 180_000);

afterAll(() => cluster?.stop());

/** Every uid `prefix`0 … `prefix`(n-1) that `cl` has not received. */
function missing(cl: CotClient, prefix: string, n: number): string[] {
  const seen = new Set(cl.events.map((e) => e.uid));
  const out: string[] = [];
  for (let k = 0; k < n; k++) if (!seen.has(`${prefix}${k}`)) out.push(`${prefix}${k}`);
  return out;
}

describe('cluster recovery', () => {
  it('NATS restart under load: nodes degrade, serve locally, then catch up with nothing lost', async () => {
    const bob = await cluster.client(b);
    const carol = await cluster.client(c);
    const bobsNeighbour = await cluster.client(b);
    const loadB = await cluster.client(b);
    const loadC = await cluster.client(c);
    bob.send(selfReport('BOB', 'Bob'));
    carol.send(selfReport('CAROL', 'Carol'));
    await bob.waitUid('CAROL', 10_000);
    await carol.waitUid('BOB', 10_000);

    // About 200 markers a second from a client of each node, each with its own uid (nothing coalesces), from
    // before NATS goes down until after it is back.
    let sent = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        for (let k = 0; k < 10; k++, sent++) {
          loadB.send(marker(`load-b-${sent}`));
          loadC.send(marker(`load-c-${sent}`));
        }
        await sleep(50);
      }
    })();
    await sleep(2000);

    await cluster.nats.down();
    await b.waitHealth((h) => h.status === 'degraded', 20_000, 'degraded');
    await c.waitHealth((h) => h.status === 'degraded', 20_000, 'degraded');
    expect(await b.metric('bw_cluster_connected')).toBe(0);
    // Still serving locally.
    bob.send(marker('local-while-down'));
    await bobsNeighbour.waitUid('local-while-down');
    // Chats to Carol on the other node wait in B's outbox, behind the markers.
    for (let k = 0; k < 20; k++) bob.send(chat('BOB', 'Bob', 'CAROL', 'Carol', `q${k}`, `queued ${k}`));
    await b.waitHealth((h) => (h.cluster?.outbox ?? 0) >= 20, 10_000, 'chats queued in the outbox');

    await cluster.nats.up();
    await b.waitHealth((h) => h.status === 'ok', 30_000, 'recovered');
    await c.waitHealth((h) => h.status === 'ok', 30_000, 'recovered');
    await sleep(1000);
    running = false;
    await load;

    await carol.waitFor(
      (es) => es.filter((e) => e.uid.startsWith('GeoChat.BOB.CAROL.q')).length >= 20,
      30_000,
      'all 20 queued chats',
    );
    const order = carol.events.filter((e) => e.uid.startsWith('GeoChat.BOB.CAROL.q')).map((e) => e.uid);
    expect(order).toEqual(Array.from({ length: 20 }, (_, k) => `GeoChat.BOB.CAROL.q${k}`));
    await carol.waitUid('local-while-down', 10_000);
    // Every marker reaches the other node: what was in flight when NATS went down, what waited in the outbox,
    // and what was published while the other node's consumer was away.
    await carol.waitFor(
      (es) => es.some((e) => e.uid === `load-b-${sent - 1}`),
      30_000,
      'the last marker from B',
    );
    await bob.waitFor(
      (es) => es.some((e) => e.uid === `load-c-${sent - 1}`),
      30_000,
      'the last marker from C',
    );
    expect(missing(carol, 'load-b-', sent)).toEqual([]);
    expect(missing(bob, 'load-c-', sent)).toEqual([]);
    await b.waitHealth((h) => h.cluster?.outbox === 0, 10_000, 'an empty outbox');
  }, 180_000);
});
