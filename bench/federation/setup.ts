/**
 * Bench helpers: national hubs on loopback with federation (run in processes of their own by procs.ts), linked
 * through link shapers, and plain TCP clients that send positions and chats with their send time in `time` and
 * measure delivery latency where they receive.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { setPath, validateConfig, type Config } from '../../src/app/config.js';
import { startApp, type App } from '../../src/app/index.js';
import { CotFramer, decodeCot } from '../../src/codecs/cot/index.js';
import { addFederate } from '../../src/federation/admin.js';
import { ensurePki } from '../../src/trust/pki/store.js';
import type { Event } from '../../src/model/event.js';
import type { LinkStatus } from '../../src/federation/index.js';
import { LinkShaper } from '../../test/helpers/link-shaper.js';

/** What the benchmarks use of a hub, here or in another process (procs.ts RemoteHub). */
export interface HubRef {
  hubId: string;
  nation: string;
  dir: string;
  federation: number;
  links(): LinkStatus[] | Promise<LinkStatus[]>;
}

export interface BenchHub {
  app: App;
  dir: string;
  nation: string;
  stop(): Promise<void>;
}

/** The configuration of a bench hub: TCP and federation on free ports, everything else off. */
export function benchConfig(hubId: string, nation: string, dir: string): Config {
  const raw: Record<string, unknown> = {};
  const over: Record<string, unknown> = {
    hubId,
    dataDir: dir,
    'log.level': 'silent',
    'tcp.port': 0,
    'udp.enabled': false,
    'http.enabled': false,
    'tls.enabled': false,
    'web.enabled': false,
    'trust.enrollment.enabled': false,
    'trust.api.enabled': false,
    'mavlink.enabled': false,
    'local.nation': nation,
    'local.clearance': 'SECRET',
    'limits.acceptPerSecondPerAddress': 5000,
    'limits.acceptPerSecond': 5000,
    'trust.pki.hosts': ['127.0.0.1'],
    'federation.enabled': true,
    'federation.host': '127.0.0.1',
    'federation.port': 0,
    'federation.healthMs': 1000,
    'federation.reconnectMinMs': 200,
    'federation.reconnectMaxMs': 1000,
    'federation.compression': !process.argv.includes('--no-compression'),
  };
  for (const [k, v] of Object.entries(over)) setPath(raw, k.split('.'), v);
  return validateConfig(raw);
}

export async function startHub(hubId: string, nation: string): Promise<BenchHub> {
  const dir = mkdtempSync(join(tmpdir(), `bw-fedbench-${hubId}-`));
  const app = await startApp(benchConfig(hubId, nation, dir), { log: pino({ level: 'silent' }) });
  return {
    app,
    dir,
    nation,
    async stop() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `client` dials `server` through a new shaper; extra peer settings for the server's side (e.g. bandwidth). */
export async function link(
  server: HubRef,
  client: HubRef,
  shaping: ConstructorParameters<typeof LinkShaper>[1],
  serverSide: Record<string, unknown> = {},
): Promise<LinkShaper> {
  const shaper = new LinkShaper(server.federation, shaping);
  await shaper.start();
  const out = join(server.dir, 'out', client.hubId);
  // As `balticwall federation add` does next to a running hub: its PKI and peers file, which the hub watches.
  const trust = benchConfig(server.hubId, server.nation, server.dir).trust;
  const pki = await ensurePki(server.dir, trust, pino({ level: 'silent' }));
  await addFederate(
    server.dir,
    {
      name: client.hubId,
      role: 'inbound',
      nations: [client.nation],
      clearance: 'SECRET',
      ...serverSide,
    },
    { pki, out },
  );
  pki.close();
  await addFederate(client.dir, {
    name: server.hubId,
    role: 'outbound',
    host: '127.0.0.1',
    port: shaper.port,
    nations: [server.nation],
    clearance: 'SECRET',
    ca: join(out, 'ca.pem'),
    cert: join(out, `${client.hubId}.pem`),
    key: join(out, `${client.hubId}.key`),
  });
  return shaper;
}

export async function waitUp(hub: HubRef, peer: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await hub.links()).find((l) => l.name === peer)?.connected) {
    if (Date.now() > end) throw new Error(`${hub.hubId}: link to ${peer} not up`);
    await sleep(100);
  }
}

