/**
 * Failure with three hub processes on one nats-server: kill -9 of one node under load loses nothing JetStream
 * acknowledged and its clients get the whole picture on another node. The NATS restart has a cluster of its own
 * (nats-restart.test.ts).
 */
import { connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CotClient } from '../helpers/app.js';
import { readEvent, readHeader } from '../../src/cluster/message.js';
import { marker, selfReport } from './cot.js';
import type { HubNode } from './harness.js';
import { TestCluster, sleep } from './harness.js';

let cluster: TestCluster;
let a: HubNode;
let b: HubNode;
let c: HubNode;
const client = (n: HubNode): Promise<CotClient> => cluster.client(n);

/** The uids of every event node `name` published that the stream holds (what JetStream acknowledged). */
async function acknowledgedFrom(name: string): Promise<string[]> {
  const nc = await connect({ servers: cluster.nats.url });
  try {
    const js = jetstream(nc);
    const cons = await js.consumers.get('BW_test_EVENTS', { deliver_policy: DeliverPolicy.All });
    const out: string[] = [];
    for (;;) {
      const m = await cons.next({ expires: 2000 });
      if (!m) break;
      const { header, xml } = readHeader(m.data);
      if (header.n === name) out.push(readEvent(header, xml, 1 << 20).uid);
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

beforeAll(async () => {
  cluster = await TestCluster.start(['a', 'b', 'c']);
  [a, b, c] = cluster.nodes as [HubNode, HubNode, HubNode];
}, 180_000);

afterAll(() => cluster?.stop());

describe('cluster failover', () => {
  it('kill -9 of a node under load: nothing acknowledged is lost, its clients get the picture elsewhere', async () => {
    const senderA = await client(a);
    const senderC = await client(c);
    const observerB = await client(b);
    senderA.send(selfReport('DEV-A', 'Alpha'));
    await observerB.waitUid('DEV-A', 10_000);
    let i = 0;
    let running = true;
    const load = (async () => {
      // About 400 markers a second from each of two nodes, each with its own uid (nothing coalesces).
      while (running) {
        for (let k = 0; k < 20; k++, i++) {
          if (!senderA.closed) senderA.send(marker(`load-a-${i}`));
          senderC.send(marker(`load-c-${i}`));
        }
        await sleep(50);
      }
    })();
    await sleep(1500);
    await a.kill9();
    await sleep(500);
    running = false;
    await load;
    const sentC = i;
    // Every marker C's client sent reaches B; every event of A's that JetStream acknowledged reaches B too.
    await observerB.waitFor(
      (es) => es.some((e) => e.uid === `load-c-${sentC - 1}`),
      20_000,
      'the last marker sent on C',
    );
    const seen = new Set(observerB.events.map((e) => e.uid));
    for (let k = 0; k < sentC; k++) expect(seen.has(`load-c-${k}`), `load-c-${k}`).toBe(true);
    const acked = await acknowledgedFrom('a');
    // How many A got acknowledged before it died depends on the machine's load; some always are.
    expect(acked.length).toBeGreaterThan(0);
    const missing = acked.filter((u) => !seen.has(u));
    expect(missing).toEqual([]);
    // A's client reconnects to B and gets the whole picture, its own last reports included.
    const again = await client(b);
    await again.waitFor(
      (es) =>
        acked.every((u) => es.some((e) => e.uid === u)) && es.some((e) => e.uid === `load-c-${sentC - 1}`),
      20_000,
      'the whole picture on B',
    );
    expect(again.events.some((e) => e.uid === 'DEV-A')).toBe(true);
  }, 90_000);
});
