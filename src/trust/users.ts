/**
 * Enrollment users and one-time tokens in the shared store. Passwords are hashed with scrypt (N=16384, r=8, p=1,
 * 16-byte salt); tokens are random 24-byte strings stored only as SHA-256.
 *
 * Lockout is per user AND client address: after `maxFailures` wrong secrets for one user from one address, that
 * address may not sign in as that user for `lockoutMinutes`, doubling with each further lockout (capped at a day)
 * until a sign-in succeeds. The same user signs in from any other address meanwhile, so a guesser who knows a
 * name can never lock its owner out from elsewhere. (Guessing across names from one address is stopped by the
 * callers' per-address limit.)
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { addressKey } from '../ops/admission.js';
import type { Store } from '../store/db.js';
import type { IdentitySpec } from './pki/binding.js';
import { migrateTrust } from './schema.js';

const scrypt = promisify(scryptCb) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: object,
) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface User extends IdentitySpec {
  hasPassword: boolean;
  lockedUntil: number;
}

export type AuthResult =
  | { ok: true; user: User; via: 'password' | 'token'; commit: () => boolean }
  | {
      ok: false;
      reason: 'unknown-user' | 'bad-secret' | 'locked' | 'token-used' | 'token-expired';
      /** Set when this address is locked out for this user: how long (ms) until it may try again. */
      lockedForMs?: number;
      /** True when this very failure started the lockout. */
      lockedNow?: boolean;
    };

/** Longest lockout after repeated lockouts of one user from one address. */
export const MAX_LOCKOUT_MS = 24 * 3_600_000;
/** Where a sign-in came from when the caller has no address (the CLI). */
const NO_ADDRESS = '-';

export interface UserStore {
  add(spec: IdentitySpec, password?: string): Promise<void>;
  get(name: string): User | undefined;
  list(): User[];
  setPassword(name: string, password: string): Promise<void>;
  /** A one-time enrollment token for `name`, valid `ttlMinutes`. Returned once; only its hash is stored. */
  createToken(name: string, ttlMinutes: number): string;
  /**
   * Check a user name and secret (password or one-time token). A token is consumed only when the caller calls
   * `commit()` (after the CSR was accepted), so a malformed request does not burn it; `commit()` returns false when a
   * concurrent request consumed it first, and the caller must then refuse.
   */
  authenticate(name: string, secret: string, remote?: string): Promise<AuthResult>;
}

