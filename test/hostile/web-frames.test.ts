/**
 * Hostile clients, issue 16 item 5: WebSocket frames over the page message limit (64 KiB), from a signed-in page
 * and before sign-in. A frame up to the frame limit gets a BW_WEB_BAD_MESSAGE answer and the socket stays; a frame
 * past it closes the socket with 1009. Either way it is counted, logged without a stack trace, and the hub and
 * other pages go on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app/index.js';
import { setPath, validateConfig } from '../../src/app/config.js';
import { counter, sleep } from '../helpers/app.js';

describe('hostile: oversized WebSocket frames', { timeout: 60_000 }, () => {
  let app: App;
  let dir: string;
  let url: string;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bw-hostile-'));
    const raw: Record<string, unknown> = {};
    const over: Record<string, unknown> = {
      dataDir: dir,
      'tcp.port': 0,
      'udp.port': 0,
      'http.port': 0,
      'tls.enabled': false,
      'trust.enrollment.enabled': false,
      'trust.api.enabled': false,
      'mavlink.enabled': false,
      'web.devMode': true,
    };
    for (const [k, v] of Object.entries(over)) setPath(raw, k.split('.'), v);
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n'))
          if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    app = await startApp(validateConfig(raw), { log: pino({ level: 'info' }, sink) });
    url = `http://127.0.0.1:${app.ports.http}`;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function page(signedIn: boolean) {
    const headers: Record<string, string> = {};
    if (signedIn) {
      const r = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'big-frames', password: '', nation: 'LTU', clearance: 'SECRET' }),
      });
      headers.cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    }
    const ws = new WebSocket(url.replace('http', 'ws') + '/api/live', { headers });
    const got: { t: string; code?: string }[] = [];
    let closed: number | undefined;
    ws.on('message', (d) => {
      for (const l of d.toString().split('\n'))
        if (l) got.push(JSON.parse(l) as { t: string; code?: string });
    });
    ws.on('close', (code) => (closed = code));
    ws.on('error', () => undefined);
    await new Promise((r) => ws.once('open', r));
    return { ws, got, closed: () => closed };
  }

  const noStacks = () =>
    expect(lines.filter((l) => JSON.stringify(l).includes('    at ')).map((l) => l['msg'])).toEqual([]);

  it('a signed-in page sending 100 KiB gets BW_WEB_BAD_MESSAGE, stays connected, and is counted', async () => {
    const before = await counter(app, 'bw_rejected_total', { code: 'BW_WEB_BAD_MESSAGE' });
    const p = await page(true);
    p.ws.send(JSON.stringify({ t: 'presence', lat: 54, lon: 24, pad: 'x'.repeat(100 * 1024) }));
    const until = Date.now() + 5000;
    while (!p.got.some((m) => m.t === 'error') && p.closed() === undefined && Date.now() < until)
      await sleep(20);
    expect(p.closed()).toBeUndefined();
    expect(p.got.find((m) => m.t === 'error')?.code).toBe('BW_WEB_BAD_MESSAGE');
    expect(await counter(app, 'bw_rejected_total', { code: 'BW_WEB_BAD_MESSAGE' })).toBe(before + 1);
    expect(p.ws.readyState).toBe(WebSocket.OPEN);
    p.ws.close();
    noStacks();
  });

  it('a frame past the frame limit closes with 1009, is counted and logged without a stack; others go on', async () => {
    const before = await counter(app, 'bw_rejected_total', { code: 'BW_WEB_BAD_MESSAGE' });
    const bystander = await page(true);
    const p = await page(true);
    p.ws.send('x'.repeat(4 * 1024 * 1024));
    const until = Date.now() + 5000;
    while (p.closed() === undefined && Date.now() < until) await sleep(20);
    expect(p.closed()).toBe(1009);
    expect(await counter(app, 'bw_rejected_total', { code: 'BW_WEB_BAD_MESSAGE' })).toBe(before + 1);
    expect(lines.some((l) => l['code'] === 'BW_WEB_BAD_MESSAGE' && l['level'] === 40)).toBe(true);
    noStacks();
    expect(bystander.closed()).toBeUndefined();
    bystander.ws.close();
  });

  it('before sign-in: a 100 KiB frame gets the sign-in refusal (4401), never a crash or a stack trace', async () => {
    const p = await page(false);
    p.ws.send('x'.repeat(100 * 1024));
    const until = Date.now() + 5000;
    while (p.closed() === undefined && Date.now() < until) await sleep(20);
    expect(p.closed()).toBe(4401);
    noStacks();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
  });
});
