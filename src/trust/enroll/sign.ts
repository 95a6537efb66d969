/**
 * /Marti/api/tls/signClient and /v2: the client posts a CSR, authenticated by HTTP Basic with its user name and a
 * password or one-time token (the enrollment QR/link carries the token as the password). We check the secret
 * (lockout after repeated failures), parse and verify the CSR, require its CN to be the user, and sign it with the
 * identity the user store holds: a client cannot choose its own nation, clearance or groups.
 *
 * The answers follow TAK Server's CertManagerApi, which third-party clients are written against:
 * - v2 answers JSON ({signedCert, ca0, ca1…}: base64 DER in 64-character lines, PEM without its armour) when Accept
 *   is missing, empty, contains `* /*` or `application/json`; XML (<enrollment><signedCert/><ca/>…</enrollment>)
 *   when it contains `application/xml`; anything else is refused with 400 before a certificate is signed.
 * - v1 answers a PKCS#12 (application/octet-stream, password `atakatak`) holding `signedCert` and `ca0`….
 * Wrong secrets lock out one user from one address (423 BW_AUTH_LOCKED with Retry-After, audited as login-locked);
 * too many failures from one address for any names give 429 BW_RATE_LIMITED.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createTrustMetrics, type TrustMetrics } from '../metrics.js';
import type { AuditSink } from '../audit-types.js';
import { x509 } from '../pki/crypto.js';
import type { Pki } from '../pki/store.js';
import type { UserStore } from '../users.js';
import { checkCsrIdentity, CsrError, readCsr } from './csr.js';
import { FailureWindow } from './failures.js';
import { certificatesP12, SIGN_CLIENT_P12_PASSWORD } from './keystore.js';

/** Refusal codes the enrollment endpoints answer with (not in src/errors.ts yet). */
export type EnrollErrorCode =
  | 'BW_RATE_LIMITED'
  | 'BW_AUTH_REQUIRED'
  | 'BW_AUTH_FAILED'
  | 'BW_AUTH_LOCKED'
  | 'BW_TOKEN_USED'
  | 'BW_TOKEN_EXPIRED'
  | 'BW_CSR_MALFORMED'
  | 'BW_CSR_BAD_SIGNATURE'
  | 'BW_CSR_IDENTITY'
  | 'BW_BODY_TOO_LARGE'
  | 'BW_ENROLL_BAD_REQUEST';

function refuse(
  counter: TrustMetrics['enrollResults'],
  reply: FastifyReply,
  status: number,
  code: EnrollErrorCode,
  message: string,
  retryAfterS = 60,
) {
  counter.inc({ result: code });
  if (status === 401) reply.header('WWW-Authenticate', 'Basic realm="balticwall"');
  if (status === 429 || status === 423) reply.header('Retry-After', String(retryAfterS));
  return reply.code(status).type('application/json').send({ code, message });
}

function basicAuth(req: FastifyRequest): { user: string; secret: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const text = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i > 0 ? { user: text.slice(0, i), secret: text.slice(i + 1) } : undefined;
}

/** A certificate as TAK Server's Util.certToPEM(cert, false) writes it: base64 DER in 64-character lines. */
const pemBody = (pem: string) =>
  Buffer.from(x509.PemConverter.decodeFirst(pem))
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
const pemList = (pems: string) =>
  x509.PemConverter.decode(pems).map((d) => x509.PemConverter.encode(d, 'CERTIFICATE'));

/** What signClient/v2 answers for an Accept header, as TAK Server decides it; undefined = 400. */
export function v2Format(accept: string | undefined): 'json' | 'xml' | undefined {
  const a = (accept ?? '').toLowerCase();
  if (a.length === 0 || a.includes('*/*') || a.includes('application/json')) return 'json';
  if (a.includes('application/xml')) return 'xml';
  return undefined;
}

function answer(reply: FastifyReply, format: 'json' | 'xml' | 'p12', cert: string, chain: string[]) {
  if (format === 'p12') {
    const entries = [
      { alias: 'signedCert', pem: cert },
      ...chain.map((pem, i) => ({ alias: `ca${i}`, pem })),
    ];
    return reply.type('application/octet-stream').send(certificatesP12(entries, SIGN_CLIENT_P12_PASSWORD));
  }
  if (format === 'json') {
    const body: Record<string, string> = { signedCert: pemBody(cert) };
    chain.forEach((pem, i) => (body[`ca${i}`] = pemBody(pem)));
    return reply.type('application/json').send(JSON.stringify(body, null, 2));
  }
  const cas = chain.map((pem) => `<ca>${pemBody(pem)}</ca>`).join('');
  return reply
    .type('application/xml')
    .send(
      `<?xml version="1.0" encoding="UTF-8"?><enrollment><signedCert>${pemBody(cert)}</signedCert>${cas}</enrollment>`,
    );
}

