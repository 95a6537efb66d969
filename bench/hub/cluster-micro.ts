/**
 * Per-event CPU of the cluster bus path (issue 18, C2's grounding), in process and in CPU time, so it can be run on
 * a shared machine: for an ATAK position report (bench/hub/message.ts), what the origin adds (the bus message:
 * header and the XML bytes it already has) and what each receiving node pays before its fan-out (header, XML
 * decode, state and routing in a hub with no sessions), next to a local ingest (decode and ingest) for scale.
 *
 *   npx tsx bench/hub/cluster-micro.ts [iterations]
 */
import pino from 'pino';
import { decodeCot, encodeCotStream } from '../../src/codecs/cot/index.js';
import { buildPong } from '../../src/codecs/cot/negotiation.js';
import { encodeTakStream } from '../../src/codecs/takproto/index.js';
import { encodeMessage, readEvent, readHeader } from '../../src/cluster/message.js';
import { Hub } from '../../src/hub/hub.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { localOperator } from '../../src/model/identity.js';
import { XmlReport, nowMs } from './message.js';

const N = Number(process.argv[2] ?? 50_000);
const SENDERS = 200;

function hub(): Hub {
  return new Hub({
    hubId: 'micro',
    log: pino({ level: 'silent' }),
    metrics: createMetrics(),
    encoders: { 'cot-xml': encodeCotStream, 'tak-stream': encodeTakStream },
    queueLimit: 4096,
    sessionsPerIdentity: 3,
    pong: buildPong,
  });
}

const reports = Array.from(
  { length: SENDERS },
  (_, i) => new XmlReport({ uid: `ANDROID-${i}`, callsign: `U${i}`, team: 'Cyan', lat: 54.6, lon: 25.2 }),
);
/** The `<event>…</event>` bytes, as the CoT framer hands them to the hub (the XML declaration is not part of them). */
const xmlOf = (k: number) => {
  const text = reports[k % SENDERS]!.render(nowMs(), k);
  return Buffer.from(text.slice(text.indexOf('<event')));
};

/** CPU µs per call of `f` over N calls (after N/5 warm-up calls). */
function cpuPerOp(name: string, f: (k: number) => void): number {
  for (let k = 0; k < N / 5; k++) f(k);
  const t0 = process.cpuUsage();
  for (let k = 0; k < N; k++) f(k);
  const t = process.cpuUsage(t0);
  const us = (t.user + t.system) / N;
  console.log(`${name.padEnd(58)} ${us.toFixed(2)} µs`);
  return us;
}

const inputs = Array.from({ length: 1000 }, (_, k) => xmlOf(k));
const label = { policy: 'NATO', classification: 'UNCLASSIFIED' as const, categories: [] };
const origin = { protocol: 'cot-xml' as const, nation: 'LTU' };
const messages = inputs.map((x, k) =>
  encodeMessage({ n: 'a', b: 'b', s: k, k: 'state', g: ['__ANON__'], l: label, o: origin }, x),
);
console.log(
  `per ATAK position (${inputs[0]!.length} bytes of XML, bus message ${messages[0]!.length} bytes), ${N} each:`,
);

const local = hub();
const s = local.open(
  { write: () => true, close: () => undefined },
  {
    transport: 'internal',
    protocol: 'cot-xml',
    identity: localOperator(),
    format: 'cot-xml',
    ingestOnly: true,
  },
);
cpuPerOp('local: decode the XML and ingest (no recipients)', (k) => {
  const raw = inputs[k % inputs.length]!;
  local.ingest(s, decodeCot(raw), { raw, owned: true });
});
cpuPerOp('origin: bus message (header JSON + copy of the XML bytes)', (k) => {
  encodeMessage(
    { n: 'a', b: 'b', s: k, k: 'state', g: ['__ANON__'], l: label, o: origin },
    inputs[k % 1000]!,
  );
});
const remote = hub();
cpuPerOp('receiver: header, decode the XML, ingestRemote (no recipients)', (k) => {
  const { header, xml } = readHeader(messages[k % messages.length]!);
  remote.ingestRemote(readEvent(header, xml, 1 << 20), header.g ?? undefined, xml);
});

// With NATS (Debian's nats-server on a free port): the whole bus path with the NATS client, in this process's CPU
// time. Phase 1: node A alone publishes (stream + bucket, each acknowledged). Phase 2: node B joined too, so the
// process also consumes and decodes each event once; the difference is what a receiving node pays per event.
if (process.argv.includes('--nats')) {
  const { startNats } = await import('./cluster.js');
  const { ClusterNode } = await import('../../src/cluster/node.js');
  const { clusterConfig } = await import('../../src/cluster/config.js');
  const nats = await startNats();
  const cfg = (node: string) => clusterConfig.parse({ node, nats: { servers: [nats.url], name: 'micro' } });
  const nodeOf = async (name: string) => {
    const h = hub();
    const m = createMetrics();
    const n = new ClusterNode({
      cfg: cfg(name),
      hub: h,
      log: pino({ level: process.env['BW_MICRO_LOG'] ?? 'silent' }),
      metrics: m,
      registry: m.registry,
      maxEventBytes: 1 << 20,
    });
    await n.start();
    return { h, n };
  };
  const M = Math.min(N, 20_000);
  const a = await nodeOf('a');
  const src = a.h.open(
    { write: () => true, close: () => undefined },
    {
      transport: 'internal',
      protocol: 'cot-xml',
      identity: localOperator(),
      format: 'cot-xml',
      ingestOnly: true,
    },
  );
  const pump = async (done: () => boolean): Promise<number> => {
    const t0 = process.cpuUsage();
    for (let k = 0; k < M; k++) {
      const raw = xmlOf(k);
      a.h.ingest(src, decodeCot(raw), { raw, owned: true });
      if (k % 500 === 499) await new Promise((r) => setTimeout(r, 5));
    }
    while (!done()) await new Promise((r) => setTimeout(r, 5));
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / M;
  };
  const publish = await pump(() => a.n.status().outbox === 0);
  console.log(
    `${'NATS: A ingests and publishes (stream + bucket, acknowledged)'.padEnd(58)} ${publish.toFixed(2)} µs`,
  );
  const b = await nodeOf('b');
  let received = 0;
  const ingestRemote = b.h.ingestRemote.bind(b.h);
  b.h.ingestRemote = (e, g, x) => {
    received++;
    ingestRemote(e, g, x);
  };
  const both = await pump(() => a.n.status().outbox === 0 && received >= M);
  console.log(`${'NATS: ... and B receives, decodes, ingestRemote'.padEnd(58)} ${both.toFixed(2)} µs`);
  console.log(`${'NATS: so a receiving node pays per event'.padEnd(58)} ${(both - publish).toFixed(2)} µs`);
  await b.n.close();
  await a.n.close();
  await nats.stop();
}
