/**
 * V1: feeds of synthetic TS at a fixed bit rate into the hub's video relay, watched over WebSocket, against a raw
 * UDP -> WebSocket relay (no demux, no gate) in the same run. The sender and the viewers run in child processes
 * (load.ts); each datagram carries its send time, so viewers measure the send-to-receive latency of each relay.
 */
import { fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import type { ViewerReport } from './load.js';
import { startApp } from '../../src/app/index.js';
import { setPath, validateConfig } from '../../src/app/config.js';
import pino from 'pino';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RelayOptions {
  feeds: number;
  viewers: number;
  mbps: number;
  seconds: number;
  basePort: number;
  /** Processes the viewers are spread over. */
  viewerProcs: number;
}

export interface RelayResult {
  bytesPerSecond: number;
  /** Send to receive, all viewers: p50 and p95 weighted over the viewer processes, p99 the worst process's. */
  latencyMs: { p50: number; p95: number; p99: number };
  /** CPU time of the relay's process (nothing else runs in it). */
  cpuSeconds: number;
  datagramsSent: number;
  /** Bytes of the viewer that got least / of the one that got most. */
  fairness: number;
  /** Viewers whose WebSocket closed during the run. */
  closed: number;
}

interface Child {
  send(m: unknown): void;
  next(): Promise<Record<string, unknown>>;
  kill(): void;
}

/** A load process (bench/video/load.ts) run with tsx, talked to over IPC. */
async function child(): Promise<Child> {
  const p = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  p.on('message', (m) => {
    const w = waiting.shift();
    if (w) w(m as Record<string, unknown>);
    else inbox.push(m as Record<string, unknown>);
  });
  const c: Child = {
    send: (m) => p.send(m as never),
    next: () => new Promise((r) => (inbox.length ? r(inbox.shift()!) : waiting.push(r))),
    kill: () => p.kill(),
  };
  await c.next(); // started
  return c;
}

/**
 * Viewers in `o.viewerProcs` processes and one sender process: the relay's process runs nothing else, so its CPU
 * time is the relay's own.
 */
async function drive(
  ports: number[],
  o: RelayOptions,
  url: (f: number) => string,
  headers: Record<string, string>,
) {
  const urls = Array.from({ length: o.feeds * o.viewers }, (_, k) => url(k % o.feeds));
  const procs = Math.max(1, Math.min(o.viewerProcs, urls.length));
  const viewers = await Promise.all(Array.from({ length: procs }, () => child()));
  const sender = await child();
  try {
    viewers.forEach((v, i) =>
      v.send({ cmd: 'watch', job: { urls: urls.filter((_, k) => k % procs === i), headers } }),
    );
    for (const v of viewers) {
      const m = await v.next();
      if (m.error) throw new Error(`viewers: ${String(m.error)}`);
    }
    const cpu0 = process.cpuUsage();
    sender.send({ cmd: 'send', job: { ports, mbps: o.mbps, seconds: o.seconds } });
    const done = (await sender.next()).done as { datagrams: number; cpuSeconds: number };
    await new Promise((r) => setTimeout(r, 300));
    const cpu = process.cpuUsage(cpu0);
    const reports: ViewerReport[] = [];
    for (const v of viewers) {
      v.send({ cmd: 'report' });
      reports.push((await v.next()).report as ViewerReport);
    }
    const bytes = reports.reduce((a, r) => a + r.bytes, 0);
    // Latency percentiles of all viewers: weighted by each process's sample count (processes see the same mix).
    const pick = (k: 'p50' | 'p95' | 'p99') =>
      reports.reduce((a, r) => a + r.latencyMs[k] * r.latencyMs.n, 0) /
      reports.reduce((a, r) => a + r.latencyMs.n, 0);
    return {
      bytesPerSecond: bytes / o.seconds,
      latencyMs: {
        p50: pick('p50'),
        p95: pick('p95'),
        p99: Math.max(...reports.map((r) => r.latencyMs.p99)),
      },
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      datagramsSent: done.datagrams,
      fairness: Math.min(...reports.map((r) => r.minBytes)) / Math.max(...reports.map((r) => r.maxBytes)),
      closed: reports.reduce((a, r) => a + r.closed, 0),
    };
  } finally {
    for (const c of [...viewers, sender]) c.kill();
  }
}

/** The raw relay: a UDP socket per feed, each datagram sent to the feed's WebSocket clients. */
export async function runBaseline(o: RelayOptions): Promise<RelayResult> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const groups = new Map<number, Set<WebSocket>>();
  wss.on('connection', (ws, req) => {
    const feed = Number(req.url!.slice(1));
    groups.get(feed)?.add(ws);
  });
  await new Promise<void>((r) => http.listen(o.basePort + 50, '127.0.0.1', () => r()));
  const socks: Socket[] = [];
  const ports: number[] = [];
  for (let f = 0; f < o.feeds; f++) {
    groups.set(f, new Set());
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    // The hub's default receive buffer (video.recvBufferBytes), so both relays queue (or drop) alike when starved.
    s.setRecvBufferSize(4 * 1024 * 1024);
    s.on('message', (d) => {
      for (const ws of groups.get(f)!) ws.send(d);
    });
    socks.push(s);
    ports.push(s.address().port);
  }
  const r = await drive(ports, o, (f) => `ws://127.0.0.1:${o.basePort + 50}/${f}`, {});
  for (const s of socks) s.close();
  wss.close();
  http.close();
  return r;
}

/** The hub: feeds on UDP, viewers signed in over the web API's WebSocket. */
export async function runHub(o: RelayOptions): Promise<RelayResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-video-'));
  const raw: Record<string, unknown> = {};
  const feeds = Array.from({ length: o.feeds }, (_, f) => ({ id: `f${f}`, url: `udp://127.0.0.1:0` }));
  const set = {
    dataDir: dir,
    'tcp.enabled': false,
    'udp.enabled': false,
    'tls.enabled': false,
    'http.port': o.basePort,
    'trust.enrollment.enabled': false,
    'trust.api.enabled': false,
    'mavlink.enabled': false,
    'web.devMode': true,
    'video.feeds': feeds,
    'video.maxViewersPerFeed': Math.max(100, o.viewers),
  };
  for (const [k, v] of Object.entries(set)) setPath(raw, k.split('.'), v);
  const app = await startApp(validateConfig(raw), { log: pino({ level: 'silent' }) });
  try {
    const login = await fetch(`http://127.0.0.1:${o.basePort}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'bench', password: '', nation: 'LTU', clearance: 'SECRET' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const ports = feeds.map((f) => app.video!.portOf(f.id)!);
    return await drive(ports, o, (f) => `ws://127.0.0.1:${o.basePort}/api/video/feeds/f${f}/ws`, { cookie });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
