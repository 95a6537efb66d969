/**
 * SIGTERM loses no audit row: a real `balticwall serve` child with 15 mutual-TLS sessions still open is sent
 * SIGTERM; after it exits, the store holds a disconnect row for every connect row.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerPkiCommands } from '../../src/cli/pki.js';
import { openStore } from '../../src/store/db.js';
import { tempDir } from '../trust/helpers.js';

const SESSIONS = 15;

describe('shutdown', { timeout: 120_000 }, () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('writes the disconnect rows of sessions still open on SIGTERM', async () => {
    const program = new Command().exitOverride();
    registerPkiCommands(program);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const args = ['pki', 'client', 'ona', '-d', tmp.dir, '--nation', 'LTU', '--out', join(tmp.dir, 'c')];
      await program.parseAsync(['node', 'balticwall', ...args]);
    } finally {
      log.mockRestore();
    }
    const read = (f: string) => readFileSync(join(tmp.dir, f), 'utf8');
    const tlsOpts = {
      ca: read('pki/ca.pem'),
      cert: read('c/ona.pem'),
      key: read('c/ona.key'),
      servername: 'localhost',
    };

    const sets = [
      'tcp.port=0',
      'udp.port=0',
      'http.port=0',
      'tls.port=0',
      'tls.host=127.0.0.1',
      'trust.enrollment.enabled=false',
      'trust.api.enabled=false',
      'mavlink.enabled=false',
    ].flatMap((s) => ['--set', s]);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--data-dir', tmp.dir, '--log-level', 'warn', ...sets],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no TLS port printed: ' + out)), 40_000);
      child.stdout.on('data', () => {
        const m = /CoT TLS \(TAK\)\s*:\s*[\d.]+:(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
    });

    const sockets: TLSSocket[] = await Promise.all(
      Array.from(
        { length: SESSIONS },
        () =>
          new Promise<TLSSocket>((resolve, reject) => {
            const s = connect({ host: '127.0.0.1', port, ...tlsOpts });
            s.once('data', () => resolve(s)); // the protocol offer: the session is open
            s.once('error', reject);
          }),
      ),
    );
    for (const s of sockets) s.on('error', () => undefined);
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const s of sockets) s.destroy();

    const store = openStore(tmp.dir);
    try {
      const count = (kind: string) =>
        (
          store.db
            .prepare('SELECT count(*) n FROM trust_audit WHERE kind = ? AND actor = ?')
            .get(kind, 'ona') as {
            n: number;
          }
        ).n;
      expect(count('connect')).toBe(SESSIONS);
      expect(count('disconnect')).toBe(SESSIONS);
    } finally {
      store.close();
    }
  });
});
