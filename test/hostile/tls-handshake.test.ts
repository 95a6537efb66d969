/**
 * Hostile clients, issue 16 item 1: connections that never finish the TLS handshake. Every TLS listener (8089, the
 * HTTPS API 8443, enrollment 8446) closes them after `limits.handshakeTimeoutMs`, the hub's open files come back to
 * their baseline, and a flood of them under a small open-file limit does not starve real clients.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENROLLMENT, startTestApp, TLS_AND_API, type TestApp } from '../helpers/app.js';
import { metricValue, openFiles, silentFlood, waitFor } from './helpers.js';

const TIMEOUT_MS = 1000;

describe('hostile: TLS handshakes that never finish', { timeout: 60_000 }, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ ...TLS_AND_API, ...ENROLLMENT, 'limits.handshakeTimeoutMs': TIMEOUT_MS });
  });
  afterAll(async () => app.stop());

  it('every TLS listener closes silent connections after handshakeTimeoutMs; open files return to baseline', async () => {
    const baseline = openFiles();
    const ports = [app.ports.tls!, app.ports.api!, app.ports.enrollment!];
    const floods = await Promise.all(ports.map((p) => silentFlood(p, 90, 30)));
    const opened = Date.now();
    expect(floods.map((f) => f.open())).toEqual([90, 90, 90]);
    // Both ends of the 270 connections live in this process.
    await waitFor(() => openFiles() > baseline + 400, 3000, 'the hub to accept them');
    // The deadline plus one second (and the sweep's period), with room for a loaded machine.
    await waitFor(() => floods.every((f) => f.open() === 0), TIMEOUT_MS + 4000, 'the hub to close them');
    await waitFor(() => openFiles() <= baseline + 5, 2000, 'open files back to baseline');
    expect(Date.now() - opened).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    const text = await app.metrics.registry.metrics();
    // Closed at the deadline: as a silent handshake, or (still waiting for an accept budget) as BW_ACCEPT_RATE; on a
    // machine whose open-file limit makes the pending cap smaller than 270, the oldest go first as pending_full.
    const closed = ['handshake_timeout', 'BW_ACCEPT_RATE', 'pending_full']
      .map((reason) => metricValue(text, 'bw_accept_refused_total', { reason }))
      .reduce((a, b) => a + b, 0);
    expect(closed).toBeGreaterThan(0);
    for (const f of floods) f.destroy();
  });
});

/** Start the real CLI under `prlimit --nofile=N`; resolves with its ports once it logged them. */
async function serveUnderLimit(nofile: number, dir: string) {
  const p = spawn(
    'prlimit',
    [
      `--nofile=${nofile}:${nofile}`,
      process.execPath,
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--data-dir',
      dir,
      '--log-level',
      'info',
      ...['tcp.port=0', 'udp.port=0', 'http.port=0', 'tls.port=0', 'tls.host=127.0.0.1'].flatMap((s) => [
        '--set',
        s,
      ]),
      ...['trust.enrollment.enabled=false', 'trust.api.enabled=false', 'mavlink.enabled=false'].flatMap(
        (s) => ['--set', s],
      ),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const ports = await new Promise<{ tcp: number; tls: number }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('hub did not start: ' + out)), 30_000);
    p.stdout.on('data', () => {
      const line = out.split('\n').find((l) => l.includes('Baltic Wall hub started'));
      if (!line) return;
      clearTimeout(t);
      resolve((JSON.parse(line) as { ports: { tcp: number; tls: number } }).ports);
    });
    p.on('exit', () => reject(new Error('hub exited: ' + out)));
  });
  return { p, ports, output: () => out };
}

describe('hostile: half-open flood under a small open-file limit', { timeout: 90_000 }, () => {
  it('a flood of silent TLS connections leaves descriptors for real TCP and TLS clients', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-hostile-'));
    const hub = await serveUnderLimit(256, dir);
    try {
      // More silent connections than the hub has descriptors, from 20 addresses.
      const flood = await silentFlood(hub.ports.tls, 400, 20);
      await new Promise((r) => setTimeout(r, 300));
      // A plain TCP client gets the protocol offer at once.
      const offer = await new Promise<string>((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: hub.ports.tcp });
        let got = '';
        s.setTimeout(3000, () => {
          s.destroy();
          reject(new Error('no answer from the TCP listener'));
        });
        s.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.includes('</event>')) {
            s.destroy();
            resolve(got);
          }
        });
        s.on('error', reject);
      });
      expect(offer).toContain('t-x-takp-v');
      // A TLS client completes its handshake (it has no certificate, so the hub then refuses it, as it should).
      const secured = await new Promise<boolean>((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port: hub.ports.tls, rejectUnauthorized: false });
        s.setTimeout(3000, () => {
          s.destroy();
          resolve(false);
        });
        s.on('secureConnect', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      expect(secured).toBe(true);
      flood.destroy();
    } finally {
      hub.p.kill('SIGTERM');
      await new Promise((r) => hub.p.on('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