async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  const h = await scrypt(pw, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${h.toString('base64')}`;
}

async function verifyPassword(pw: string, stored: string | null): Promise<boolean> {
  // Unknown users and users without a password still cost one scrypt, so timing does not reveal which names exist.
  const parts = (stored ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$').split('$');
  const [, n, r, p, salt, hash] = parts;
  const h = await scrypt(pw, Buffer.from(salt!, 'base64'), 32, {
    N: +n!,
    r: +r!,
    p: +p!,
    maxmem: SCRYPT.maxmem,
  });
  const want = Buffer.from(hash!, 'base64');
  return stored !== null && want.length === h.length && timingSafeEqual(want, h);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface Row {
  name: string;
  kind: string;
  nation: string | null;
  clearance: string;
  categories: string;
  groups: string;
  password: string | null;
  failures: number;
  locked_until: number;
}

interface LockRow {
  failures: number;
  locked_until: number;
  lockouts: number;
}

function toUser(r: Row): User {
  return {
    id: r.name,
    kind: r.kind as User['kind'],
    nation: r.nation ?? undefined,
    clearance: r.clearance as User['clearance'],
    categories: JSON.parse(r.categories) as string[],
    groups: JSON.parse(r.groups) as string[],
    hasPassword: r.password !== null,
    lockedUntil: r.locked_until,
  };
}

export function createUserStore(
  store: Store,
  policy: { maxFailures: number; lockoutMinutes: number },
  now: () => number = Date.now,
): UserStore {
  migrateTrust(store);
  const db = store.db;
  const getRow = db.prepare<[string], Row>('SELECT * FROM trust_users WHERE name = ?');
  const getLock = db.prepare<[string, string], LockRow>(
    'SELECT failures, locked_until, lockouts FROM trust_lockouts WHERE name = ? AND remote = ?',
  );
  const putLock = db.prepare(
    `INSERT INTO trust_lockouts (name, remote, failures, locked_until, lockouts, updated_at) VALUES (?,?,?,?,?,?)
     ON CONFLICT(name, remote) DO UPDATE SET failures=excluded.failures, locked_until=excluded.locked_until,
       lockouts=excluded.lockouts, updated_at=excluded.updated_at`,
  );
  const clearLock = db.prepare('DELETE FROM trust_lockouts WHERE name = ? AND remote = ?');
  // Rows of addresses that stopped trying a day ago and hold no lock are forgotten: the table stays bounded.
  const prune = db.prepare('DELETE FROM trust_lockouts WHERE updated_at < ? AND locked_until < ?');
  const baseMs = policy.lockoutMinutes * 60_000;

  /** Count a wrong secret of `name` from `remote`; returns the lockout it started, if any. */
  let prunedAt = 0;
  const failed = (name: string, remote: string): number | undefined => {
    const t = now();
    if (t - prunedAt > 60_000) {
      prunedAt = t;
      prune.run(t - MAX_LOCKOUT_MS, t);
    }
    const l = getLock.get(name, remote) ?? { failures: 0, locked_until: 0, lockouts: 0 };
    const failures = l.failures + 1;
    if (failures < policy.maxFailures) {
      putLock.run(name, remote, failures, l.locked_until, l.lockouts, t);
      return undefined;
    }
    const ms = Math.min(baseMs * 2 ** l.lockouts, MAX_LOCKOUT_MS);
    putLock.run(name, remote, 0, t + ms, l.lockouts + 1, t);
    return ms;
  };
  const failure = (reason: 'bad-secret' | 'token-used', name: string, remote: string): AuthResult => {
    const ms = failed(name, remote);
    return ms === undefined ? { ok: false, reason } : { ok: false, reason, lockedForMs: ms, lockedNow: true };
  };

  return {
    async add(spec, password) {
      const hash = password === undefined ? null : await hashPassword(password);
      db.prepare(
        `INSERT INTO trust_users (name, kind, nation, clearance, categories, groups, password, created_at)
         VALUES (?,?,?,?,?,?,?,?)
         ON CONFLICT(name) DO UPDATE SET kind=excluded.kind, nation=excluded.nation, clearance=excluded.clearance,
           categories=excluded.categories, groups=excluded.groups, password=COALESCE(excluded.password, password)`,
      ).run(
        spec.id,
        spec.kind,
        spec.nation ?? null,
        spec.clearance,
        JSON.stringify(spec.categories),
        JSON.stringify(spec.groups),
        hash,
        now(),
      );
    },
    get(name) {
      const r = getRow.get(name);
      return r ? toUser(r) : undefined;
    },
    list() {
      return (db.prepare('SELECT * FROM trust_users ORDER BY name').all() as Row[]).map(toUser);
    },
    async setPassword(name, password) {
      const hash = await hashPassword(password);
      const r = db
        .prepare('UPDATE trust_users SET password = ?, failures = 0, locked_until = 0 WHERE name = ?')
        .run(hash, name);
      if (r.changes === 0) throw new Error(`no user ${name}`);
      db.prepare('DELETE FROM trust_lockouts WHERE name = ?').run(name);
    },
    createToken(name, ttlMinutes) {
      if (!getRow.get(name)) throw new Error(`no user ${name}`);
      const token = randomBytes(24).toString('base64url');
      db.prepare('INSERT INTO trust_tokens (hash, user, expires_at, created_at) VALUES (?,?,?,?)').run(
        sha256(token),
        name,
        now() + ttlMinutes * 60_000,
        now(),
      );
      return token;
    },
    async authenticate(name, secret, from) {
      // Counted per address, an IPv6 client per /64 (as admission counts it): rotating addresses gains nothing.
      const remote = from === undefined ? NO_ADDRESS : addressKey(from);
      const lockedUntil = getLock.get(name, remote)?.locked_until ?? 0;
      if (lockedUntil > now()) return { ok: false, reason: 'locked', lockedForMs: lockedUntil - now() };
      const r = getRow.get(name);
      const passOk = await verifyPassword(secret, r?.password ?? null);
      if (!r) return { ok: false, reason: 'unknown-user' };
      const user = toUser(r);
      const ok = { run: () => clearLock.run(name, remote) };
      if (passOk) {
        ok.run();
        return { ok: true, user, via: 'password', commit: () => true };
      }
      const t = db
        .prepare<[string, string], { expires_at: number; used_at: number | null }>(
          'SELECT expires_at, used_at FROM trust_tokens WHERE hash = ? AND user = ?',
        )
        .get(sha256(secret), name);
      if (!t) return failure('bad-secret', name, remote);
      if (t.used_at !== null) return failure('token-used', name, remote);
      if (t.expires_at <= now()) return { ok: false, reason: 'token-expired' };
      ok.run();
      const hash = sha256(secret);
      return {
        ok: true,
        user,
        via: 'token',
        commit: () =>
          db
            .prepare('UPDATE trust_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL')
            .run(now(), hash).changes === 1,
      };
    },
  };
}
