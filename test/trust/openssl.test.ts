/** Debian's openssl must accept what the PKI writes: certificates, CRLs and the legacy PKCS#12 profile. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientP12, truststoreP12 } from '../../src/trust/pki/p12.js';
import { ensurePki } from '../../src/trust/pki/store.js';
import { silent, tempDir, testConfig } from './helpers.js';

function openssl(args: string[]): { ok: boolean; out: string } {
  // openssl pkcs12 -info prints the algorithms on stderr: look at both streams.
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('openssl accepts our PKI', { timeout: 90_000 }, () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('verifies client and server certificates with the CRL, and rejects a revoked one', async () => {
    const pki = await ensurePki(
      tmp.dir,
      testConfig({ pki: { hosts: ['hub.example.lt', '10.1.2.3'] } }),
      silent,
    );
    const c = await pki.issueClient({
      id: 'kaja',
      kind: 'user',
      nation: 'EST',
      clearance: 'CONFIDENTIAL',
      categories: [],
      groups: ['Cyan', 'Blue'],
    });
    const f = (n: string) => join(tmp.dir, n);
    writeFileSync(f('client.pem'), c.cert);
    const crl = join(pki.dir, 'crl.pem');
    const ca = join(pki.dir, 'ca.pem');
    expect(openssl(['verify', '-CAfile', ca, '-crl_check', '-CRLfile', crl, f('client.pem')])).toMatchObject({
      ok: true,
    });
    expect(openssl(['verify', '-CAfile', ca, '-purpose', 'sslserver', join(pki.dir, 'server.pem')]).ok).toBe(
      true,
    );
    const text = openssl([
      'x509',
      '-in',
      join(pki.dir, 'server.pem'),
      '-noout',
      '-ext',
      'subjectAltName',
    ]).out;
    expect(text).toContain('DNS:hub.example.lt');
    expect(text).toContain('IP Address:10.1.2.3');
    const subject = openssl(['x509', '-in', f('client.pem'), '-noout', '-subject']).out;
    expect(subject).toMatch(/CN\s*=\s*kaja, O\s*=\s*Baltic Wall, OU\s*=\s*Cyan, OU\s*=\s*Blue/);
    await pki.revoke(c.serial, 'affiliationChanged');
    const r = openssl(['verify', '-CAfile', ca, '-crl_check', '-CRLfile', crl, f('client.pem')]);
    expect(r.ok).toBe(false);
    expect(r.out).toContain('certificate revoked');
    expect(openssl(['crl', '-in', crl, '-noout', '-text']).out).toContain(c.serial.toUpperCase());
    pki.close();
  });

  it('reads the client PKCS#12 (3DES, SHA-1 MAC) and the truststore', async () => {
    const pki = await ensurePki(tmp.dir, testConfig(), silent);
    const c = await pki.issueClient({
      id: 'jonas',
      kind: 'user',
      nation: 'LTU',
      clearance: 'SECRET',
      categories: [],
      groups: ['Blue'],
    });
    const f = (n: string) => join(tmp.dir, n);
    writeFileSync(f('jonas.p12'), clientP12(c.cert, c.key, [pki.ca], 'atakatak', 'jonas'));
    writeFileSync(f('trust.p12'), truststoreP12([pki.ca], 'atakatak', 'truststore'));
    const info = openssl(['pkcs12', '-info', '-in', f('jonas.p12'), '-passin', 'pass:atakatak', '-noenc']);
    expect(info.ok).toBe(true);
    expect(info.out).toContain('pbeWithSHA1And3-KeyTripleDES-CBC');
    expect(info.out).toContain('MAC: sha1');
    expect(info.out).toContain('BEGIN PRIVATE KEY');
    expect(info.out).toContain('friendlyName: jonas');
    const trust = openssl(['pkcs12', '-info', '-in', f('trust.p12'), '-passin', 'pass:atakatak', '-nokeys']);
    expect(trust.ok).toBe(true);
    expect(trust.out).toContain('BEGIN CERTIFICATE');
    expect(openssl(['pkcs12', '-info', '-in', f('jonas.p12'), '-passin', 'pass:wrong', '-noout']).ok).toBe(
      false,
    );
    pki.close();
  });
});
