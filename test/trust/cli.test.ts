/** The pki and audit commands, run in-process against a temporary data directory. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerAuditCommands } from '../../src/cli/audit.js';
import { registerPkiCommands } from '../../src/cli/pki.js';
import { tempDir } from './helpers.js';

async function run(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerPkiCommands(program);
  registerAuditCommands(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    lines.push(String(s));
    return true;
  });
  try {
    await program.parseAsync(['node', 'balticwall', ...args]);
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
  return lines.join('\n');
}

describe('balticwall pki / audit', { timeout: 90_000 }, () => {
  const tmp = tempDir();
  const d = ['-d', tmp.dir];
  afterAll(() => tmp.cleanup());

  it('writes a one-step data package that openssl and a zip reader accept', async () => {
    const zipFile = join(tmp.dir, 'vilkas.zip');
    const out = await run(
      'pki',
      'package',
      'vilkas',
      ...d,
      '--nation',
      'LTU',
      '--clearance',
      'SECRET',
      '--groups',
      'Blue',
      '--host',
      'hub.mil.lt',
      '-o',
      zipFile,
    );
    expect(out).toContain('hub.mil.lt:8089');
    const files = unzipSync(readFileSync(zipFile));
    const names = Object.keys(files).sort();
    expect(names).toEqual([
      'MANIFEST/manifest.xml',
      'certs/hub.mil.lt.pref',
      'certs/truststore-hub.mil.lt.p12',
      'certs/vilkas-hub.mil.lt.p12',
    ]);
    const manifest = strFromU8(files['MANIFEST/manifest.xml']!);
    for (const n of names.filter((n) => n.startsWith('certs/')))
      expect(manifest).toContain(`zipEntry="${n}"`);
    const pref = strFromU8(files['certs/hub.mil.lt.pref']!);
    expect(pref).toContain(
      '<entry key="connectString0" class="class java.lang.String">hub.mil.lt:8089:ssl</entry>',
    );
    expect(pref).toContain('cert/truststore-hub.mil.lt.p12');
    expect(pref).toContain(
      '<entry key="certificateLocation" class="class java.lang.String">cert/vilkas-hub.mil.lt.p12</entry>',
    );
    const p12 = join(tmp.dir, 'v.p12');
    writeFileSync(p12, files['certs/vilkas-hub.mil.lt.p12']!);
    const r = spawnSync(
      'openssl',
      ['pkcs12', '-in', p12, '-passin', 'pass:atakatak', '-nokeys', '-clcerts'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/subject=CN\s*=\s*vilkas/);
  });

  it('writes an iTAK (flat) enrollment package without a private key', async () => {
    const zipFile = join(tmp.dir, 'enroll.zip');
    await run('pki', 'enroll-package', ...d, '--host', '10.0.0.5', '--itak', '-o', zipFile);
    const files = unzipSync(readFileSync(zipFile));
    expect(Object.keys(files).sort()).toEqual(['config.pref', 'truststore-10.0.0.5.p12']);
    expect(strFromU8(files['config.pref']!)).toContain('enrollForCertificateWithTrust0');
  });

  it('adds a user, makes a token link with a QR code, revokes by name, and the audit shows it all', async () => {
    await run(
      'pki',
      'user',
      'add',
      'mara',
      ...d,
      '--nation',
      'LVA',
      '--clearance',
      'restricted',
      '--password',
      'pw',
    );
    const svg = join(tmp.dir, 'qr.svg');
    const tok = await run('pki', 'token', 'mara', ...d, '--host', 'hub.example', '--svg', svg);
    expect(tok).toMatch(/tak:\/\/com\.atakmap\.app\/enroll\?host=hub\.example&username=mara&token=[\w-]{32}/);
    expect(tok).toContain('█');
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    const revoked = await run('pki', 'revoke', 'vilkas', ...d, '--reason', 'keyCompromise');
    expect(revoked).toMatch(/revoked vilkas serial [0-9a-f]+/);
    expect(await run('pki', 'list', ...d)).toMatch(/vilkas\s+LTU\s+SECRET\s+REVOKED/);
    const table = await run('audit', ...d, '--since', '1h');
    expect(table).toMatch(/cert-issue\s+vilkas\/LTU/);
    expect(table).toMatch(/cert-revoke\s+vilkas\/LTU .* keyCompromise/);
    expect(table).toMatch(/user-add\s+mara\/LVA/);
    expect(table).toMatch(/token-issue\s+mara/);
    const jsonl = await run('audit', ...d, '--kind', 'cert-revoke', '--jsonl');
    const rows = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; actor: string });
    expect(rows).toEqual([expect.objectContaining({ kind: 'cert-revoke', actor: 'vilkas' })]);
    expect(await run('audit', ...d, '--identity', 'nobody')).toBe('');
  });

  it('refuses bad identity flags with a clear message', async () => {
    await expect(run('pki', 'client', 'x', ...d, '--nation', 'LT')).rejects.toThrow(/alpha-3/);
    await expect(run('pki', 'client', 'x', ...d, '--clearance', 'ULTRA')).rejects.toThrow(/--clearance/);
    await expect(run('audit', ...d, '--since', 'yesterday-ish')).rejects.toThrow(/not a time/);
  });
});
