/**
 * `balticwall federation add|list|status|remove` against a running hub's data directory: the peer's certificate
 * files are written, the running hub opens the link within a second and drops it on remove, with no restart.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, type TestApp } from '../helpers/app.js';
import { EE, startNationalHub } from './harness.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const run = (...args: string[]) =>
  spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

async function until(f: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}

describe('balticwall federation (CLI)', () => {
  let ee: TestApp;
  beforeAll(async () => {
    ee = await startNationalHub(EE);
  }, 30_000);
  afterAll(async () => {
    await ee?.stop();
  });

  it('adds an inbound federate with its certificate, lists it, shows status, removes it', async () => {
    const out = join(ee.dir, 'fed-lv');
    const add = run(
      'federation',
      'add',
      'lv-hub',
      '--nation',
      'LVA',
      '--clearance',
      'RESTRICTED',
      '--out',
      out,
      '--default-label',
      'RESTRICTED:LVA',
      '--bandwidth',
      '64',
      '-d',
      ee.dir,
    );
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    for (const f of ['lv-hub.pem', 'lv-hub.key', 'lv-hub.p12', 'ca.pem', 'truststore.p12'])
      expect(existsSync(join(out, f))).toBe(true);
    const cert = new X509Certificate(readFileSync(join(out, 'lv-hub.pem')));
    expect(cert.subject).toContain('CN=lv-hub');
    expect(cert.checkIssued(new X509Certificate(readFileSync(join(out, 'ca.pem'))))).toBe(true);
    await until(() => ee.federation!.links().some((l) => l.name === 'lv-hub'));

    const list = run('federation', 'list', '-d', ee.dir);
    expect(list.stdout).toMatch(/lv-hub\s+inbound\s+nations LVA\s+clearance RESTRICTED/);
    await sleep(2100); // the status file is written every 2 s
    const status = run('federation', 'status', '-d', ee.dir);
    expect(status.stdout).toMatch(/lv-hub \(inbound\) DOWN/);

    const v1 = run(
      'federation',
      'add',
      'us-tak',
      '--role',
      'outbound',
      '--protocol',
      'v1',
      '--host',
      '127.0.0.1',
      '--nation',
      'USA',
      '--max-entities',
      '80000',
      '-d',
      ee.dir,
    );
    expect(v1.status).toBe(0);
    const peers = JSON.parse(readFileSync(join(ee.dir, 'federation', 'peers.json'), 'utf8')) as unknown;
    const us = (Array.isArray(peers) ? peers : (peers as { peers: unknown[] }).peers).find(
      (x) => (x as { name: string }).name === 'us-tak',
    );
    expect(us).toMatchObject({ protocol: 'v1', port: 9000, maxEntities: 80000 });
    expect(run('federation', 'remove', 'us-tak', '-d', ee.dir).status).toBe(0);

    const rm = run('federation', 'remove', 'lv-hub', '--revoke', '-d', ee.dir);
    expect(rm.status).toBe(0);
    expect(rm.stdout).toMatch(/revoked/);
    await until(() => !ee.federation!.links().some((l) => l.name === 'lv-hub'));
  }, 120_000);

  it('refuses bad flags with a clear message', () => {
    const r = run('federation', 'add', 'x', '--clearance', 'MEGA', '-d', ee.dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/clearance/);
  }, 60_000);
});
