/**
 * V1: feeds of synthetic TS at a fixed bit rate into the hub's video relay, watched over WebSocket, against a raw
 * UDP -> WebSocket relay (no demux, no gate) in the same run. Each datagram starts with a null packet (PID 0x1FFF,
 * passed through by both relays) carrying the send time, so viewers measure the relay-added latency.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { startApp } from '../../src/app/index.js';
import { setPath, validateConfig } from '../../src/app/config.js';
import pino from 'pino';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RelayOptions {
  feeds: number;
  viewers: number;
  mbps: number;
  seconds: number;
  basePort: number;
}

export interface RelayResult {
  bytesPerSecond: number;
  latencyMs: { p50: number; p99: number };
  cpuSeconds: number;
}

const FIXTURE = readFileSync(new URL('../../test/fixtures/video/orbit.mpegts', import.meta.url));

/** Datagrams of 1 null packet with the time + 6 packets of the fixture, repeating. */
function datagramSource(): () => Buffer {
  const packets = FIXTURE.length / 188;
  let i = 0;
  return () => {
    const d = Buffer.alloc(7 * 188);
    d.set([0x47, 0x1f, 0xff, 0x10], 0);
    d.writeDoubleBE(performance.timeOrigin + performance.now(), 4);
    for (let k = 1; k < 7; k++) {
      FIXTURE.copy(d, k * 188, (i % packets) * 188, (i % packets) * 188 + 188);
      i++;
    }
    return d;
  };
}

function percentile(a: number[], p: number): number {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function drive(ports: number[], o: RelayOptions, viewers: WebSocket[]): Promise<RelayResult> {
  let bytes = 0;
  const lat: number[] = [];
  for (const v of viewers)
    v.on('message', (d: Buffer) => {
      bytes += d.length;
      if (d[1] === 0x1f && d[2] === 0xff && lat.length < 200_000)
        lat.push(performance.timeOrigin + performance.now() - d.readDoubleBE(4));
    });
  const sock: Socket = createSocket('udp4');
  const next = ports.map(() => datagramSource());
  const perSecond = (o.mbps * 1e6) / 8 / (7 * 188);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed >= o.seconds) {
        clearInterval(tick);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * perSecond);
      for (; sent < due; sent++) ports.forEach((p, i) => sock.send(next[i]!(), p, '127.0.0.1'));
    }, 5);
  });
  await new Promise((r) => setTimeout(r, 300));
  const cpu = process.cpuUsage(cpu0);
  sock.close();
  return {
    bytesPerSecond: bytes / o.seconds,
    latencyMs: { p50: percentile(lat, 50), p99: percentile(lat, 99) },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
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
    s.on('message', (d) => {
      for (const ws of groups.get(f)!) ws.send(d);
    });
    socks.push(s);
    ports.push(s.address().port);
  }
  const viewers = await openViewers(o, (f) => `ws://127.0.0.1:${o.basePort + 50}/${f}`, {});
  const r = await drive(ports, o, viewers);
  for (const v of viewers) v.close();
  for (const s of socks) s.close();
  wss.close();
  http.close();
  return r;
}

async function openViewers(o: RelayOptions, url: (f: number) => string, headers: Record<string, string>) {
  const out: WebSocket[] = [];
  for (let f = 0; f < o.feeds; f++)
    for (let v = 0; v < o.viewers; v++) {
      const ws = new WebSocket(url(f), { headers });
      await new Promise((r, j) => {
        ws.once('open', r);
        ws.once('error', j);
      });
      out.push(ws);
    }
  return out;
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
    const viewers = await openViewers(o, (f) => `ws://127.0.0.1:${o.basePort}/api/video/feeds/f${f}/ws`, {
      cookie,
    });
    const r = await drive(ports, o, viewers);
    for (const v of viewers) v.close();
    return r;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
