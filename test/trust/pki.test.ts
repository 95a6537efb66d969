/** PKI lifecycle on disk: reuse on restart, re-issue when configured names change, identity binding round trip. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identityFromCert } from '../../src/trust/pki/binding.js';
import { createCa, issueClientCert } from '../../src/trust/pki/issue.js';
import { ensurePki, serverNeedsReissue } from '../../src/trust/pki/store.js';
import { silent, tempDir, testConfig } from './helpers.js';

describe('PKI on disk', { timeout: 90_000 }, () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('reuses the CA and server certificate on restart and re-issues the server one when hosts change', async () => {
    const a = await ensurePki(tmp.dir, testConfig({ pki: { hosts: ['hub.a.lt'] } }), silent);
    const b = await ensurePki(tmp.dir, testConfig({ pki: { hosts: ['hub.a.lt'] } }), silent);
    expect(b.ca).toBe(a.ca);
    expect(b.serverCert).toBe(a.serverCert);
    expect(serverNeedsReissue(a.serverCert, ['hub.a.lt', 'localhost', '127.0.0.1', '::1'])).toBe(false);
    const c = await ensurePki(tmp.dir, testConfig({ pki: { hosts: ['hub.a.lt', '10.9.8.7'] } }), silent);
    expect(c.ca).toBe(a.ca);
    expect(c.serverCert).not.toBe(a.serverCert);
    expect(serverNeedsReissue(c.serverCert, ['10.9.8.7'])).toBe(false);
    expect(readFileSync(join(tmp.dir, 'pki', 'ca.key'), 'utf8')).toContain('PRIVATE KEY');
    expect(c.list().filter((r) => r.id === 'server')).toHaveLength(2);
    for (const p of [a, b, c]) p.close();
  });

  it('binds nation, clearance, categories and groups; a foreign or old certificate gets the minimum', async () => {
    const ca = await createCa('t', 1);
    const spec = {
      id: 'unit-7',
      kind: 'unit' as const,
      nation: 'EST',
      clearance: 'CONFIDENTIAL' as const,
      categories: ['NATO', 'EU'],
      groups: ['Cyan'],
    };
    const c = await issueClientCert(ca, spec, 'Org, with comma', 1);
    const id = identityFromCert(c.cert);
    expect(id).toMatchObject({ ...spec, certSerial: expect.stringMatching(/^[0-9a-f]+$/) });
    // A CA certificate has no binding: CN only, lowest clearance, default group.
    expect(identityFromCert(ca.cert)).toMatchObject({
      id: 't',
      clearance: 'UNCLASSIFIED',
      nation: undefined,
      groups: ['__ANON__'],
    });
  });
});
