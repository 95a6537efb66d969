/**
 * Onboarding as real clients and people do it, against the whole app with the demo playing:
 * - a third-party TAK client written against TAK Server (its own CSR from openssl, its own HTTPS requests, none of
 *   the hub's helpers) enrolls unmodified: tls/config, signClient/v2 with `Accept: * /*` parsed as JSON, and the v1
 *   fallback parsed as a PKCS#12 (password atakatak), then streams on 8089 with the certificate it got and sees the
 *   demo;
 * - the documented first certificate (docs/trust.md's `pki client` line, and the start-up hint's `pki package`)
 *   sees the demo too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { Command } from 'commander';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerPkiCommands } from '../../src/cli/pki.js';
import { FIRST_CLIENT_COMMAND } from '../../src/trust/pki/store.js';
import { addUser, ENROLLMENT, startTestApp, type TestApp } from '../helpers/app.js';

const work = mkdtempSync(join(tmpdir(), 'bw-onboard-'));
const file = (name: string) => join(work, name);

function openssl(args: string[], input?: Buffer): string {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface Res {
  status: number;
  type: string;
  body: Buffer;
}

/** What a TAK client's HTTP stack does: HTTPS trusting the server's CA, Basic auth, its own headers. */
function call(
  port: number,
  ca: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ca,
        servername: 'localhost',
        agent: false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(parts),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Stream on 8089 with a certificate; resolves with what arrived once a demo ground unit's report is among it. */
function streamUntilDemo(port: number, ca: string, cert: string, key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = connect({ host: '127.0.0.1', port, ca, cert, key, servername: 'localhost' });
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error(`no demo traffic within 30 s; got: ${got.slice(0, 300)}`));
    }, 30_000);
    s.on('data', (d: Buffer) => {
      got += d.toString('utf8');
      if (/<event[^>]*type="a-f-G/.test(got)) {
        clearTimeout(t);
        s.end();
        resolve(got);
      }
    });
    s.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

