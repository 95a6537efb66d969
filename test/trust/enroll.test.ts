/**
 * Enrollment end to end as a TAK client does it: fetch /Marti/api/tls/config, build a CSR with the names it asks for,
 * post it to signClient/v2 with Basic auth, then connect with the signed certificate to a mutual-TLS stream
 * listener. Then every kind of bad input, each a clear error and a counter, with the server still working after.
 */
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { XMLParser } from 'fast-xml-parser';
import { Registry } from 'prom-client';
import { createTrustMetrics } from '../../src/trust/metrics.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { createAudit, type Audit } from '../../src/trust/audit.js';
import { generateKeys, keyToPem, x509 } from '../../src/trust/pki/crypto.js';
import { ensurePki, type Pki } from '../../src/trust/pki/store.js';
import { startTrustServers, type TrustServers } from '../../src/trust/servers.js';
import { checkPeer, guardTlsServer, tlsServerOptions } from '../../src/trust/tls.js';
import { createUserStore } from '../../src/trust/users.js';
import { basic, https } from './https.js';
import { silent, tempDir, testConfig, tryConnect } from './helpers.js';

async function makeCsr(cn: string, o: string, ou: string) {
  const keys = await generateKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${cn}, O=${o}, OU=${ou}`,
    keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
  });
  // ATAK posts the DER as bare base64, no PEM armour.
  return { body: Buffer.from(csr.rawData).toString('base64'), key: await keyToPem(keys.privateKey) };
}

const registry = new Registry();
const metrics = createTrustMetrics(registry);

async function counter(result: string): Promise<number> {
  const m = await registry.getSingleMetric('bw_enroll_total')?.get();
  return m?.values.find((v) => v.labels['result'] === result)?.value ?? 0;
}

describe('enrollment', { timeout: 90_000 }, () => {
  const tmp = tempDir();
  const cfg = testConfig({
    enrollment: { port: 0, host: '127.0.0.1', maxFailures: 3, failuresPerAddressPerMinute: 12 },
    api: { port: 0, host: '127.0.0.1' },
  });
  let pki: Pki;
  let store: Store;
  let audit: Audit;
  let servers: TrustServers;
  let stream: Server;
  let streamPort = 0;
  let token = '';

  beforeAll(async () => {
    pki = await ensurePki(tmp.dir, cfg, silent);
    store = openStore(':memory:');
    audit = createAudit(store);
    const users = createUserStore(store, cfg.enrollment);
    const spec = { kind: 'user' as const, categories: [], groups: ['Blue'] };
    await users.add({ ...spec, id: 'vilkas', nation: 'LTU', clearance: 'SECRET' }, 'correct horse');
    await users.add({ ...spec, id: 'mara', nation: 'LVA', clearance: 'RESTRICTED' });
    await users.add({ ...spec, id: 'lockme', nation: 'EST', clearance: 'RESTRICTED' }, 'right');
    token = users.createToken('mara', 60);
    servers = await startTrustServers({
      cfg,
      store,
      pki,
      log: silent,
      audit,
      metrics,
      listClients: () => [
        {
          uid: 'ANDROID-1',
          callsign: 'VILKAS',
          lastSeen: Date.now(),
          label: { policy: 'NATO', classification: 'UNCLASSIFIED', categories: [] },
          identity: {
            id: 'vilkas',
            kind: 'user',
            nation: 'LTU',
            clearance: 'SECRET',
            categories: [],
            groups: ['Blue'],
          },
        },
        {
          uid: 'ANDROID-2',
          callsign: 'SECRETIVE',
          lastSeen: Date.now(),
          identity: {
            id: 'x',
            kind: 'user',
            nation: 'DEU',
            clearance: 'SECRET',
            categories: [],
            groups: ['Blue'],
          },
          label: { policy: 'NATO', classification: 'SECRET', categories: [] },
        },
      ],
    });
    stream = createServer(tlsServerOptions(pki), (s: TLSSocket) => {
      const r = checkPeer(s, pki);
      if (r.ok) s.end(`${r.identity.id} ${r.identity.nation} ${r.identity.clearance} ${r.identity.groups}\n`);
    });
    guardTlsServer(stream, pki, silent);
    await new Promise<void>((r) => stream.listen(0, '127.0.0.1', r));
    streamPort = (stream.address() as { port: number }).port;
  });
  afterAll(async () => {
    await servers.close();
    stream.close();
    audit.close();
    store.close();
    pki.close();
    tmp.cleanup();
  });

  async function enroll(user: string, secret: string, csrBody?: string, accept = 'application/xml') {
    const config = await https(servers.ports.enrollment!, '/Marti/api/tls/config', { ca: pki.ca });
    expect(config.status).toBe(200);
    const x = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true }).parse(config.body);
    const entries = x.certificateConfig.nameEntries.nameEntry as { '@_name': string; '@_value': string }[];
    const o = entries.find((e) => e['@_name'] === 'O')!['@_value'];
    const ou = entries.find((e) => e['@_name'] === 'OU')!['@_value'];
    // Key generation is the slow part: only when the caller did not bring its own body.
    const csr = csrBody === undefined ? await makeCsr(user, o, ou) : { body: csrBody, key: '' };
    const res = await https(
      servers.ports.enrollment!,
      '/Marti/api/tls/signClient/v2?clientUid=ANDROID-1&version=3',
      {
        method: 'POST',
        ca: pki.ca,
        headers: { ...basic(user, secret), Accept: accept, 'Content-Type': 'text/plain' },
        body: csr.body,
      },
    );
    return { res, key: csr.key };
  }

  it('signs a CSR the way ATAK asks, and the result connects to 8089 with the bound identity', async () => {
    const { res, key } = await enroll('vilkas', 'correct horse');
    expect(res.status).toBe(200);
    const doc = new XMLParser().parse(res.body) as { enrollment: { signedCert: string; ca: string } };
    const cert = x509.PemConverter.encode(Buffer.from(doc.enrollment.signedCert, 'base64'), 'CERTIFICATE');
    const ca = x509.PemConverter.encode(Buffer.from(doc.enrollment.ca, 'base64'), 'CERTIFICATE');
    expect(ca.replace(/\s/g, '')).toBe(pki.ca.replace(/\s/g, ''));
    const r = await tryConnect(streamPort, { ca, cert, key });
    expect(r).toMatchObject({ ok: true, data: 'vilkas LTU SECRET Blue\n' });

    // The same certificate opens the mTLS API; clientEndPoints hides the SECRET-labelled client from... nobody here
    // (vilkas is SECRET), and shows both.
    const eps = await https(servers.ports.api!, '/Marti/api/clientEndPoints', { ca, cert, key });
    expect(eps.status).toBe(200);
    expect((JSON.parse(eps.body) as { data: { uid: string }[] }).data.map((d) => d.uid)).toEqual([
      'ANDROID-1',
      'ANDROID-2',
    ]);
    expect((await https(servers.ports.api!, '/Marti/api/version', { ca, cert, key })).body).toContain(
      'Baltic Wall',
    );
    expect(audit.query({ kind: 'enroll', identity: 'vilkas' })).toHaveLength(1);
  });

  it('JSON answer with a one-time token; the token cannot be reused', async () => {
    const { res, key } = await enroll('mara', token, undefined, 'application/json');
    expect(res.status).toBe(200);
    const j = JSON.parse(res.body) as { signedCert: string; ca0: string };
    const cert = x509.PemConverter.encode(Buffer.from(j.signedCert, 'base64'), 'CERTIFICATE');
    const r = await tryConnect(streamPort, { ca: pki.ca, cert, key });
    expect(r.data).toBe('mara LVA RESTRICTED Blue\n');
    // clientEndPoints: RESTRICTED mara must not see the SECRET-labelled client.
    const eps = await https(servers.ports.api!, '/Marti/api/clientEndPoints', { ca: pki.ca, cert, key });
    expect((JSON.parse(eps.body) as { data: { uid: string }[] }).data.map((d) => d.uid)).toEqual([
      'ANDROID-1',
    ]);
    const before = await counter('BW_TOKEN_USED');
    const again = await enroll('mara', token, 'x');
    expect(again.res.status).toBe(401);
    expect(JSON.parse(again.res.body)).toMatchObject({ code: 'BW_TOKEN_USED' });
    expect(await counter('BW_TOKEN_USED')).toBe(before + 1);
  });

  it('refuses a malformed CSR, a CSR for someone else, no auth, and an oversized body', async () => {
    const bad = await enroll('vilkas', 'correct horse', 'not a csr!!');
    expect([bad.res.status, JSON.parse(bad.res.body).code]).toEqual([400, 'BW_CSR_MALFORMED']);
    const garbage = await enroll('vilkas', 'correct horse', Buffer.from('garbage der').toString('base64'));
    expect(JSON.parse(garbage.res.body).code).toBe('BW_CSR_MALFORMED');
    const other = await makeCsr('mara', 'Baltic Wall', 'Coalition');
    const mismatch = await enroll('vilkas', 'correct horse', other.body);
    expect([mismatch.res.status, JSON.parse(mismatch.res.body).code]).toEqual([403, 'BW_CSR_IDENTITY']);
    const noauth = await https(servers.ports.enrollment!, '/Marti/api/tls/signClient/v2', {
      method: 'POST',
      ca: pki.ca,
      body: 'x',
    });
    expect([noauth.status, JSON.parse(noauth.body).code]).toEqual([401, 'BW_AUTH_REQUIRED']);
    const before = await counter('BW_BODY_TOO_LARGE');
    const huge = await https(servers.ports.enrollment!, '/Marti/api/tls/signClient/v2', {
      method: 'POST',
      ca: pki.ca,
      headers: basic('vilkas', 'correct horse'),
      body: 'A'.repeat(200 * 1024),
    });
    expect([huge.status, JSON.parse(huge.body).code]).toEqual([413, 'BW_BODY_TOO_LARGE']);
    expect(await counter('BW_BODY_TOO_LARGE')).toBe(before + 1);
    expect(audit.query({ kind: 'enroll-refused', identity: 'vilkas' }).map((r) => r.rule)).toEqual([
      'BW_CSR_MALFORMED',
      'BW_CSR_MALFORMED',
      'BW_CSR_IDENTITY',
    ]);
    // Nothing else affected: a good enrollment still works.
    expect((await enroll('vilkas', 'correct horse')).res.status).toBe(200);
  });

  it('locks this address out for a user after repeated wrong passwords (423, audited)', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await enroll('lockme', 'wrong', 'x');
      expect(JSON.parse(r.res.body).code).toBe('BW_AUTH_FAILED');
    }
    const locked = await enroll('lockme', 'right', 'x');
    expect([locked.res.status, JSON.parse(locked.res.body).code]).toEqual([423, 'BW_AUTH_LOCKED']);
    expect(Number(locked.res.headers['retry-after'])).toBeGreaterThan(0);
    // One row when the lockout started, one for the refused attempt.
    expect(audit.query({ kind: 'login-locked', identity: 'lockme' }).length).toBe(2);
    expect((await enroll('nobody', 'x', 'x')).res.status).toBe(401);
  });

  it('refuses an address that keeps failing, whatever the user name (429)', async () => {
    let last = 0;
    for (let i = 0; i < 20 && last !== 429; i++) last = (await enroll(`guess${i}`, 'x', 'x')).res.status;
    expect(last).toBe(429);
    const blocked = await enroll('vilkas', 'correct horse', 'x');
    expect([blocked.res.status, JSON.parse(blocked.res.body).code]).toEqual([429, 'BW_RATE_LIMITED']);
  });

  it('refuses the mTLS API without a client certificate', async () => {
    await expect(https(servers.ports.api!, '/Marti/api/version', { ca: pki.ca })).rejects.toThrow();
  });
});

describe('users and tokens', { timeout: 90_000 }, () => {
  it('expires tokens', async () => {
    const store = openStore(':memory:');
    let t = 1_000_000;
    const users = createUserStore(store, { maxFailures: 5, lockoutMinutes: 15 }, () => t);
    await users.add({ id: 'u', kind: 'user', clearance: 'UNCLASSIFIED', categories: [], groups: [] });
    const tok = users.createToken('u', 10);
    t += 11 * 60_000;
    expect(await users.authenticate('u', tok)).toEqual({ ok: false, reason: 'token-expired' });
    const tok2 = users.createToken('u', 10);
    const a = await users.authenticate('u', tok2);
    expect(a.ok && a.via).toBe('token');
    if (a.ok) expect([a.commit(), a.commit()]).toEqual([true, false]);
    store.close();
  });
});

describe('failure window', { timeout: 90_000 }, () => {
  it('blocks an address after the limit within the window, forgets it after, and stays bounded', async () => {
    const { FailureWindow } = await import('../../src/trust/enroll/failures.js');
    let t = 0;
    const w = new FailureWindow(3, 60_000, 2, () => t);
    for (let i = 0; i < 3; i++) w.fail('a');
    expect(w.blocked('a')).toBe(true);
    t += 61_000;
    expect(w.blocked('a')).toBe(false);
    w.fail('b');
    w.fail('c');
    w.fail('d');
    expect((w as unknown as { hits: Map<string, number[]> }).hits.size).toBeLessThanOrEqual(2);
  });
});

describe('CSR reading', { timeout: 90_000 }, () => {
  it('reads PEM, bare base64 and form-encoded bodies; refuses a bad signature', async () => {
    const { readCsr } = await import('../../src/trust/enroll/csr.js');
    const keys = await generateKeys();
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=a',
      keys,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
    });
    const pem = csr.toString('pem');
    for (const body of [pem, Buffer.from(csr.rawData).toString('base64'), encodeURIComponent(pem)]) {
      expect((await readCsr(body)).subject).toBe('CN=a');
    }
    const der = Buffer.from(csr.rawData);
    der[der.length - 5]! ^= 0xff; // flip signature bits
    await expect(readCsr(der.toString('base64'))).rejects.toMatchObject({ code: 'BW_CSR_BAD_SIGNATURE' });
    await expect(readCsr('%zz')).rejects.toMatchObject({ code: 'BW_CSR_MALFORMED' });
  });
});
