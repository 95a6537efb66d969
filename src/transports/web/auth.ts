/**
 * Sign-in for the browser: user name + password checked by a user directory (the trust module's users), a random
 * session token in an HttpOnly cookie, identity = nation, clearance, groups. An explicit development mode (off by
 * default) signs anyone in as whatever they claim, and says so on every page.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '../../model/identity.js';
import { isClassification } from '../../model/label.js';

export const SESSION_COOKIE = 'bw_session';
/**
 * The cookie over HTTPS: `Secure`, and with the `__Host-` prefix the browser keeps it to this host and path and
 * never lets plain HTTP set or overwrite it (both listeners share one host name, and cookies ignore ports).
 */
export const SECURE_SESSION_COOKIE = '__Host-bw_session';

/** The session cookie's name for a request: the `__Host-` one over HTTPS. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

const isHttps = (req: FastifyRequest) => req.protocol === 'https';

/** What development mode lets the sign-in form choose. */
export interface DevChoice {
  nation?: string;
  clearance?: string;
}

/**
 * Thrown by a sign-in when this address is locked out for this user (too many wrong passwords from it): the API
 * answers 423 BW_AUTH_LOCKED with Retry-After and audits a `login-locked` row. Other addresses are not affected.
 */
export class SignInLocked extends Error {
  override name = 'SignInLocked';
  constructor(
    readonly retryAfterMs: number,
    /** True when the failure that was just made started the lockout. */
    readonly started: boolean,
  ) {
    super('locked out from this address');
  }
}

/**
 * The user store the trust module provides: checks a password (throttled per user and address), returns the user's
 * identity; throws SignInLocked when `remote` is locked out for `user`.
 */
export interface UserDirectory {
  verify(user: string, password: string, remote?: string): Promise<Identity | null> | Identity | null;
}

/** Sign-in as the web API needs it. */
export interface WebAuth {
  readonly devMode: boolean;
  /**
   * Check credentials from address `remote`; the identity on success, null on failure (never says which part was
   * wrong). Throws SignInLocked when this address is locked out for this user.
   */
  login(user: string, password: string, extra?: DevChoice, remote?: string): Promise<Identity | null>;
  /** The identity of a request (its session cookie), or null when not signed in. */
  identityOf(req: FastifyRequest): Identity | null;
  /** Start a session for `who` and set its cookie. */
  startSession(reply: FastifyReply, who: Identity, secure: boolean): void;
  /** End the request's session and clear the cookie. */
  endSession(req: FastifyRequest, reply: FastifyReply): void;
}

interface Entry {
  identity: Identity;
  expires: number;
  /** Made over HTTPS: valid only over HTTPS (a Secure cookie's token never works on plain HTTP). */
  secure: boolean;
}

/** Bounded token -> identity table; the oldest session goes when full, expired ones on lookup. */
class SessionTable {
  private readonly byToken = new Map<string, Entry>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  create(identity: Identity, secure: boolean, now = Date.now()): string {
    const token = randomBytes(32).toString('base64url');
    if (this.byToken.size >= this.max) {
      const oldest = this.byToken.keys().next().value;
      if (oldest !== undefined) this.byToken.delete(oldest);
    }
    this.byToken.set(token, { identity, expires: now + this.ttlMs, secure });
    return token;
  }

  get(token: string | undefined, secure: boolean, now = Date.now()): Identity | null {
    if (!token) return null;
    const e = this.byToken.get(token);
    if (!e || e.secure !== secure) return null;
    if (e.expires <= now) {
      this.byToken.delete(token);
      return null;
    }
    return e.identity;
  }

  delete(token: string | undefined): void {
    if (token) this.byToken.delete(token);
  }
}

export interface AuthOptions {
  ttlMs: number;
  maxSessions: number;
}

function cookieOf(req: FastifyRequest): string | undefined {
  const cookies = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  return cookies?.[sessionCookieName(isHttps(req))];
}

