/**
 * Hostile clients, issue 16 item 3: accept budgets. A flood of connections from some addresses must not lock out
 * a client from another address, and a platoon behind one NAT address that reconnects as ATAK does (every few
 * seconds) gets in: over budget a connection waits for its turn instead of being refused.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { loopback, metricValue } from './helpers.js';

/** Connect from `local` and wait for the hub's protocol offer; resolves with the socket or undefined after `ms`. */
function offered(port: number, local: string, ms: number): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress: local });
    let got = '';
    const t = setTimeout(() => {
      s.destroy();
      resolve(undefined);
    }, ms);
    s.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes('t-x-takp-v')) {
        clearTimeout(t);
        s.removeAllListeners('data');
        resolve(s);
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(t);
      resolve(undefined);
    });
  });
}

describe('hostile: accept budgets', { timeout: 90_000 }, () => {
  let app: TestApp | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    sockets.length = 0;
    await app?.stop();
    app = undefined;
  });

  it('a flood from 40 addresses does not lock out a client from another address', async () => {
    app = await startTestApp({ 'limits.acceptPerSecond': 100, 'limits.acceptPerSecondPerAddress': 10 });
    const port = app.ports.tcp!;
    // 40 addresses × 60 connections at once: 24 seconds of the global budget.
    for (let i = 0; i < 2400; i++) {
      const s = net.connect({ host: '127.0.0.1', port, localAddress: loopback(i, 40) });
      s.on('error', () => undefined);
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 500));
    const real = await offered(port, '127.0.200.1', 5000);
    expect(real, 'the real client got the protocol offer').toBeDefined();
    real?.destroy();
    const text = await app.metrics.registry.metrics();
    expect(metricValue(text, 'bw_accept_delayed_total')).toBeGreaterThan(0);
  });

  it('1,000 clients behind one address that reconnect every few seconds are all connected within 30 s', async () => {
    app = await startTestApp({ 'limits.maxConnections': 5000 });
    const port = app.ports.tcp!;
    const started = Date.now();
    const connected = new Set<number>();
    const client = async (i: number): Promise<void> => {
      while (Date.now() - started < 30_000) {
        // ATAK waits a few seconds for the server, then closes and tries again a few seconds later.
        const s = await offered(port, '127.0.77.1', 5000);
        if (s) {
          sockets.push(s);
          connected.add(i);
          return;
        }
        await new Promise((r) => setTimeout(r, 2000 + Math.random() * 2000));
      }
    };
    await Promise.all(Array.from({ length: 1000 }, (_, i) => client(i)));
    expect(connected.size).toBe(1000);
    expect(app.hub.sessions.clients()).toBe(1000);
  });
});
