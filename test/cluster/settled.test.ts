/**
 * In process, against a real nats-server: a change is acknowledged (`settled`) only once JetStream holds it in the
 * stream and the picture bucket; the node is degraded without NATS, keeps the change in its outbox and publishes
 * it when NATS is back.
 */
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterNode } from '../../src/cluster/node.js';
import { clusterConfig } from '../../src/cluster/config.js';
import { readEvent, readHeader } from '../../src/cluster/message.js';
import { encodeCotStream } from '../../src/codecs/cot/index.js';
import { buildPong } from '../../src/codecs/cot/negotiation.js';
import { Hub } from '../../src/hub/hub.js';
import { localOperator } from '../../src/model/identity.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { makeEvent } from '../helpers/events.js';
import { Nats, sleep } from './harness.js';

let nats: Nats;
let node: ClusterNode;
let hub: Hub;
let metrics: ReturnType<typeof createMetrics>;

beforeAll(async () => {
  nats = await Nats.start();
  metrics = createMetrics();
  hub = new Hub({
    hubId: 'settled',
    log: pino({ level: 'silent' }),
    metrics,
    encoders: { 'cot-xml': encodeCotStream },
    queueLimit: 256,
    sessionsPerIdentity: 3,
    pong: buildPong,
  });
  node = new ClusterNode({
    cfg: clusterConfig.parse({ node: 'one', nats: { servers: [nats.url], name: 'settled' } }),
    hub,
    log: pino({ level: 'silent' }),
    metrics,
    registry: metrics.registry,
    maxEventBytes: 1 << 20,
  });
  await node.start();
}, 60_000);

afterAll(async () => {
  await node?.close(0);
  metrics?.stop();
  await nats?.stop();
});

async function bucketValue(uid: string): Promise<string | undefined> {
  const nc = await connect({ servers: nats.url });
  try {
    const kv = await new Kvm(jetstream(nc)).open('bw_settled_latest');
    const e = await kv.get(uid);
    if (!e || e.operation !== 'PUT') return undefined;
    const { header, xml } = readHeader(e.value);
    return readEvent(header, xml, 1 << 20).detail.remarks?.text;
  } finally {
    await nc.close();
  }
}

describe('cluster acknowledgement', () => {
  it('settles a change once JetStream holds it, and keeps it in order through an outage', async () => {
    const s = hub.open(
      { write: () => true, close: () => undefined },
      {
        transport: 'internal',
        protocol: 'web',
        identity: localOperator(),
        format: 'cot-xml',
        noPicture: true,
      },
    );
    const marker = (text: string) =>
      makeEvent({ uid: 'page-marker', type: 'a-h-G', detail: { remarks: { text }, elements: [] } });
    const withRemarks = (text: string) => {
      const e = marker(text);
      e.detail.elements = [{ name: 'remarks', xml: `<remarks>${text}</remarks>` }];
      return e;
    };
    expect(hub.ingest(s, withRemarks('first')).ok).toBe(true);
    expect(await node.settled('page-marker')).toBe(true);
    expect(await bucketValue('page-marker')).toBe('first');

    await nats.down();
    const end = Date.now() + 20_000;
    while (node.status().state !== 'degraded') {
      if (Date.now() > end) throw new Error('not degraded');
      await sleep(50);
    }
    hub.ingest(s, withRemarks('second'));
    // Degraded: acknowledged as saved here; it waits in the outbox.
    expect(await node.settled('page-marker')).toBe(true);
    expect(node.status().outbox).toBeGreaterThan(0);

    await nats.up();
    const back = Date.now() + 30_000;
    while (node.status().state !== 'ok' || node.status().outbox > 0) {
      if (Date.now() > back) throw new Error(`not recovered: ${JSON.stringify(node.status())}`);
      await sleep(50);
    }
    expect(await bucketValue('page-marker')).toBe('second');
  }, 90_000);
});
