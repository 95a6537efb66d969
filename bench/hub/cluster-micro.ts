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
const xmlOf = (k: number) => Buffer.from(reports[k % SENDERS]!.render(nowMs(), k));

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
