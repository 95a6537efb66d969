/** The balticwall CLI as a person runs it: --help, --version, a bad config, and serve until SIGTERM. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const run = (...args: string[]) =>
  spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 30000 });

describe('balticwall CLI', () => {
  it('prints its version and help', () => {
    const v = run('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = run('--help');
    expect(h.stdout).toContain('serve');
    const sh = run('serve', '--help');
    expect(sh.stdout).toContain('--config');
  });

  it('refuses a bad configuration naming the key, with a non-zero exit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'tcp:\n  port: 99999\n');
    const r = run('serve', '--config', f);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/tcp\.port/);
  });

  it('serves, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    const p = spawn(
      process.execPath,
      [
        ...CLI,
        'serve',
        '--data-dir',
        dir,
        '--log-level',
        'warn',
        '--set',
        'tcp.port=0',
        '--set',
        'udp.port=0',
        '--set',
        'http.port=0',
        '--set',
        'tls.enabled=false',
        '--set',
        'trust.enrollment.enabled=false',
        '--set',
        'trust.api.enabled=false',
        '--set',
        'mavlink.enabled=false',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no URL printed: ' + out)), 20000);
      p.stdout.on('data', () => {
        const m = /http:\/\/[\d.:]+\//.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[0]);
        }
      });
    });
    const h = await (await fetch(url + 'healthz')).json();
    expect(h.status).toBe('ok');
    p.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => p.on('exit', r));
    expect(code).toBe(0);
  });
});