export interface SignDeps {
  pki: Pki;
  users: UserStore;
  log: Pick<Logger, 'info' | 'warn'>;
  audit: AuditSink;
  /** Failed sign-ins one address may make per minute before it gets 429 (default 30). */
  failuresPerAddress?: number;
  /** The app's bw_enroll_total. */
  enrollResults?: TrustMetrics['enrollResults'];
}

function refusalCode(reason: string): EnrollErrorCode {
  if (reason === 'locked') return 'BW_AUTH_LOCKED';
  if (reason === 'token-used') return 'BW_TOKEN_USED';
  if (reason === 'token-expired') return 'BW_TOKEN_EXPIRED';
  return 'BW_AUTH_FAILED';
}

export function registerSignClient(app: FastifyInstance, deps: SignDeps): void {
  const { pki, users, log, audit } = deps;
  const enrolled = deps.enrollResults ?? createTrustMetrics().enrollResults;
  const failures = new FailureWindow(deps.failuresPerAddress ?? 30);

  async function handle(req: FastifyRequest, reply: FastifyReply, v2: boolean) {
    const remote = req.ip;
    const q = req.query as Record<string, string | undefined>;
    const clientUid = q['clientUid']?.slice(0, 200);
    const format = v2 ? v2Format(req.headers.accept) : 'p12';
    if (!format) {
      return refuse(
        enrolled,
        reply,
        400,
        'BW_ENROLL_BAD_REQUEST',
        'Accept must allow application/json or application/xml',
      );
    }
    if (failures.blocked(remote)) {
      return refuse(
        enrolled,
        reply,
        429,
        'BW_RATE_LIMITED',
        'too many failed sign-ins from this address; try later',
      );
    }
    const creds = basicAuth(req);
    if (!creds) return refuse(enrolled, reply, 401, 'BW_AUTH_REQUIRED', 'HTTP Basic authentication required');
    const auth = await users.authenticate(creds.user, creds.secret, remote);
    if (!auth.ok) {
      if (auth.reason !== 'locked') failures.fail(remote);
      const code = refusalCode(auth.reason);
      log.warn({ user: creds.user, remote, reason: auth.reason }, 'enrollment refused');
      audit.record(auth.lockedForMs !== undefined ? 'login-locked' : 'enroll-refused', {
        actor: creds.user,
        rule: code,
        remote,
        ref: clientUid,
        path: 'enroll',
        ...(auth.lockedForMs !== undefined
          ? { detail: { lockedForMs: auth.lockedForMs, started: !!auth.lockedNow } }
          : {}),
      });
      if (auth.reason === 'locked') {
        return refuse(
          enrolled,
          reply,
          423,
          code,
          'locked out from this address; try later',
          Math.ceil(auth.lockedForMs! / 1000),
        );
      }
      return refuse(enrolled, reply, 401, code, 'authentication failed');
    }
    const user = auth.user;
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = await readCsr(typeof req.body === 'string' ? req.body : '');
      checkCsrIdentity(csr, user.id);
    } catch (e) {
      if (!(e instanceof CsrError)) throw e;
      log.warn({ user: user.id, remote, reason: e.code, err: e.message }, 'enrollment CSR refused');
      audit.record('enroll-refused', {
        actor: user.id,
        nation: user.nation,
        rule: e.code,
        remote,
        ref: clientUid,
      });
      return refuse(enrolled, reply, e.code === 'BW_CSR_IDENTITY' ? 403 : 400, e.code, e.message);
    }
    if (!auth.commit()) return refuse(enrolled, reply, 401, 'BW_TOKEN_USED', 'token already used');
    const { cert, serial } = await pki.signCsr(csr, user, auth.via === 'token' ? 'enroll-token' : 'enroll');
    enrolled.inc({ result: 'ok' });
    audit.record('enroll', { actor: user.id, nation: user.nation, ref: serial, remote, path: auth.via });
    log.info({ user: user.id, serial, clientUid, via: auth.via, format }, 'client enrolled');
    return answer(reply, format, cert, pemList(pki.ca));
  }

  app.post('/Marti/api/tls/signClient', (req, reply) => handle(req, reply, false));
  app.post('/Marti/api/tls/signClient/v2', (req, reply) => handle(req, reply, true));
  // ATAK asks for an enrollment profile (a data package) after signing. TAK Server requires clientUid and answers
  // 204 when it has no profile for the client; we serve no profiles.
  app.get('/Marti/api/tls/profile/enrollment', async (req, reply) => {
    const uid = (req.query as Record<string, string | undefined>)['clientUid'];
    if (uid === undefined)
      return refuse(enrolled, reply, 400, 'BW_ENROLL_BAD_REQUEST', 'clientUid is required');
    return reply.code(204).send();
  });
}
