/**
 * V1's load, run in child processes so the relay under test has its process (and its CPU figure) to itself:
 * - `sender`: datagrams of synthetic TS at a fixed bit rate to each feed's UDP port. Each datagram starts with a
 *   null packet (PID 0x1FFF, passed through by both relays) carrying the send time (ms since the epoch, high
 *   resolution), followed by six packets of the fixture;
 * - `viewers`: WebSocket viewers that count the bytes they receive and the send-to-receive latency.
 * The parent talks to a child over IPC: it sends `{ cmd: 'start', ... }`, the child answers `{ ready }` and, for the
 * viewers, `{ report }` when asked.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

const FIXTURE = readFileSync(new URL('../../test/fixtures/video/orbit.mpegts', import.meta.url));
export const DATAGRAM_PACKETS = 7;
const now = () => performance.timeOrigin + performance.now();

/** Datagrams of 1 null packet with the time + 6 packets of the fixture, repeating. */
function datagramSource(): () => Buffer {
  const packets = FIXTURE.length / 188;
  let i = 0;
  return () => {
    const d = Buffer.alloc(DATAGRAM_PACKETS * 188);
    d.set([0x47, 0x1f, 0xff, 0x10], 0);
    d.writeDoubleBE(now(), 4);
    for (let k = 1; k < DATAGRAM_PACKETS; k++) {
      FIXTURE.copy(d, k * 188, (i % packets) * 188, (i % packets) * 188 + 188);
      i++;
    }
    return d;
  };
}

export interface SenderJob {
  ports: number[];
  mbps: number;
  seconds: number;
}

async function send(job: SenderJob): Promise<{ datagrams: number; cpuSeconds: number }> {
  const sock = createSocket('udp4');
  const next = job.ports.map(() => datagramSource());
  const perSecond = (job.mbps * 1e6) / 8 / (DATAGRAM_PACKETS * 188);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed >= job.seconds) {
        clearInterval(tick);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * perSecond);
      for (; sent < due; sent++) job.ports.forEach((p, i) => sock.send(next[i]!(), p, '127.0.0.1'));
    }, 2);
  });
  const cpu = process.cpuUsage(cpu0);
  sock.close();
  return { datagrams: sent * job.ports.length, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export interface ViewerJob {
  urls: string[];
  headers: Record<string, string>;
}

export interface ViewerReport {
  bytes: number;
  /** Bytes received by the viewer that got the least and the most. */
  minBytes: number;
  maxBytes: number;
  latencyMs: { n: number; p50: number; p95: number; p99: number };
  closed: number;
}

function percentile(s: Float64Array, p: number): number {
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function watch(job: ViewerJob): Promise<() => ViewerReport> {
  const per = new Float64Array(job.urls.length);
  const lat = new Float64Array(2_000_000);
  let n = 0;
  let closed = 0;
  let counting = false;
  await Promise.all(
    job.urls.map(
      (url, i) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url, { headers: job.headers });
          ws.once('open', resolve);
          ws.once('error', reject);
          ws.on('close', () => closed++);
          ws.on('message', (d: Buffer) => {
            if (!counting) return;
            per[i]! += d.length;
            if (d[1] === 0x1f && d[2] === 0xff && n < lat.length) lat[n++] = now() - d.readDoubleBE(4);
          });
        }),
    ),
  );
  counting = true;
  return () => {
    const s = lat.slice(0, n).sort();
    return {
      bytes: per.reduce((a, b) => a + b, 0),
      minBytes: Math.min(...per),
      maxBytes: Math.max(...per),
      latencyMs: { n, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) },
      closed,
    };
  };
}

type Command =
  { cmd: 'send'; job: SenderJob } | { cmd: 'watch'; job: ViewerJob } | { cmd: 'report' } | { cmd: 'exit' };

if (process.send) {
  let report: (() => ViewerReport) | undefined;
  process.on('message', (m: Command) => {
    if (m.cmd === 'send') void send(m.job).then((r) => process.send!({ done: r }));
    else if (m.cmd === 'watch')
      watch(m.job).then(
        (r) => {
          report = r;
          process.send!({ ready: true });
        },
        (e: Error) => process.send!({ error: e.message }),
      );
    else if (m.cmd === 'report') process.send!({ report: report?.() });
    else process.exit(0);
  });
  process.send({ started: true });
}
