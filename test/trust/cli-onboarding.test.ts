/**
 * The first steps of docs/trust.md as a person types them: `BW_PASSWORD=… balticwall pki user add` (an environment
 * variable that is not configuration never breaks configuration), and `--out` meaning the same directory in
 * `pki client` and `pki package`, with a failed command leaving no certificate and no file behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { openStore } from '../../src/store/db.js';
import { trustConfig } from '../../src/trust/config.js';
import { createUserStore } from '../../src/trust/users.js';
import { tempDir } from './helpers.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('pki first steps', { timeout: 120_000 }, () => {
  const tmp = tempDir();
  const d = ['-d', tmp.dir];
  afterAll(() => tmp.cleanup());

  it('BW_PASSWORD=… pki user add works, and pki list with BW_PASSWORD set', async () => {
    const add = cli(['pki', 'user', 'add', 'mara', ...d, '--nation', 'LVA', '--clearance', 'RESTRICTED'], {
      BW_PASSWORD: 'mara-secret-1',
    });
    expect(add.err).not.toMatch(/configuration is invalid/);
    expect(add.code).toBe(0);
    expect(add.out).toContain('user mara saved');
    const list = cli(['pki', 'list', ...d], { BW_PASSWORD: 'x' });
    expect(list.code).toBe(0);
    const store = openStore(tmp.dir);
    try {
      const users = createUserStore(store, trustConfig.parse({}).enrollment);
      expect((await users.authenticate('mara', 'mara-secret-1')).ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('only BW_ variables that name a configuration key are configuration', () => {
    const env = { BW_PASSWORD: 'p', BW_TEST_DECODE_THREADS: '1', BW_W: '1280', BW_TCP__PORT: '9100' };
    expect(loadConfig({ env }).tcp.port).toBe(9100);
    expect(() => loadConfig({ env: { BW_TCP__PROT: '1' } })).toThrow(/tcp: Unrecognized key: "prot"/);
    expect(loadConfig({ env: { BW_HUB_ID: 'hq' } }).hubId).toBe('hq');
  });

  it('--out is a directory in pki client and pki package alike', () => {
    const out = join(tmp.dir, 'certs');
    mkdirSync(out);
    const c = cli(['pki', 'client', 'vilkas', ...d, '--nation', 'LTU', '--out', out]);
    expect(c.code).toBe(0);
    const p = cli(['pki', 'package', 'ona', ...d, '--nation', 'LTU', '--host', 'hub.example', '--out', out]);
    expect(p.err).not.toMatch(/EISDIR/);
    expect(p.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'ona.zip',
      'truststore.p12',
      'vilkas.key',
      'vilkas.p12',
      'vilkas.pem',
    ]);
    // A path ending in .zip still names the file itself.
    const z = cli([
      'pki',
      'package',
      'rasa',
      ...d,
      '--nation',
      'LTU',
      '--host',
      'h',
      '--out',
      join(out, 'r.zip'),
    ]);
    expect(z.code).toBe(0);
    expect(existsSync(join(out, 'r.zip'))).toBe(true);
  });

  it('a package that cannot be written issues no certificate and leaves no file', () => {
    const notDir = join(tmp.dir, 'plain-file');
    writeFileSync(notDir, 'x');
    const a = cli(['pki', 'package', 'ghost1', ...d, '--nation', 'LTU', '--host', 'h', '--out', notDir]);
    expect(a.code).not.toBe(0);
    expect(a.err).toMatch(/--out .*not a directory/);
    const blocked = join(tmp.dir, 'blocked');
    mkdirSync(join(blocked, 'ghost2.zip'), { recursive: true });
    const b = cli(['pki', 'package', 'ghost2', ...d, '--nation', 'LTU', '--host', 'h', '--out', blocked]);
    expect(b.code).not.toBe(0);
    expect(b.err).toMatch(/ghost2\.zip exists and is a directory/);
    const c = cli(['pki', 'client', 'ghost3', ...d, '--nation', 'LTU', '--out', notDir]);
    expect(c.code).not.toBe(0);
    const d2 = cli(['pki', 'package', 'ghost4', ...d, '--nation', 'LTU', '--port', 'x', '--out', blocked]);
    expect(d2.err).toMatch(/--port/);
    const list = cli(['pki', 'list', ...d]);
    expect(list.code).toBe(0);
    expect(list.out).not.toMatch(/ghost/);
    expect(readdirSync(blocked)).toEqual(['ghost2.zip']);
  });
});