abstract class CookieAuth implements WebAuth {
  abstract readonly devMode: boolean;
  protected readonly sessions: SessionTable;
  private readonly ttlMs: number;
  constructor(opts: AuthOptions) {
    this.sessions = new SessionTable(opts.ttlMs, opts.maxSessions);
    this.ttlMs = opts.ttlMs;
  }
  abstract login(
    user: string,
    password: string,
    extra?: DevChoice,
    remote?: string,
  ): Promise<Identity | null>;

  identityOf(req: FastifyRequest): Identity | null {
    return this.sessions.get(cookieOf(req), isHttps(req));
  }

  startSession(reply: FastifyReply, who: Identity, secure: boolean): void {
    const token = this.sessions.create(who, secure);
    reply.setCookie(sessionCookieName(secure), token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      maxAge: Math.floor(this.ttlMs / 1000),
    });
  }

  endSession(req: FastifyRequest, reply: FastifyReply): void {
    this.sessions.delete(cookieOf(req));
    const secure = isHttps(req);
    reply.clearCookie(sessionCookieName(secure), { path: '/', secure });
  }
}

/** Users-backed sign-in: the directory checks the password and supplies nation, clearance and groups. */
export class DirectoryAuth extends CookieAuth {
  readonly devMode = false;
  constructor(
    private readonly users: UserDirectory,
    opts: AuthOptions,
  ) {
    super(opts);
  }

  async login(user: string, password: string, _extra?: DevChoice, remote?: string): Promise<Identity | null> {
    if (!user || !password) return null;
    return (await this.users.verify(user, password, remote)) ?? null;
  }
}

/**
 * Development sign-in: no password, the identity is what the form claims. Only for demos and tests; the page
 * shows a warning strip while it is on.
 */
export class DevAuth extends CookieAuth {
  readonly devMode = true;
  constructor(
    private readonly groups: string[],
    opts: AuthOptions,
  ) {
    super(opts);
  }

  async login(user: string, _password: string, extra: DevChoice = {}): Promise<Identity | null> {
    const name = user.trim();
    if (!/^[\w.@-]{1,64}$/.test(name)) return null;
    const nation = extra.nation?.trim().toUpperCase();
    const clearance = extra.clearance && isClassification(extra.clearance) ? extra.clearance : 'UNCLASSIFIED';
    return {
      id: name,
      kind: 'user',
      ...(nation && /^[A-Z]{3}$/.test(nation) ? { nation } : {}),
      clearance,
      categories: [],
      groups: [...this.groups],
    };
  }
}

/** No sign-in possible: the web app is served but every API call answers 401 (no user directory, not dev mode). */
export class NoAuth extends CookieAuth {
  readonly devMode = false;
  async login(): Promise<Identity | null> {
    return null;
  }
}

/**
 * Sign-in by client certificate on the HTTPS listener: a request without a session whose TLS connection carries a
 * valid certificate of the hub's CA is that certificate's identity (the same one it has on 8089 and the Marti
 * API). A session from the form wins; signing out ends only that session.
 */
export class CertificateAuth implements WebAuth {
  constructor(
    private readonly inner: WebAuth,
    private readonly peerIdentity: (req: FastifyRequest) => Identity | null,
  ) {}
  get devMode(): boolean {
    return this.inner.devMode;
  }
  login(user: string, password: string, extra?: DevChoice, remote?: string): Promise<Identity | null> {
    return this.inner.login(user, password, extra, remote);
  }
  identityOf(req: FastifyRequest): Identity | null {
    return this.inner.identityOf(req) ?? (isHttps(req) ? this.peerIdentity(req) : null);
  }
  startSession(reply: FastifyReply, who: Identity, secure: boolean): void {
    this.inner.startSession(reply, who, secure);
  }
  endSession(req: FastifyRequest, reply: FastifyReply): void {
    this.inner.endSession(req, reply);
  }
}