/** Send one position per uid per second, phases spread over the second, from `sockets` (uids spread over them). */
export function driveUnits(sockets: net.Socket[], prefix: string, units: number): () => void {
  let tick = 0;
  const per = Math.max(1, Math.ceil(units / 20));
  const timer = setInterval(() => {
    const slot = tick++ % 20;
    const now = Date.now();
    for (let k = 0; k < per; k++) {
      const u = slot * per + k;
      if (u >= units) break;
      sockets[u % sockets.length]!.write(
        positionXml(`${prefix}-${u}`, now, 56 + ((now / 1000) % 100) / 1000),
      );
    }
  }, 50);
  return () => clearInterval(timer);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (t: number) => new Date(t).toISOString();

export function positionXml(uid: string, t: number, lat: number): string {
  return (
    `<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="m-g" time="${iso(t)}" start="${iso(t)}" ` +
    `stale="${iso(t + 120_000)}"><point lat="${lat.toFixed(6)}" lon="24.1" hae="10" ce="5" le="5"/>` +
    `<detail><contact callsign="${uid}"/><__group name="Cyan" role="Team Member"/><track speed="3.5" course="90"/></detail></event>`
  );
}

export function chatXml(id: string, t: number, text: string): string {
  const uid = `GeoChat.BENCH.All Chat Rooms.${id}`;
  return (
    `<event version="2.0" uid="${uid}" type="b-t-f" how="h-g-i-g-o" time="${iso(t)}" start="${iso(t)}" ` +
    `stale="${iso(t + 86_400_000)}"><point lat="0" lon="0" hae="9999999" ce="9999999" le="9999999"/>` +
    `<detail><__chat chatroom="All Chat Rooms" id="All Chat Rooms" senderCallsign="BENCH"><chatgrp uid0="BENCH" ` +
    `uid1="All Chat Rooms" id="All Chat Rooms"/></__chat><remarks source="BENCH">${text}</remarks></detail></event>`
  );
}

export function emergencyXml(uid: string, t: number): string {
  return (
    `<event version="2.0" uid="${uid}" type="b-a-o-tbl" how="h-e" time="${iso(t)}" start="${iso(t)}" ` +
    `stale="${iso(t + 600_000)}"><point lat="56.9" lon="24.1" hae="0" ce="9" le="9"/>` +
    `<detail><emergency type="911 Alert">BENCH</emergency></detail></event>`
  );
}

/** A client that only sends (and discards what it is sent, as a real client reads everything). */
export async function sender(port: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  s.on('data', () => undefined);
  s.on('error', () => undefined);
  await new Promise<void>((r, j) => {
    s.once('connect', () => r());
    s.once('error', j);
  });
  return s;
}

/** A TAK ping (t-x-c-t), what a client sends to show it is there. */
function pingXml(t: number): string {
  return (
    `<event version="2.0" uid="BENCH-PROBE-ping" type="t-x-c-t" how="h-g-i-g-o" time="${iso(t)}" ` +
    `start="${iso(t)}" stale="${iso(t + 20_000)}"><point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/>` +
    `<detail/></event>`
  );
}

/**
 * A client that decodes everything it receives and hands each event to `on`, with the receive time. It pings every
 * 30 s as ATAK does: a hub closes a client silent for `limits.idleTimeoutMs` (5 min), longer than F2's cut.
 */
export async function probe(port: number, on: (e: Event, at: number) => void): Promise<net.Socket> {
  const s = await sender(port);
  const ping = setInterval(() => s.write(pingXml(Date.now())), 30_000);
  s.once('close', () => clearInterval(ping));
  s.removeAllListeners('data');
  const framer = new CotFramer({ maxEventBytes: 1 << 20 });
  s.on('data', (c: Buffer) => {
    const at = Date.now();
    for (const f of framer.push(c)) {
      if (f instanceof Error) continue;
      try {
        on(decodeCot(f), at);
      } catch {
        /* not an event we measure */
      }
    }
  });
  return s;
}

/** p50/p99/max of a sample list. */
export function pct(xs: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN);
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s.length ? s[s.length - 1]! : NaN };
}
