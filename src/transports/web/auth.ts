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

/** What development mode lets the sign-in form choose. */
export interface DevChoice {
  nation?: string;
  clearance?: string;
}

/** The user store the trust module provides: checks a password, returns the user's identity. */
export interface UserDirectory {
  verify(user: string, password: string): Promise<Identity | null> | Identity | null;
}

/** Sign-in as the web API needs it. */
export interface WebAuth {
  readonly devMode: boolean;
  /** Check credentials; the identity on success, null on failure (never says which part was wrong). */
  login(user: string, password: string, extra?: DevChoice): Promise<Identity | null>;
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
}

/** Bounded token -> identity table; the oldest session goes when full, expired ones on lookup. */
class SessionTable {
  private readonly byToken = new Map<string, Entry>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  create(identity: Identity, now = Date.now()): string {
    const token = randomBytes(32).toString('base64url');
    if (this.byToken.size >= this.max) {
      const oldest = this.byToken.keys().next().value;
      if (oldest !== undefined) this.byToken.delete(oldest);
    }
    this.byToken.set(token, { identity, expires: now + this.ttlMs });
    return token;
  }

  get(token: string | undefined, now = Date.now()): Identity | null {
    if (!token) return null;
    const e = this.byToken.get(token);
    if (!e) return null;
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
  return (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
}

abstract class CookieAuth implements WebAuth {
  abstract readonly devMode: boolean;
  protected readonly sessions: SessionTable;
  private readonly ttlMs: number;
  constructor(opts: AuthOptions) {
    this.sessions = new SessionTable(opts.ttlMs, opts.maxSessions);
    this.ttlMs = opts.ttlMs;
  }
  abstract login(user: string, password: string, extra?: DevChoice): Promise<Identity | null>;

  identityOf(req: FastifyRequest): Identity | null {
    return this.sessions.get(cookieOf(req));
  }

  startSession(reply: FastifyReply, who: Identity, secure: boolean): void {
    const token = this.sessions.create(who);
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      maxAge: Math.floor(this.ttlMs / 1000),
    });
  }

  endSession(req: FastifyRequest, reply: FastifyReply): void {
    this.sessions.delete(cookieOf(req));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
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

  async login(user: string, password: string): Promise<Identity | null> {
    if (!user || !password) return null;
    return (await this.users.verify(user, password)) ?? null;
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
