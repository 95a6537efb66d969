/**
 * `npm run bench:federation`: the federation benchmarks of issue 17 on loopback. Each hub runs in a process of its
 * own (procs.ts), as national hubs run on machines of their own; F1's clients run in one more process per hub; this
 * process holds the link shapers (test/helpers/link-shaper.ts) and the measuring clients, and does little else.
 *
 * F1  three hubs LT -> EE <- LV, N TCP clients on each at 1 Hz, all releasable to all: delivery p99 of LT's
 *     positions at LV (two links) against at LT itself; target p99 cross <= 2 x p99 single + shaped delay.
 * F2  LT -> EE cut for --cut-s while U units move and 50 chats are sent; after the reconnect: chats lost,
 *     duplicate chats shown, and the time until every unit's latest position is at EE (target 0, 0, <= 10 s).
 * F3  LT -> EE at 64 kbit/s with U moving units: emergency and chat latency (target <= 2 s) and bytes per position
 *     that cross the link.
 *
 * Flags: --only F1,F2,F3  --clients N (F1, per hub; default 1000)  --units U (F2, F3; default 1000)
 *        --seconds S (F1 window, default 30)  --cut-s C (F2, default 600)  --latency-ms L (per link, default 20)
 */
import { loadavg } from 'node:os';
import type net from 'node:net';
import { recordRun } from '../lib/results.js';
import { chatXml, driveUnits, emergencyXml, link, pct, probe, sender, sleep, waitUp } from './setup.js';
import { spawnHub, spawnLoad } from './procs.js';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? process.argv[i + 1]!.split(',') : ['F1', 'F2', 'F3'];
})();
const LAT = flag('latency-ms', 20);

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

async function f1(): Promise<Record<string, unknown>> {
  const clients = flag('clients', 1000);
  const seconds = flag('seconds', 30);
  const loadBefore = load();
  const [lt, ee, lv] = await Promise.all([
    spawnHub('lt', 'LTU'),
    spawnHub('ee', 'EST'),
    spawnHub('lv', 'LVA'),
  ]);
  const s1 = await link(ee, lt, { latencyMs: LAT });
  const s2 = await link(ee, lv, { latencyMs: LAT });
  await Promise.all([waitUp(lt, 'ee'), waitUp(lv, 'ee')]);
  const single: number[] = [];
  const cross: number[] = [];
  let measuring = false;
  const pLt = await probe(lt.tcp, (e, at) => {
    if (measuring && e.uid.startsWith('LT-')) single.push(at - e.time);
  });
  const pLv = await probe(lv.tcp, (e, at) => {
    if (measuring && e.uid.startsWith('LT-')) cross.push(at - e.time);
  });
  const loads = await Promise.all([
    spawnLoad(lt.tcp, 'LT', clients),
    spawnLoad(ee.tcp, 'EE', clients),
    spawnLoad(lv.tcp, 'LV', clients),
  ]);
  await sleep(5000); // warm-up
  measuring = true;
  const loadDuring = load();
  await sleep(seconds * 1000);
  measuring = false;
  const linkState = [];
  for (const h of [lt, ee, lv])
    for (const l of await h.links())
      linkState.push({
        at: h.hubId,
        peer: l.name,
        queued: l.queued,
        unconfirmed: l.unconfirmed,
        sent: l.sent,
        received: l.received,
        coalesced: l.coalesced,
      });
  await Promise.all(loads.map((l) => l.stop()));
  for (const s of [pLt, pLv]) s.destroy();
  await Promise.all([s1.close(), s2.close()]);
  await Promise.all([lt.stop(), ee.stop(), lv.stop()]);
  const a = pct(single);
  const b = pct(cross);
  const target = 2 * a.p99 + 2 * LAT;
  return {
    clientsPerHub: clients,
    seconds,
    processes: '3 hubs, 3 load generators (one per hub), this one (shapers, 2 probes)',
    loadAverage: { before: loadBefore, during: loadDuring, after: load() },
    singleHub: a,
    crossTwoLinks: b,
    targetP99: target,
    met: b.p99 <= target,
    linkState,
  };
}

