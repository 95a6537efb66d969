/**
 * Lockout is not a denial of service: a guesser at one address who knows a user name locks only itself out of that
 * user (423 on web sign-in and on enrollment, with Retry-After, audited as login-locked), while the user signs in
 * and enrolls from their own address. Repeated lockouts back off (each twice as long). Real HTTP(S) sockets, the
 * guesser on another loopback address.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey } from '../../src/ops/admission.js';
import { openStore } from '../../src/store/db.js';
import { FailureWindow } from '../../src/trust/enroll/failures.js';
import { createUserStore } from '../../src/trust/users.js';
import { addUser, ENROLLMENT, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../trust/helpers.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request from `localAddress` (a second loopback address plays the guesser). */
function send(
  tls: { ca: string } | undefined,
  port: number,
  path: string,
  localAddress: string,
  headers: Record<string, string>,
  body: string,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, path, method: 'POST', localAddress, headers, agent: false };
    const req = tls
      ? httpsRequest({ ...opts, ca: tls.ca, servername: 'localhost' }, done)
      : httpRequest(opts, done);
    function done(res: IncomingMessage) {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    }
    req.on('error', reject);
    req.end(body);
  });
}

describe('lockout per user and address', { timeout: 90_000 }, () => {
  let app: TestApp;
  let ca = '';
  const GUESSER = '127.0.0.2';
  const OWNER = '127.0.0.1';

  beforeAll(async () => {
    app = await startTestApp({
      'web.devMode': false,
      ...ENROLLMENT,
      'trust.enrollment.maxFailures': 5,
    });
    ca = readFileSync(join(app.dir, 'pki', 'ca.pem'), 'utf8');
    await addUser(app, 'vilkas', 'LTU', 'SECRET', 'vilkas-right-1');
  });
  afterAll(async () => app?.stop());

  const webLogin = (from: string, password: string) =>
    send(
      undefined,
      app.ports.http!,
      '/api/login',
      from,
      { 'content-type': 'application/json' },
      JSON.stringify({ user: 'vilkas', password }),
    );
  const enroll = (from: string, password: string) =>
    send(
      { ca },
      app.ports.enrollment!,
      '/Marti/api/tls/signClient/v2?clientUid=X',
      from,
      { Authorization: 'Basic ' + Buffer.from(`vilkas:${password}`).toString('base64'), Accept: '*/*' },
      'not a csr',
    );

  it('a guesser locks out only itself; the owner signs in and enrolls from its own address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await webLogin(GUESSER, `guess-${i}`)).status);
    expect(codes).toEqual([401, 401, 401, 401]);
    const fifth = await webLogin(GUESSER, 'guess-4'); // starts the lockout
    expect(fifth.status).toBe(423);
    const locked = await webLogin(GUESSER, 'vilkas-right-1'); // even the right password, from there
    expect(locked.status).toBe(423);
    expect(JSON.parse(locked.body)).toMatchObject({ code: 'BW_WEB_SIGNIN_LOCKED' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
    const enrollLocked = await enroll(GUESSER, 'vilkas-right-1');
    expect([enrollLocked.status, JSON.parse(enrollLocked.body).code]).toEqual([423, 'BW_AUTH_LOCKED']);
    expect(Number(enrollLocked.headers['retry-after'])).toBeGreaterThan(60);

    // The owner, elsewhere: signs in, and enrollment gets as far as reading the CSR (400, not 401/423).
    const owner = await webLogin(OWNER, 'vilkas-right-1');
    expect(owner.status).toBe(200);
    const ownerEnroll = await enroll(OWNER, 'vilkas-right-1');
    expect([ownerEnroll.status, JSON.parse(ownerEnroll.body).code]).toEqual([400, 'BW_CSR_MALFORMED']);

    const rows = () =>
      app.store.db
        .prepare("SELECT remote, path FROM trust_audit WHERE kind = 'login-locked' AND actor = 'vilkas'")
        .all() as { remote: string; path: string }[];
    await waitFor(() => rows().length >= 3, 5000, 'login-locked rows');
    expect(new Set(rows().map((r) => r.remote))).toEqual(new Set([GUESSER]));
    expect(new Set(rows().map((r) => r.path))).toEqual(new Set(['web-http', 'enroll']));
  });

  it('backs off: each further lockout of the same address lasts twice as long; success clears it', async () => {
    let t = 1_000_000;
    const store = openStore(':memory:');
    const users = createUserStore(store, { maxFailures: 3, lockoutMinutes: 1 }, () => t);
    await users.add({ id: 'u', kind: 'user', clearance: 'RESTRICTED', categories: [], groups: [] }, 'pw');
    const lockOnce = async () => {
      let last;
      for (let i = 0; i < 3; i++) last = await users.authenticate('u', 'bad', '10.9.9.9');
      return last!;
    };
    const first = await lockOnce();
    expect(first).toMatchObject({ ok: false, lockedForMs: 60_000, lockedNow: true });
    expect(await users.authenticate('u', 'pw', '10.9.9.9')).toMatchObject({ ok: false, reason: 'locked' });
    expect((await users.authenticate('u', 'pw', '10.8.8.8')).ok).toBe(true);
    t += 60_001;
    expect(await lockOnce()).toMatchObject({ lockedForMs: 120_000 });
    t += 120_001;
    expect(await lockOnce()).toMatchObject({ lockedForMs: 240_000 });
    t += 240_001;
    expect((await users.authenticate('u', 'pw', '10.9.9.9')).ok).toBe(true);
    expect(await lockOnce()).toMatchObject({ lockedForMs: 60_000 });
    store.close();
  });
  it('counts an IPv6 client per /64, however its address is spelled or rotated', async () => {
    expect(addressKey('2001:db8:0:0:1::4')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8::1:2:3:4')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:0db8:0000:0000:ffff:1:2:3')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    const store = openStore(':memory:');
    const users = createUserStore(store, { maxFailures: 3, lockoutMinutes: 1 });
    await users.add({ id: 'u', kind: 'user', clearance: 'RESTRICTED', categories: [], groups: [] }, 'pw');
    for (const a of ['2001:db8::1:2:3:4', '2001:db8:0:0:5::6', '2001:db8::7:8:9:a'])
      await users.authenticate('u', 'bad', a);
    expect(await users.authenticate('u', 'pw', '2001:db8::ffff:1')).toMatchObject({
      ok: false,
      reason: 'locked',
    });
    expect((await users.authenticate('u', 'pw', '2001:db8:0:1::1')).ok).toBe(true);
    const window = new FailureWindow(2);
    window.fail('2001:db8::1');
    window.fail('2001:db8:0:0:9::1');
    expect(window.blocked('2001:db8::2')).toBe(true);
    store.close();
  });
});
