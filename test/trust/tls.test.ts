/** Real TLS handshakes against a server made with tlsServerOptions(): valid, wrong CA, expired, revoked, none. */
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditFields, AuditKind } from '../../src/trust/audit-types.js';
import {
  certToPem,
  generateKeys,
  keyFromPem,
  keyToPem,
  randomSerial,
  SIGNING,
  x509,
} from '../../src/trust/pki/crypto.js';
import { identityExtension } from '../../src/trust/pki/binding.js';
import { createCa, issueClientCert } from '../../src/trust/pki/issue.js';
import { ensurePki, type Pki } from '../../src/trust/pki/store.js';
import { checkPeer, tlsServerOptions, guardTlsServer } from '../../src/trust/tls.js';
import { silent, tempDir, testConfig, tryConnect, waitFor } from './helpers.js';

const spec = {
  id: 'vilkas-1',
  kind: 'user' as const,
  nation: 'LTU',
  clearance: 'SECRET' as const,
  categories: ['NATO'],
  groups: ['Blue'],
};

describe('mutual TLS with the PKI', { timeout: 90_000 }, () => {
  const tmp = tempDir();
  let pki: Pki;
  let server: Server;
  let port = 0;
  const audits: { kind: AuditKind; f: AuditFields }[] = [];
  const audit = { record: (kind: AuditKind, f: AuditFields) => audits.push({ kind, f }) };
  const identities: string[] = [];

  beforeAll(async () => {
    pki = await ensurePki(tmp.dir, testConfig(), silent, { watch: true, audit });
    server = createServer(tlsServerOptions(pki), (socket: TLSSocket) => {
      const r = checkPeer(socket, pki);
      if (!r.ok) return socket.destroy();
      identities.push(
        `${r.identity.id}/${r.identity.nation}/${r.identity.clearance}/${r.identity.groups.join('+')}`,
      );
      socket.end(`hello ${r.identity.id}\n`);
    });
    guardTlsServer(server, pki, silent, audit, 'test');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server.close();
    pki.close();
    tmp.cleanup();
  });

  it('accepts a valid client and reads its identity from the certificate', async () => {
    const c = await pki.issueClient(spec);
    const r = await tryConnect(port, { ca: pki.ca, cert: c.cert, key: c.key });
    expect(r).toMatchObject({ ok: true, data: 'hello vilkas-1\n' });
    expect(identities).toContain('vilkas-1/LTU/SECRET/Blue');
  });

  it('refuses a client certificate from another CA', async () => {
    const other = await createCa('Rogue CA', 30);
    const c = await issueClientCert(other, spec, 'x', 30);
    const r = await tryConnect(port, { ca: pki.ca, cert: c.cert, key: c.key });
    expect(r.ok).toBe(false);
    await waitFor(
      () => audits.some((a) => a.kind === 'tls-refused' && a.f.rule === 'UNKNOWN_CA'),
      5000,
      'the audit record',
    );
  });

  it('refuses an expired client certificate', async () => {
    const caCert = new x509.X509Certificate(pki.ca);
    const keys = await generateKeys();
    const { readFileSync } = await import('node:fs');
    const caKey = await keyFromPem(readFileSync(`${pki.dir}/ca.key`, 'utf8'));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: 'CN=old',
      issuer: caCert.subject,
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGNING,
      extensions: [identityExtension(spec)],
    });
    const r = await tryConnect(port, {
      ca: pki.ca,
      cert: certToPem(cert),
      key: await keyToPem(keys.privateKey),
    });
    expect(r.ok).toBe(false);
    await waitFor(
      () => audits.some((a) => a.kind === 'tls-refused' && a.f.rule === 'CERT_HAS_EXPIRED'),
      5000,
      'the audit record',
    );
  });

  it('refuses a client without a certificate', async () => {
    const r = await tryConnect(port, { ca: pki.ca });
    expect(r.ok).toBe(false);
    await waitFor(
      () => audits.some((a) => a.kind === 'tls-refused' && a.f.rule === 'NO_CLIENT_CERT'),
      5000,
      'the audit record',
    );
  });

  it('refuses a certificate revoked while the server runs (CRL reloaded, no restart)', async () => {
    const c = await pki.issueClient({ ...spec, id: 'to-revoke' });
    expect((await tryConnect(port, { ca: pki.ca, cert: c.cert, key: c.key })).ok).toBe(true);
    // Revoke through a second PKI handle on the same directory, as the CLI in another process does.
    const cli = await ensurePki(pki.dir.replace(/\/pki$/, ''), testConfig(), silent);
    await cli.revoke(c.serial, 'keyCompromise');
    await waitFor(() => pki.crl() === cli.crl(), 10_000, 'the server to reload crl.pem'); // polled every second
    const r = await tryConnect(port, { ca: pki.ca, cert: c.cert, key: c.key });
    expect(r.ok).toBe(false);
    await waitFor(
      () => audits.some((a) => a.kind === 'tls-refused' && a.f.rule === 'CERT_REVOKED'),
      5000,
      'the audit record',
    );
    expect(audits.some((a) => a.kind === 'cert-revoke')).toBe(false); // recorded by the CLI's own audit, not ours
  });
});

describe('refusal reasons', { timeout: 90_000 }, () => {
  it('maps OpenSSL verification codes to stable reasons', async () => {
    const { refusalReason } = await import('../../src/trust/tls.js');
    const r = (code: string) => refusalReason(new Error(code));
    expect(r('CERT_REVOKED')).toBe('CERT_REVOKED');
    expect(r('CERT_HAS_EXPIRED')).toBe('CERT_HAS_EXPIRED');
    expect(r('CERT_NOT_YET_VALID')).toBe('CERT_NOT_YET_VALID');
    expect(r('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('UNKNOWN_CA');
    expect(r('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('UNKNOWN_CA');
    expect(r('UNABLE_TO_GET_CRL')).toBe('CRL_PROBLEM');
    expect(r('CRL_HAS_EXPIRED')).toBe('CRL_PROBLEM');
    expect(r('peer did not return a certificate')).toBe('NO_CLIENT_CERT');
    expect(r('socket hang up')).toBe('ABORTED');
    expect(r('something else')).toBe('HANDSHAKE_FAILED');
  });
});
