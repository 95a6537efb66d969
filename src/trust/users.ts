/**
 * Enrollment users and one-time tokens in the shared store. Passwords are hashed with scrypt (N=16384, r=8, p=1,
 * 16-byte salt); tokens are random 24-byte strings stored only as SHA-256. After `maxFailures` wrong secrets an
 * account is locked for `lockoutMinutes`; a locked account refuses even the right password until then.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
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
  | { ok: false; reason: 'unknown-user' | 'bad-secret' | 'locked' | 'token-used' | 'token-expired' };

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
  authenticate(name: string, secret: string): Promise<AuthResult>;
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
  const fail = db.prepare('UPDATE trust_users SET failures = failures + 1 WHERE name = ?');
  const lock = db.prepare('UPDATE trust_users SET locked_until = ?, failures = 0 WHERE name = ?');
  const ok = db.prepare('UPDATE trust_users SET failures = 0 WHERE name = ?');

  const failed = (name: string) => {
    fail.run(name);
    const r = getRow.get(name);
    if (r && r.failures >= policy.maxFailures) lock.run(now() + policy.lockoutMinutes * 60_000, name);
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
    async authenticate(name, secret) {
      const r = getRow.get(name);
      const passOk = await verifyPassword(secret, r?.password ?? null);
      if (!r) return { ok: false, reason: 'unknown-user' };
      if (r.locked_until > now()) return { ok: false, reason: 'locked' };
      const user = toUser(r);
      if (passOk) {
        ok.run(name);
        return { ok: true, user, via: 'password', commit: () => true };
      }
      const t = db
        .prepare<[string, string], { expires_at: number; used_at: number | null }>(
          'SELECT expires_at, used_at FROM trust_tokens WHERE hash = ? AND user = ?',
        )
        .get(sha256(secret), name);
      if (!t) {
        failed(name);
        return { ok: false, reason: 'bad-secret' };
      }
      if (t.used_at !== null) {
        failed(name);
        return { ok: false, reason: 'token-used' };
      }
      if (t.expires_at <= now()) return { ok: false, reason: 'token-expired' };
      ok.run(name);
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