async function pki(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerPkiCommands(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await program.parseAsync(['node', 'balticwall', ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

/** A shell line from the docs as argv (no quoting in these lines). */
const argv = (line: string) => line.trim().split(/\s+/).slice(1);

describe('onboarding like real clients', { timeout: 120_000 }, () => {
  let app: TestApp;
  let ca = '';
  beforeAll(async () => {
    app = await startTestApp({
      'tls.enabled': true,
      'tls.port': 0,
      'tls.host': '127.0.0.1',
      ...ENROLLMENT,
      'mavlink.enabled': true,
      'mavlink.port': 0,
      'demo.enabled': true,
      'demo.speed': 5,
    });
    ca = readFileSync(join(app.dir, 'pki', 'ca.pem'), 'utf8');
    // As docs/trust.md says: `BW_PASSWORD=… balticwall pki user add mara --nation LVA --clearance RESTRICTED`.
    await addUser(app, 'mara', 'LVA', 'RESTRICTED', 'mara-pass-1');
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const auth = { Authorization: 'Basic ' + Buffer.from('mara:mara-pass-1').toString('base64') };

  /** The client's own CSR: the names tls/config asks for, CN = the user. */
  async function csrFromConfig(keyFile: string): Promise<string> {
    const cfg = await call(app.ports.enrollment!, ca, '/Marti/api/tls/config', auth);
    expect(cfg.status).toBe(200);
    const xml = cfg.body.toString('utf8');
    expect(xml).not.toContain('validityDays');
    const names = [...xml.matchAll(/<nameEntry name="(\w+)" value="([^"]*)"\/>/g)].map(
      (m) => `/${m[1]}=${m[2]}`,
    );
    expect(names.length).toBe(2);
    return openssl([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-subj',
      `/CN=mara${names.join('')}`,
    ]);
  }

  it('a third-party client enrolls on v2 with Accept */* (JSON) and streams on 8089 with its certificate', async () => {
    const csr = await csrFromConfig(file('v2.key'));
    const res = await call(
      app.ports.enrollment!,
      ca,
      '/Marti/api/tls/signClient/v2?clientUid=THIRDPARTY-1&version=3',
      { ...auth, Accept: '*/*', 'Content-Type': 'text/plain' },
      csr,
    );
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    const json = JSON.parse(res.body.toString('utf8')) as Record<string, string>;
    const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64.trim()}\n-----END CERTIFICATE-----\n`;
    writeFileSync(file('v2.pem'), pem(json['signedCert']!));
    writeFileSync(file('v2-ca.pem'), pem(json['ca0']!));
    expect(openssl(['verify', '-CAfile', file('v2-ca.pem'), file('v2.pem')])).toContain('OK');
    const profile = await call(
      app.ports.enrollment!,
      ca,
      '/Marti/api/tls/profile/enrollment?clientUid=THIRDPARTY-1',
      auth,
    );
    expect(profile.status).toBe(204);
    const got = await streamUntilDemo(
      app.ports.tls!,
      readFileSync(file('v2-ca.pem'), 'utf8'),
      readFileSync(file('v2.pem'), 'utf8'),
      readFileSync(file('v2.key'), 'utf8'),
    );
    expect(got).toMatch(/callsign="[A-Z]/);
  });

  it('falls back to v1 and reads the answer as a PKCS#12 (signedCert, ca0; password atakatak)', async () => {
    const csr = await csrFromConfig(file('v1.key'));
    const res = await call(
      app.ports.enrollment!,
      ca,
      '/Marti/api/tls/signClient?clientUid=THIRDPARTY-2',
      { ...auth, Accept: '*/*' },
      csr,
    );
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/octet-stream/);
    writeFileSync(file('v1.p12'), res.body);
    const info = openssl(['pkcs12', '-in', file('v1.p12'), '-passin', 'pass:atakatak', '-nokeys']);
    const aliases = [...info.matchAll(/friendlyName: (\S+)/g)].map((m) => m[1]);
    expect(aliases).toEqual(['signedCert', 'ca0']);
    // The entry under the alias signedCert, as a key store lookup by alias would give it.
    const cert =
      /friendlyName: signedCert[\s\S]*?(-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----)/.exec(
        info,
      )![1]!;
    expect(openssl(['x509', '-noout', '-subject'], Buffer.from(cert))).toMatch(/subject=CN\s*=\s*mara/);
    const got = await streamUntilDemo(app.ports.tls!, ca, cert, readFileSync(file('v1.key'), 'utf8'));
    expect(got).toContain('<event');
  });

  it('answers XML only for application/xml and refuses other Accept values before signing', async () => {
    const csr = await csrFromConfig(file('x.key'));
    const path = '/Marti/api/tls/signClient/v2?clientUid=THIRDPARTY-3';
    const enrollRows = () =>
      (
        app.store.db.prepare("SELECT count(*) n FROM trust_audit WHERE kind = 'enroll'").get() as {
          n: number;
        }
      ).n;
    // Audit rows are written every 250 ms: let the earlier tests' signings land before counting.
    let before = -1;
    await expect
      .poll(
        () => {
          const [was, now] = [before, enrollRows()];
          before = now;
          return was === now;
        },
        { interval: 400 },
      )
      .toBe(true);
    const bad = await call(app.ports.enrollment!, ca, path, { ...auth, Accept: 'text/html' }, csr);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString('utf8'))).toMatchObject({ code: 'BW_ENROLL_BAD_REQUEST' });
    const none = await call(app.ports.enrollment!, ca, path, { ...auth }, csr);
    expect(none.type).toMatch(/^application\/json/);
    const xml = await call(app.ports.enrollment!, ca, path, { ...auth, Accept: 'application/xml' }, csr);
    expect(xml.type).toMatch(/^application\/xml/);
    expect(xml.body.toString('utf8')).toMatch(
      /^<\?xml[^>]*\?><enrollment><signedCert>[A-Za-z0-9+/=\n]+<\/signedCert><ca>/,
    );
    const json = await call(
      app.ports.enrollment!,
      ca,
      path,
      { ...auth, Accept: 'application/json, text/plain' },
      csr,
    );
    expect(json.type).toMatch(/^application\/json/);
    const noUid = await call(app.ports.enrollment!, ca, '/Marti/api/tls/profile/enrollment', auth);
    expect(noUid.status).toBe(400);
    // Three certificates signed (none, xml, json), none for the refused Accept.
    await expect.poll(enrollRows).toBe(before + 3);
  });

  it("the documented first certificate (docs/trust.md's pki client line) sees the demo", async () => {
    const docs = readFileSync(new URL('../../docs/trust.md', import.meta.url), 'utf8');
    const line = /^balticwall pki client .*$/m.exec(docs)![0].replace(/#.*/, '');
    const args = argv(line).map((a) => (a === './certs' ? file('certs') : a));
    await pki([...args, '-d', app.dir]);
    const name = args[2]!;
    const got = await streamUntilDemo(
      app.ports.tls!,
      ca,
      readFileSync(join(file('certs'), `${name}.pem`), 'utf8'),
      readFileSync(join(file('certs'), `${name}.key`), 'utf8'),
    );
    expect(got).toContain('<event');
  });

  it("the start-up hint's pki package sees the demo", async () => {
    const args = argv(FIRST_CLIENT_COMMAND.replace('NAME', 'hinted'));
    await pki([...args, '-d', app.dir, '--host', 'localhost', '--out', file('pkg')]);
    const zip = unzipSync(readFileSync(join(file('pkg'), 'hinted.zip')));
    const p12 = Object.entries(zip).find(([n]) => /hinted-.*\.p12$/.test(n))![1];
    writeFileSync(file('hinted.p12'), p12);
    const pass = ['-passin', 'pass:atakatak'];
    const cert = openssl(['pkcs12', '-in', file('hinted.p12'), ...pass, '-nokeys', '-clcerts']);
    const key = openssl(['pkcs12', '-in', file('hinted.p12'), ...pass, '-nocerts', '-nodes']);
    const got = await streamUntilDemo(app.ports.tls!, ca, cert, key);
    expect(got).toContain('<event');
  });
});
