/**
 * `balticwall serve --demo` (what `npm start` runs) from the source tree with a fresh data directory: it prints the
 * TAK ports, and a raw CoT client on the printed port sees the demo's units, drones included, within seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cotClient, type CotClient } from '../mavlink/helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bw-serve-demo-'));
let child: ChildProcess | undefined;
let client: CotClient | undefined;

afterAll(async () => {
  client?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('serve --demo', () => {
  it('prints the TAK port and a CoT client sees the demo units within seconds', async () => {
    const sets = [
      'tcp.port=0',
      'udp.port=0',
      'http.port=0',
      'tls.enabled=false',
      'trust.enrollment.enabled=false',
      'trust.api.enabled=false',
      'mavlink.port=0',
      'demo.speed=5',
    ].flatMap((s) => ['--set', s]);
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        '--demo',
        '--data-dir',
        dir,
        '--log-level',
        'warn',
        ...sets,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no CoT TCP port printed:\n${out}`)), 30_000);
      child!.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /CoT TCP \(TAK\)\s*:\s*[\d.]+:(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
    });
    expect(out).toMatch(/MAVLink/);
    const started = Date.now();
    client = await cotClient(port);
    const c = client;
    for (const cs of ['VILKAS 1', 'LEOPARD 1-1', 'POL ZMECH 1', 'EST SCOUT 1', 'LV MEH 1', 'VILKAS UAS 1']) {
      await c.waitFor((e) => e.detail.contact?.callsign === cs, 10_000);
    }
    await c.waitFor((e) => e.uid === 'MAVLINK-42-1.footprint', 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
