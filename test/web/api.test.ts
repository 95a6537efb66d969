/**
 * The web API without a browser: sign-in, the REST picture with filters, the OpenAPI document, and the live
 * WebSocket (hello, picture, deltas, deletes, refusals with codes, rate limit, gating) driven by a raw client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/transports/web/protocol.js';
import { CotClient, counter } from '../helpers/app.js';
import { startWeb, type WebHarness } from './harness.js';

const iso = (ms: number) => new Date(ms).toISOString();
function cot(uid: string, type: string, lat: number, lon: number, attrs = '', detail = ''): string {
  const now = Date.now();
  return (
    `<event version="2.0" uid="${uid}" type="${type}" how="m-g" time="${iso(now)}" start="${iso(now)}" stale="${iso(now + 600_000)}"${attrs}>` +
    `<point lat="${lat}" lon="${lon}" hae="10" ce="5" le="5"/><detail><contact callsign="${uid}"/>${detail}</detail></event>`
  );
}

class LiveClient {
  readonly messages: ServerMessage[] = [];
  closeCode: number | undefined;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      for (const line of d.toString().split('\n'))
        if (line) this.messages.push(JSON.parse(line) as ServerMessage);
    });
    ws.on('close', (code) => (this.closeCode = code));
  }
  static open(url: string, cookie?: string, origin?: string): Promise<LiveClient> {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (origin) headers.origin = origin;
    const ws = new WebSocket(url.replace('http', 'ws') + '/api/live', { headers });
    const c = new LiveClient(ws);
    return new Promise((resolve) => {
      ws.once('open', () => resolve(c));
      ws.once('close', () => resolve(c));
    });
  }
  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }
  async wait<T extends ServerMessage['t']>(
    t: T,
    pred: (m: Extract<ServerMessage, { t: T }>) => boolean = () => true,
    ms = 5000,
  ) {
    const end = Date.now() + ms;
    for (;;) {
      const m = this.messages.find((x) => x.t === t && pred(x as Extract<ServerMessage, { t: T }>));
      if (m) return m as Extract<ServerMessage, { t: T }>;
      if (Date.now() > end) throw new Error(`no ${t}; got ${this.messages.map((x) => x.t).join(',')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async waitClosed(ms = 5000): Promise<number> {
    const end = Date.now() + ms;
    while (this.closeCode === undefined) {
      if (Date.now() > end) throw new Error('not closed');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closeCode;
  }
}

describe('web API', () => {
  let web: WebHarness;
  let tak: CotClient;
  const cookies: Record<string, string> = {};

  async function login(user: string, nation: string, clearance = 'SECRET'): Promise<string> {
    const r = await fetch(`${web.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, password: '', nation, clearance }),
    });
    expect(r.status).toBe(200);
    const c = r.headers.get('set-cookie')!;
    expect(c).toMatch(/HttpOnly/i);
    expect(c).toMatch(/SameSite=Strict/i);
    return c.split(';')[0]!;
  }

  beforeAll(async () => {
    web = await startWeb({ devMode: true, page: false }); // no browser here: the static app is not needed
    tak = await CotClient.connect(web.app.ports.tcp!);
    cookies.ltu = await login('lt-officer', 'LTU');
    cookies.lva = await login('lv-officer', 'LVA');
    cookies.low = await login('lt-clerk', 'LTU', 'UNCLASSIFIED');
    tak.send(cot('H-1', 'a-h-G-U-C-I', 54.7, 25.3));
    tak.send(cot('F-LVA', 'a-f-G-U-C', 56.9, 24.1, ' releasableTo="LVA"'));
    tak.send(cot('F-SECRET', 'a-f-A-M-F-Q', 55.0, 24.0, ' access="NATO SECRET"'));
    tak.send(cot('N-FAR', 'a-n-S', 40.0, 5.0));
    // Until the hub holds all four (a fixed pause was too short once on a busy CI machine).
    const end = Date.now() + 20_000;
    while (!['H-1', 'F-LVA', 'F-SECRET', 'N-FAR'].every((u) => web.app.hub.state.get(u))) {
      if (Date.now() > end) throw new Error('the hub did not take the four test entities');
      await new Promise((r) => setTimeout(r, 20));
    }
  }, 60_000);

  afterAll(async () => {
    tak?.close();
    await web?.stop();
  });

  it('refuses what needs a sign-in, with a code', async () => {
    for (const path of ['/api/session', '/api/picture']) {
      const r = await fetch(web.url + path);
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ code: 'BW_WEB_AUTH_REQUIRED' });
    }
    const bad = await fetch(`${web.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bad.status).toBe(400);
    const c = await fetch(web.url + '/api/config');
    expect(await c.json()).toMatchObject({ devMode: true });
    const s = await fetch(web.url + '/api/session', { headers: { cookie: cookies.ltu! } });
    expect(await s.json()).toMatchObject({
      id: 'lt-officer',
      nation: 'LTU',
      clearance: 'SECRET',
      devMode: true,
    });
  });

  it('serves the picture as GeoJSON, gated and filtered', async () => {
    const get = async (q: string, who = 'ltu') => {
      const r = await fetch(`${web.url}/api/picture${q}`, { headers: { cookie: cookies[who]! } });
      return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const all = await get('');
    expect(all.type).toMatch(/application\/geo\+json/);
    const ids = (b: { features: { id: string }[] }) => b.features.map((f) => f.id).sort();
    expect(ids(all.body)).toEqual(['F-SECRET', 'H-1', 'N-FAR']);
    expect(ids((await get('', 'lva')).body)).toEqual(['F-LVA', 'F-SECRET', 'H-1', 'N-FAR']);
    expect(ids((await get('', 'low')).body)).toEqual(['H-1', 'N-FAR']);
    expect(ids((await get('?bbox=20,53,28,60')).body)).toEqual(['F-SECRET', 'H-1']);
    expect(ids((await get('?type=a-h')).body)).toEqual(['H-1']);
    expect(ids((await get('?type=a-n,a-h&bbox=0,30,30,60')).body)).toEqual(['H-1', 'N-FAR']);
    expect(ids((await get('?nation=POL')).body)).toEqual([]);
    const h = all.body.features.find((f: { id: string }) => f.id === 'H-1');
    expect(h.geometry).toEqual({ type: 'Point', coordinates: [25.3, 54.7, 10] });
    expect(h.properties).toMatchObject({
      sidc: 'SHGPUCI--------',
      affiliation: 'hostile',
      classification: 'UNCLASSIFIED',
    });
    expect(h.properties.detail).toBeUndefined();
    expect((await get('?detail=true')).body.features[0].properties.detail.length).toBeGreaterThan(0);
    for (const q of ['?bbox=1,2,3', '?bbox=30,0,20,10', '?type=<x>', '?nation=lt', '?limit=0']) {
      const r = await get(q);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('BW_WEB_BAD_QUERY');
    }
    const doc = await (await fetch(web.url + '/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/picture');
  });

  it('live: hello, then the gated picture, then deltas and deletes', async () => {
    const before = web.app.hub.gate.checks;
    const c = await LiveClient.open(web.url, cookies.lva);
    const hello = await c.wait('hello');
    expect(hello.session).toMatchObject({
      uid: 'BW-WEB.lv-officer',
      identity: { nation: 'LVA' },
      devMode: true,
    });
    await c.wait('entity', (m) => m.e.uid === 'F-LVA');
    await c.wait('entity', (m) => m.e.uid === 'H-1');
    expect(web.app.hub.gate.checks).toBeGreaterThan(before);
    tak.send(cot('H-2', 'a-h-A', 55.1, 24.2, '', '<track course="270" speed="120"/>'));
    const e = await c.wait('entity', (m) => m.e.uid === 'H-2');
    expect(e.e).toMatchObject({ sidc: 'SHAP-----------', course: 270, speed: 120 });
    tak.send(cot('DEL-1', 't-x-d-d', 0, 0, '', '<link uid="H-2" relation="none" type="none"/>'));
    await c.wait('expired', (m) => m.uids.includes('H-2') && m.reason === 'deleted');
    // Not releasable to LTU: an LTU socket never gets it, live or in the picture.
    const lt = await LiveClient.open(web.url, cookies.ltu);
    await lt.wait('entity', (m) => m.e.uid === 'H-1');
    tak.send(cot('F-LVA-2', 'a-f-G', 57.0, 24.0, ' releasableTo="LVA"'));
    // One connection's events reach a page in order: once the later F-ALL-2 is there, F-LVA-2 would be too.
    tak.send(cot('F-ALL-2', 'a-f-G', 57.1, 24.0));
    await c.wait('entity', (m) => m.e.uid === 'F-LVA-2');
    await lt.wait('entity', (m) => m.e.uid === 'F-ALL-2');
    expect(lt.messages.some((m) => m.t === 'entity' && m.e.uid.startsWith('F-LVA'))).toBe(false);
    c.ws.close();
    lt.ws.close();
  });

  it('live: markers and deletes from the page reach TAK clients; others are refused with codes', async () => {
    const c = await LiveClient.open(web.url, cookies.ltu);
    await c.wait('hello');
    c.send({ t: 'marker', ref: 'r1', lat: 54.9, lon: 23.9, callsign: 'CHECKPOINT 3', remarks: 'bridge' });
    const ack = await c.wait('ack', (m) => m.ref === 'r1');
    // Acknowledged means saved: the row is in the store now, not at the next write-behind flush.
    const row = web.app.store.db.prepare('SELECT uid FROM latest WHERE uid = ?');
    expect(row.get(ack.uid)).toEqual({ uid: ack.uid });
    const m = await tak.waitUid(ack.uid);
    expect(m).toMatchObject({ type: 'b-m-p-s-m' });
    expect(m.detail.contact?.callsign).toBe('CHECKPOINT 3');
    c.send({ t: 'delete', ref: 'r2', uid: ack.uid });
    await c.wait('ack', (x) => x.ref === 'r2');
    expect(row.get(ack.uid)).toBeUndefined();
    await tak.waitFor(
      (es) => es.some((e) => e.type === 't-x-d-d' && e.detail.links?.[0]?.uid === ack.uid),
      5000,
      'delete',
    );
    // A change the store cannot take is refused, not acknowledged (the write fails on the store's writer thread).
    web.app.store.db.exec(
      `CREATE TRIGGER no_writes BEFORE INSERT ON latest BEGIN SELECT RAISE(ABORT, 'disk full'); END;`,
    );
    c.send({ t: 'marker', ref: 'r5', lat: 54.8, lon: 23.8, callsign: 'NOT SAVED' });
    expect(await c.wait('error', (x) => x.ref === 'r5')).toMatchObject({ code: 'BW_WEB_NOT_SAVED' });
    web.app.store.db.exec('DROP TRIGGER no_writes');
    expect(await counter(web.app, 'bw_store_writes_total', { result: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(await counter(web.app, 'bw_store_writer_thread')).toBe(1);
    c.send({ t: 'delete', ref: 'r3', uid: 'H-1' });
    expect(await c.wait('error', (x) => x.ref === 'r3')).toMatchObject({ code: 'BW_WEB_NOT_OWNER' });
    c.send({ t: 'marker', ref: 'r4', lat: 99, lon: 0, callsign: 'x' });
    expect(await c.wait('error', (x) => x.ref === 'r4')).toMatchObject({
      code: 'BW_WEB_BAD_MESSAGE',
      message: expect.stringContaining('lat'),
    });
    c.ws.send('not json');
    await c.wait('error', (x) => x.message.includes('not JSON'));
    expect(
      await counter(web.app, 'bw_rejected_total', { code: 'BW_WEB_BAD_MESSAGE' }),
    ).toBeGreaterThanOrEqual(2);
    // Flood: the token bucket (20/s, burst 100) answers BW_WEB_TOO_FAST and the socket stays open.
    for (let i = 0; i < 150; i++) c.send({ t: 'presence', lat: 54, lon: 25 });
    await c.wait('error', (x) => x.code === 'BW_WEB_TOO_FAST');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('live: a marker carries the label the page chose, checked at ingress like a TAK client’s', async () => {
    const lt = await LiveClient.open(web.url, cookies.ltu);
    const lt2 = await LiveClient.open(web.url, cookies.ltu); // another LTU page (nothing goes back to its sender)
    const lv = await LiveClient.open(web.url, cookies.lva);
    for (const c of [lt, lt2, lv]) await c.wait('hello');
    const labelled = {
      t: 'marker',
      lat: 54.8,
      lon: 24.1,
      callsign: 'OP LT ONLY',
      classification: 'RESTRICTED',
      releasableTo: ['LTU'],
    };
    lt.send({ ...labelled, ref: 'l1' });
    const ack = await lt.wait('ack', (m) => m.ref === 'l1');
    // The hub's state holds the checked label; TAK clients get it in the CoT attributes and the 4774 element.
    const held = web.app.hub.state.get(ack.uid)!.event;
    expect(held.label.classification).toBe('RESTRICTED');
    expect(held.releasableTo).toBe('LTU');
    expect(held.access).toBe('NATO RESTRICTED');
    // The page of the same nation sees it; the Latvian page never does, live or over REST.
    await lt2.wait('entity', (m) => m.e.uid === ack.uid);
    // The page that dropped it draws it too (the hub echoes its own marker, labelled, through the gate).
    expect((await lt.wait('entity', (m) => m.e.uid === ack.uid)).e.label?.classification).toBe('RESTRICTED');
    lv.send({ t: 'marker', ref: 'l2', lat: 56.9, lon: 24.1, callsign: 'OP LV' });
    const ack2 = await lv.wait('ack', (m) => m.ref === 'l2');
    // The echo of its own later marker comes through the same queue: had the earlier one been let through, it
    // would be there before it.
    await lv.wait('entity', (m) => m.e.uid === ack2.uid);
    expect(lv.messages.some((m) => m.t === 'entity' && m.e.uid === ack.uid)).toBe(false);
    const rest = await fetch(`${web.url}/api/picture`, { headers: { cookie: cookies.lva! } });
    expect(JSON.stringify(await rest.json())).not.toContain(ack.uid);
    // Releasable only to others: the sender could not see it, so it is refused before it is made.
    lt.send({ ...labelled, ref: 'l3', releasableTo: ['LVA'] });
    expect(await lt.wait('error', (m) => m.ref === 'l3')).toMatchObject({
      code: 'BW_WEB_BAD_MESSAGE',
      message: expect.stringContaining('LTU'),
    });
    // Above the user's clearance: the ingress policy's ceiling refuses it, with its code.
    const clerk = await LiveClient.open(web.url, cookies.low);
    await clerk.wait('hello');
    clerk.send({ ...labelled, ref: 'l4' });
    expect(await clerk.wait('error', (m) => m.ref === 'l4')).toMatchObject({
      code: 'BW_LABEL_ABOVE_CEILING',
    });
    clerk.send({ ...labelled, ref: 'l5', classification: 'COSMIC' });
    expect(await clerk.wait('error', (m) => m.ref === 'l5')).toMatchObject({ code: 'BW_WEB_BAD_MESSAGE' });
    for (const c of [lt, lt2, lv, clerk]) c.ws.close();
  });

  it('live: closes unauthenticated and cross-origin sockets with 4401', async () => {
    const anon = await LiveClient.open(web.url);
    expect(await anon.waitClosed()).toBe(4401);
    const cross = await LiveClient.open(web.url, cookies.ltu, 'http://evil.example');
    expect(await cross.waitClosed()).toBe(4401);
    const out = await fetch(`${web.url}/api/logout`, { method: 'POST', headers: { cookie: cookies.low! } });
    expect(out.status).toBe(204);
    const after = await LiveClient.open(web.url, cookies.low);
    expect(await after.waitClosed()).toBe(4401);
  });

  it('live: flow control keeps at most a window unprocessed and coalesces positions beyond it', async () => {
    const c = await LiveClient.open(web.url, cookies.ltu);
    await c.wait('hello');
    await new Promise((r) => setTimeout(r, 300)); // the initial picture
    let chars = 0;
    c.ws.on('message', (d) => (chars += d.toString().length));
    c.send({ t: 'flow', received: 0 }); // opt in, acknowledging nothing
    await new Promise((r) => setTimeout(r, 100));
    const before = chars;
    let xml = '';
    for (let i = 0; i < 800; i++)
      xml += cot(`FLOW-${i}`, 'a-u-G', 55 + i / 1000, 24, '', `<remarks>${'x'.repeat(400)}</remarks>`);
    tak.send(xml);
    await new Promise((r) => setTimeout(r, 1500));
    const held = chars - before;
    expect(held).toBeGreaterThan(0);
    // At most one window (flushes are cut to the room the window has; the newlines between messages are extra),
    // well short of everything sent: the rest waits, coalescing, until the page says it processed more.
    expect(held).toBeLessThanOrEqual(256 * 1024 + 1024);
    expect(held).toBeLessThan(800 * 400);
    // The page says it processed everything it got, as it goes: the hub sends the rest (coalesced), a window at a
    // time.
    const acks = setInterval(() => c.send({ t: 'flow', received: 10_000_000 }), 50);
    try {
      await c.wait('entity', (m) => m.e.uid === 'FLOW-799', 5000);
    } finally {
      clearInterval(acks);
    }
    c.ws.close();
  });
});