async function f2(): Promise<Record<string, unknown>> {
  const units = flag('units', 1000);
  const cutS = flag('cut-s', 600);
  const [lt, ee] = await Promise.all([spawnHub('lt', 'LTU'), spawnHub('ee', 'EST')]);
  const shaper = await link(ee, lt, { latencyMs: LAT });
  await waitUp(lt, 'ee');
  const chats = new Map<string, number>();
  const latest = new Map<string, number>();
  const pEe = await probe(ee.tcp, (e) => {
    if (e.type === 'b-t-f') chats.set(e.uid, (chats.get(e.uid) ?? 0) + 1);
    else if (e.uid.startsWith('U-')) latest.set(e.uid, Math.max(latest.get(e.uid) ?? 0, e.time));
  });
  const socks: net.Socket[] = [];
  for (let i = 0; i < 10; i++) socks.push(await sender(lt.tcp));
  const stop = driveUnits(socks, 'U', units);
  await sleep(3000);
  shaper.cutLink();
  const cutAt = Date.now();
  for (let i = 0; i < 50; i++) {
    socks[0]!.write(chatXml(`f2-${i}`, Date.now(), `chat ${i}`));
    await sleep((cutS * 1000) / 60);
  }
  while (Date.now() - cutAt < cutS * 1000) await sleep(200);
  stop();
  const lastSent = Date.now();
  const sentLatest = lastSent; // every unit's latest report was sent at or before this
  const queued = (await lt.links())[0]!;
  shaper.restore();
  const restored = Date.now();
  let allAt: number | undefined;
  const deadline = restored + 120_000;
  while (Date.now() < deadline) {
    const fresh = [...latest.values()].filter((t) => t >= sentLatest - 1500).length;
    if (fresh >= units && chats.size >= 50) {
      allAt = Date.now();
      break;
    }
    await sleep(100);
  }
  await sleep(3000); // late duplicates would show now
  const dup = [...chats.values()].filter((n) => n > 1).length;
  const lost = 50 - [...chats.keys()].filter((k) => k.includes('.f2-')).length;
  for (const s of [...socks, pEe]) s.destroy();
  await shaper.close();
  await Promise.all([lt.stop(), ee.stop()]);
  const catchUpS = allAt ? (allAt - restored) / 1000 : undefined;
  return {
    units,
    cutSeconds: cutS,
    loadAverage: load(),
    queuedAtRestore: queued.queued,
    coalesced: queued.coalesced,
    chatsLost: lost,
    duplicateChats: dup,
    latestPositionsAfterS: catchUpS,
    met: lost === 0 && dup === 0 && catchUpS !== undefined && catchUpS <= 10,
  };
}

async function f3(): Promise<Record<string, unknown>> {
  const units = flag('units', 1000);
  const seconds = flag('seconds', 30);
  const [lt, ee] = await Promise.all([spawnHub('lt', 'LTU'), spawnHub('ee', 'EST')]);
  // The shaper is the 64 kbit/s radio; the link's own cap keeps it from queueing in the radio (priorities hold).
  const shaper = await link(ee, lt, { kbps: 64, latencyMs: LAT });
  await waitUp(lt, 'ee');
  // The cap lives on the sender's side of the link: LT's outbound peer "ee".
  const { addFederate } = await import('../../src/federation/admin.js');
  const { readPeersFile } = await import('../../src/federation/peers.js');
  const p = readPeersFile(lt.dir).find((x) => x.name === 'ee')!;
  await addFederate(lt.dir, { ...p, bandwidthKbps: 48 });
  await sleep(1500);
  await waitUp(lt, 'ee');
  const urgent: number[] = [];
  let positions = 0;
  let measuring = false;
  const pEe = await probe(ee.tcp, (e, at) => {
    if (!measuring) return;
    if (e.type === 'b-t-f' || e.type.startsWith('b-a-o')) urgent.push(at - e.time);
    else if (e.uid.startsWith('R-')) positions++;
  });
  const socks: net.Socket[] = [];
  for (let i = 0; i < 10; i++) socks.push(await sender(lt.tcp));
  const stop = driveUnits(socks, 'R', units);
  await sleep(5000);
  measuring = true;
  const bytes0 = shaper.bytes.up;
  let n = 0;
  const urgentTimer = setInterval(() => {
    const now = Date.now();
    socks[0]!.write(n % 2 ? chatXml(`f3-${n}`, now, `chat ${n}`) : emergencyXml(`F3-EM-${n}`, now));
    n++;
  }, 2000);
  await sleep(seconds * 1000);
  clearInterval(urgentTimer);
  await sleep(3000);
  measuring = false;
  const crossed = shaper.bytes.up - bytes0;
  stop();
  const st = (await lt.links())[0]!;
  for (const s of [...socks, pEe]) s.destroy();
  await shaper.close();
  await Promise.all([lt.stop(), ee.stop()]);
  const u = pct(urgent);
  return {
    units,
    seconds,
    loadAverage: load(),
    urgentSent: n,
    urgentLatencyMs: u,
    positionsDelivered: positions,
    positionsOffered: units * seconds,
    coalesced: st.coalesced,
    bytesCrossed: crossed,
    bytesPerPosition: positions ? Math.round(crossed / positions) : undefined,
    met: u.n === n && u.max <= 2000,
  };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const [name, f] of [
    ['F1', f1],
    ['F2', f2],
    ['F3', f3],
  ] as const) {
    if (!only.includes(name)) continue;
    console.error(`${name} …`);
    results[name] = await f();
    console.log(name, JSON.stringify(results[name], null, 2));
  }
  recordRun('federation', results);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
