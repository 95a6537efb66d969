/**
 * `npm run bench:mavlink`: 1,000 simulated drones at 10 Hz (10,000 GLOBAL_POSITION_INT/s plus 1,000 HEARTBEAT/s)
 * sent over UDP to the gateway running in a separate process. Reports the gateway process's CPU (as % of one core),
 * the datagram-to-hub latency, and whether every datagram arrived. Target: <= 30 % of one core.
 *
 *   npm run bench:mavlink -- [--drones 1000] [--hz 10] [--seconds 8] [--signed]
 */
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { encodeFrame, signingKeyBytes, signingTimestampNow } from '../../src/gateways/mavlink/index.js';
import { globalPositionInt, heartbeat } from '../../src/sim/drone-messages.js';
import { machineBusyPercent, machineLoad, readMachineCpu, waitForQuiet } from '../lib/proc.js';
import { recordRun } from '../lib/results.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const DRONES = arg('drones', 1000);
const HZ = arg('hz', 10);
const SECONDS = arg('seconds', 8);
const WARMUP_S = 2;
const SIGNED = process.argv.includes('--signed');
const PASSPHRASE = 'bench';
/** `--wait-idle 40`: before each run, wait (up to 10 min) until the machine is at most 40 % busy. */
const WAIT_IDLE = process.argv.includes('--wait-idle') ? arg('wait-idle', 40) : undefined;

type Report = {
  wallMs: number;
  cpuMs: number;
  datagrams: number;
  accepted: number;
  published: number;
  vehicles: number;
  entities: number;
  latencyMs: { n: number; p50: number; p90: number; p99: number; max: number };
  rejected: Record<string, number>;
};

async function runOnce(label: string, cfg: Record<string, unknown>) {
  if (WAIT_IDLE !== undefined) {
    const busy = await waitForQuiet(WAIT_IDLE, 600_000, (b) => console.log(`machine ${b} % busy, waiting…`));
    console.log(`machine ${Math.round(busy)} % busy before the run`);
  }
  const child = fork(fileURLToPath(new URL('./gateway-proc.ts', import.meta.url)), [], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () => new Promise<Record<string, unknown>>((r) => child.once('message', (m) => r(m as never)));
  await next(); // ready
  child.send({ cmd: 'start', cfg: { port: 0, maxVehicles: DRONES + 10, ...cfg } });
  const { port } = (await next()) as { port: number };

  const sock = createSocket('udp4');
  sock.on('error', () => {});
  const key = SIGNED ? signingKeyBytes({ passphrase: PASSPHRASE }) : undefined;
  let ts = 0;
  const seqs = new Uint8Array(DRONES);
  let sent = 0;
  let sendErrors = 0;
  const onSent = (err: Error | null) => {
    if (err) sendErrors++;
  };
  const frame = (i: number, msg: Parameters<typeof encodeFrame>[0]) => {
    const sysid = (i % 255) + 1;
    const compid = 1 + Math.floor(i / 255);
    const seq = seqs[i]!++;
    if (!key) return encodeFrame(msg, { sysid, compid, seq });
    ts = Math.max(ts + 1, signingTimestampNow());
    return encodeFrame(msg, { sysid, compid, seq, sign: { key, linkId: 0, timestamp: ts } });
  };
  const start = Date.now();
  const hb = heartbeat(2);
  // A schedule, not a tick count: timers drift, so each tick sends whatever is due by the clock. Drone i sends
  // position i-th in every round of DRONES messages; a heartbeat goes with every HZ-th round.
  let due = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const target = Math.floor(((now - start) / 1000) * DRONES * HZ);
    for (; due < target; due++) {
      const i = due % DRONES;
      const round = Math.floor(due / DRONES);
      const t = (now - start) / 1000;
      const a = (t / 60) * 2 * Math.PI + i;
      const gp = globalPositionInt({
        lat: 54.4 + (i % 40) * 0.01 + 0.002 * Math.cos(a),
        lon: 23.2 + Math.floor(i / 40) * 0.01 + 0.003 * Math.sin(a),
        altMsl: 220,
        relativeAlt: 120,
        vn: -12 * Math.sin(a),
        ve: 12 * Math.cos(a),
        vd: 0,
        heading: 0,
        timeBootMs: now - start,
      });
      sock.send(frame(i, gp), port, '127.0.0.1', onSent);
      sent++;
      if (round % HZ === 0) {
        sock.send(frame(i, hb), port, '127.0.0.1', onSent);
        sent++;
      }
    }
  }, 5);

  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  child.send({ cmd: 'mark' });
  await next();
  const sent0 = sent;
  const senderCpu0 = process.cpuUsage();
  const machine0 = readMachineCpu();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  child.send({ cmd: 'report' });
  const rep = (await next()) as unknown as Report;
  const senderCpu = process.cpuUsage(senderCpu0);
  const machine1 = readMachineCpu();
  const machineBusy = machine0 && machine1 ? machineBusyPercent(machine0, machine1, machineLoad().cpus) : NaN;
  const sentInWindow = sent - sent0;
  clearInterval(timer);
  await new Promise((r) => setTimeout(r, 300));
  child.send({ cmd: 'totals' });
  const totals = (await next()) as { datagrams: number };
  sock.close();
  child.send({ cmd: 'exit' });
  await new Promise((r) => child.once('exit', r));

  const cpuPct = (rep.cpuMs / rep.wallMs) * 100;
  const rate = (rep.datagrams / rep.wallMs) * 1000;
  console.log(`\n== ${label}`);
  console.log(
    `drones ${DRONES} at ${HZ} Hz${SIGNED ? ', signed' : ''}; window ${(rep.wallMs / 1000).toFixed(1)} s; ` +
      `machine ${machineBusy.toFixed(0)} % busy (all processes, ${machineLoad().cpus} cores)`,
  );
  console.log(
    `sent ${sentInWindow} datagrams, gateway received ${rep.datagrams} (${rate.toFixed(0)}/s), accepted ${rep.accepted}`,
  );
  console.log(
    `events published into the hub: ${rep.published} (${((rep.published / rep.wallMs) * 1000).toFixed(0)}/s), entities ${rep.entities}`,
  );
  console.log(`gateway process CPU: ${cpuPct.toFixed(1)} % of one core (target <= 30 %)`);
  const l = rep.latencyMs;
  console.log(
    `datagram -> hub latency (ms, n=${l.n}): p50 ${l.p50.toFixed(3)}  p90 ${l.p90.toFixed(3)}  p99 ${l.p99.toFixed(3)}  max ${l.max.toFixed(3)}`,
  );
  console.log(
    `sender CPU: ${(((senderCpu.user + senderCpu.system) / 1000 / rep.wallMs) * 100).toFixed(1)} % of one core`,
  );
  console.log(
    `whole run: sent ${sent} datagrams, gateway received ${totals.datagrams} (lost ${sent - totals.datagrams}, of which ${sendErrors} failed in the sender)`,
  );
  if (Object.keys(rep.rejected).length) console.log('not accepted:', rep.rejected);
  return { label, cpuPct, machineBusyPercent: machineBusy, sent: sentInWindow, rep };
}

const signing = SIGNED ? { signing: { requireSigning: true, keys: [{ passphrase: PASSPHRASE }] } } : {};
const runs = [
  await runOnce('default config (publish at most 5 Hz per vehicle; faster telemetry coalesced)', {
    ...signing,
  }),
  await runOnce('every message published (maxRateHz 20)', { maxRateHz: 20, ...signing }),
];
recordRun('mavlink', { drones: DRONES, hz: HZ, signed: SIGNED, seconds: SECONDS, runs });
