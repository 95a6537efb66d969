/**
 * The process under test: the MAVLink gateway feeding a real Hub (latest state, routing; no subscribers, so the
 * figures are the gateway's own plus the hub's ingest). Driven by run.ts over IPC; reports its own CPU time.
 */
import { pino } from 'pino';
import { Hub } from '../../src/hub/hub.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { encodeCotStream } from '../../src/codecs/cot/index.js';
import { buildPong } from '../../src/codecs/cot/negotiation.js';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { startMavlinkGateway } from '../../src/gateways/mavlink/index.js';

type Msg =
  | { cmd: 'start'; cfg: Record<string, unknown> }
  | { cmd: 'mark' }
  | { cmd: 'report' }
  | { cmd: 'totals' }
  | { cmd: 'exit' };

const send = (m: unknown) => process.send!(m);
const log = pino({ level: 'silent' });
const metrics = createMetrics({ defaults: false });
const hub = new Hub({
  hubId: 'bench',
  log,
  metrics,
  encoders: { 'cot-xml': encodeCotStream },
  queueLimit: 4096,
  sessionsPerIdentity: 3,
  pong: buildPong,
});
const expiry = setInterval(() => hub.expire(), 1000);

let latencies: number[] = [];
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let gw: Awaited<ReturnType<typeof startMavlinkGateway>> | undefined;
let stats0 = { datagrams: 0, accepted: 0, published: 0 };

process.on('message', async (m: Msg) => {
  if (m.cmd === 'start') {
    gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse(m.cfg),
      hub,
      log,
      metrics,
      observeLatency: (ms) => {
        if (latencies.length < 2_000_000) latencies.push(ms);
      },
    });
    send({ port: gw.port });
  } else if (m.cmd === 'mark') {
    const s = gw!.stats();
    stats0 = { datagrams: s.datagrams, accepted: s.frames['accepted'] ?? 0, published: s.eventsPublished };
    latencies = [];
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    send({ ok: true });
  } else if (m.cmd === 'report') {
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    const s = gw!.stats();
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    send({
      wallMs: wall,
      cpuMs: (cpu.user + cpu.system) / 1000,
      datagrams: s.datagrams - stats0.datagrams,
      accepted: (s.frames['accepted'] ?? 0) - stats0.accepted,
      published: s.eventsPublished - stats0.published,
      vehicles: s.vehicles,
      entities: hub.state.size,
      latencyMs: { n: latencies.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) },
      rejected: Object.fromEntries(Object.entries(s.frames).filter(([k]) => k !== 'accepted')),
    });
  } else if (m.cmd === 'totals') {
    send({ datagrams: gw!.stats().datagrams });
  } else if (m.cmd === 'exit') {
    clearInterval(expiry);
    await gw?.close();
    metrics.stop();
    process.exit(0);
  }
});
send({ ready: true });
