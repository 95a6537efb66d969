/**
 * Web sign-in under guessing: failures per address are limited (429, counted, whatever the user name and even with
 * the right password until the minute is over), and the audit trail gets a row per refused attempt only up to the
 * limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counter, startTestApp, type TestApp } from '../helpers/app.js';
import { addNationUsers } from './harness.js';

describe('web sign-in limits', () => {
  let app: TestApp;
  let url: string;
  const login = (user: string, password: string) =>
    fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, password }),
    });

  beforeAll(async () => {
    app = await startTestApp({ 'web.devMode': false, 'web.signInFailuresPerMinute': 4 });
    await addNationUsers(app);
    url = `http://127.0.0.1:${app.ports.http}`;
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('answers 429 with Retry-After after too many failures from one address, across user names', async () => {
    const codes: number[] = [];
    for (const user of ['anna', 'bert', 'carl', 'dora']) codes.push((await login(user, 'guess')).status);
    expect(codes).toEqual([401, 401, 401, 401]);
    const limited = await login('anna', 'anna-pass-1'); // even the right password, for the rest of the minute
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(await limited.json()).toMatchObject({ code: 'BW_WEB_SIGNIN_LIMITED' });
    expect(await counter(app, 'bw_rejected_total', { code: 'BW_WEB_SIGNIN_LIMITED' })).toBe(1);
    await expect
      .poll(() =>
        app.store.db.prepare("SELECT count(*) n FROM trust_audit WHERE kind = 'web-login-refused'").get(),
      )
      .toMatchObject({ n: 4 });
  });
});
