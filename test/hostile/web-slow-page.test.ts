/**
 * Hostile (or just slow) clients, issue 16 item 7: a web page that sees more moving entities than its queue limit
 * and reads slowly. Over a real WebSocket, 5,000 uids move at 2,500 updates/s with a chat message now and then;
 * the page-like reader processes a fixed number of characters per tick and acknowledges them (flow control, as
 * the COP does). It stays connected, holds every uid, gets every chat, and the newest position it holds for any
 * uid is never more than a few seconds old: the hub coalesces to the newest state per uid on the web path too.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, startTestApp, type TestApp } from '../helpers/app.js';

const UIDS = 5000;
const PER_TICK = 250; // every 100 ms: 2,500 updates/s
const RUN_MS = 12_000;
/** What the page processes per 50 ms: less than is offered (about 1.4 MB/s of JSON). */
const PAGE_CHARS_PER_TICK = 60_000;

const iso = (t: number) => new Date(t).toISOString();
function position(i: number, t: number): string {
  const lat = 54 + (i % 100) / 100 + ((t / 1000) % 60) / 6000;
  return (
    `<event version="2.0" uid="MOVER-${i}" type="a-f-G-U-C" how="m-g" time="${iso(t)}" start="${iso(t)}" stale="${iso(t + 600_000)}">` +
    `<point lat="${lat}" lon="${24 + Math.floor(i / 100) / 100}" hae="10" ce="5" le="5"/><detail><contact callsign="M${i}"/></detail></event>`
  );
}
function chat(n: number, t: number): string {
  return (
    `<event version="2.0" uid="GeoChat.PUB.All Chat Rooms.${n}" type="b-t-f" how="h-g-i-g-o" time="${iso(t)}" start="${iso(t)}" stale="${iso(t + 600_000)}">` +
    `<point lat="54" lon="24" hae="0" ce="9999999" le="9999999"/><detail><__chat id="All Chat Rooms" chatroom="All Chat Rooms" senderCallsign="PUB"><chatgrp uid0="PUB" id="All Chat Rooms"/></__chat>` +
    `<link uid="PUB" type="a-f-G-U-C" relation="p-p"/><remarks source="BAO.F.ATAK.PUB" time="${iso(t)}">message ${n}</remarks></detail></event>`
  );
}

describe('hostile: a slow web page under 5,000 moving uids', { timeout: 90_000 }, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      'web.devMode': true,
      'limits.ratePerClient': 100_000,
      'limits.burstPerClient': 100_000,
    });
  });
  afterAll(async () => app.stop());

  it('stays connected, holds every uid, gets every chat, and its oldest position stays a few seconds old', async () => {
    const url = `http://127.0.0.1:${app.ports.http}`;
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'slow-page', password: '', nation: 'LTU', clearance: 'SECRET' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    // The page: frames wait in its backlog; every 50 ms it processes a fixed number of characters and says so.
    const ws = new WebSocket(url.replace('http', 'ws') + '/api/live', { headers: { cookie } });
    const backlog: string[] = [];
    let closed: number | undefined;
    ws.on('message', (d) => backlog.push(d.toString()));
    ws.on('close', (code) => (closed = code));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ t: 'flow', received: 0 }));
    const held = new Map<string, number>();
    const chats = new Set<string>();
    let processed = 0;
    let current: { lines: string[]; length: number } | undefined;
    const page = setInterval(() => {
      let budget = PAGE_CHARS_PER_TICK;
      while (budget > 0) {
        if (!current || current.lines.length === 0) {
          if (current) processed += current.length; // a frame is acknowledged once all of it is processed
          const frame = backlog.shift();
          current = frame === undefined ? undefined : { lines: frame.split('\n'), length: frame.length };
          if (!current) break;
        }
        const line = current.lines.shift()!;
        budget -= line.length + 1;
        if (!line) continue;
        const m = JSON.parse(line) as { t: string; e?: { uid: string; time: number }; m?: { uid: string } };
        if (m.t === 'chat' && m.m) chats.add(m.m.uid);
        if (m.t !== 'entity' || !m.e?.uid.startsWith('MOVER-')) continue;
        held.set(m.e.uid, Math.max(held.get(m.e.uid) ?? 0, m.e.time));
      }
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'flow', received: processed }));
    }, 50);

    // Once the page holds every uid: how old is the newest position it holds for its most behind uid?
    const sampler = setInterval(() => {
      if (held.size < UIDS) return;
      const now = Date.now();
      let oldest = now;
      for (const t of held.values()) oldest = Math.min(oldest, t);
      worst.push(now - oldest);
    }, 250);
    const pub = await CotClient.connect(app.ports.tcp!);
    const started = Date.now();
    let next = 0;
    let chatsSent = 0;
    const worst: number[] = [];
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const now = Date.now();
        let xml = '';
        for (let k = 0; k < PER_TICK; k++) xml += position(next++ % UIDS, now);
        if (next % 1250 === 0) xml += chat(chatsSent++, now);
        pub.send(xml);
        if (now - started >= RUN_MS) {
          clearInterval(tick);
          resolve();
        }
      }, 100);
    });
    // Let the page catch up with what is queued.
    const until = Date.now() + 15_000;
    while (chats.size < chatsSent && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    clearInterval(page);
    clearInterval(sampler);
    pub.close();
    ws.close();

    expect(closed, 'the page was not disconnected').toBeUndefined();
    expect(held.size).toBe(UIDS);
    expect(chats.size).toBe(chatsSent);
    expect(chatsSent).toBeGreaterThan(5);
    expect(worst.length).toBeGreaterThan(10);
    // A position is at most one pass of the page over its queue plus one update period old (about 4 s here on an
    // idle machine), never a growing backlog.
    expect(Math.max(...worst)).toBeLessThan(10_000);
  });
});
