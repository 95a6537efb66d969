/**
 * Watch tokens: a TAK client cannot sign in with a cookie, so the video list it fetches over mutual TLS gives each
 * feed a URL with a token that names the feed and carries the client's identity, signed with a key made at start
 * (HMAC-SHA-256) and valid for `video.tokenMinutes`. The stream route takes the identity from a valid token, checks
 * it is still current (certificate not revoked, user unchanged: the service's `identityCheck`) and still asks the
 * egress gate, so a token never grants more than the identity it was made for, nor outlives its revocation.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Identity } from '../model/identity.js';

const KEY = randomBytes(32);
/** Default lifetime (`video.tokenMinutes`' default). */
const DEFAULT_TOKEN_TTL_MS = 10 * 60_000;

interface Claims {
  f: string;
  x: number;
  i: Identity;
}

const sign = (body: string) => createHmac('sha256', KEY).update(body).digest('base64url');

export function makeWatchToken(
  feed: string,
  who: Identity,
  now = Date.now(),
  ttlMs = DEFAULT_TOKEN_TTL_MS,
): string {
  const claims: Claims = {
    f: feed,
    x: now + ttlMs,
    i: {
      id: who.id,
      kind: who.kind,
      ...(who.nation ? { nation: who.nation } : {}),
      clearance: who.clearance,
      categories: [...who.categories],
      groups: [...who.groups],
      ...(who.certSerial ? { certSerial: who.certSerial } : {}),
    },
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(body)}`;
}

/** The identity a token was made for, when it is authentic, unexpired and for this feed. */
export function readWatchToken(token: string, feed: string, now = Date.now()): Identity | null {
  if (token.length > 4096) return null;
  const [body, mac] = token.split('.');
  if (!body || !mac) return null;
  const want = Buffer.from(sign(body));
  const got = Buffer.from(mac);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  try {
    const c = JSON.parse(Buffer.from(body, 'base64url').toString()) as Claims;
    return c.f === feed && c.x > now ? c.i : null;
  } catch {
    return null;
  }
}
