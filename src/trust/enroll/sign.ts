/**
 * /Marti/api/tls/signClient and /v2: the client posts a CSR, authenticated by HTTP Basic with its user name and a
 * password or one-time token (the enrollment QR/link carries the token as the password). We check the secret
 * (lockout after repeated failures), parse and verify the CSR, require its CN to be the user, and sign it with the
 * identity the user store holds: a client cannot choose its own nation, clearance or groups.
 * v2 answers JSON ({signedCert, ca0…}, base64 DER) when the client accepts JSON, else TAK's XML
 * (<enrollment><signedCert/><ca/></enrollment>); v1 answers the signed certificate and CA chain as PEM.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { enrollResults } from '../metrics.js';
import type { AuditSink } from '../audit-types.js';
import { x509 } from '../pki/crypto.js';
import type { Pki } from '../pki/store.js';
import type { UserStore } from '../users.js';
import { checkCsrIdentity, CsrError, readCsr } from './csr.js';
import { FailureWindow } from './failures.js';

export const enrollCounter = enrollResults;

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
  | 'BW_BODY_TOO_LARGE';

function refuse(reply: FastifyReply, status: number, code: EnrollErrorCode, message: string) {
  enrollCounter.inc({ result: code });
  if (status === 401) reply.header('WWW-Authenticate', 'Basic realm="balticwall"');
  if (status === 429) reply.header('Retry-After', '60');
  return reply.code(status).type('application/json').send({ code, message });
}

function basicAuth(req: FastifyRequest): { user: string; secret: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const text = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i > 0 ? { user: text.slice(0, i), secret: text.slice(i + 1) } : undefined;
}

const b64Der = (pem: string) => Buffer.from(x509.PemConverter.decodeFirst(pem)).toString('base64');

export interface SignDeps {
  pki: Pki;
  users: UserStore;
  log: Pick<Logger, 'info' | 'warn'>;
  audit: AuditSink;
  /** Failed sign-ins one address may make per minute before it gets 429 (default 30). */
  failuresPerAddress?: number;
}

export function registerSignClient(app: FastifyInstance, deps: SignDeps): void {
  const { pki, users, log, audit } = deps;
  const failures = new FailureWindow(deps.failuresPerAddress ?? 30);

  async function handle(req: FastifyRequest, reply: FastifyReply, v2: boolean) {
    const remote = req.ip;
    const q = req.query as Record<string, string | undefined>;
    const clientUid = q['clientUid']?.slice(0, 200);
    if (failures.blocked(remote)) {
      return refuse(reply, 429, 'BW_RATE_LIMITED', 'too many failed sign-ins from this address; try later');
    }
    const creds = basicAuth(req);
    if (!creds) return refuse(reply, 401, 'BW_AUTH_REQUIRED', 'HTTP Basic authentication required');
    const auth = await users.authenticate(creds.user, creds.secret);
    if (!auth.ok) {
      failures.fail(remote);
      const code =
        auth.reason === 'locked'
          ? 'BW_AUTH_LOCKED'
          : auth.reason === 'token-used'
            ? 'BW_TOKEN_USED'
            : auth.reason === 'token-expired'
              ? 'BW_TOKEN_EXPIRED'
              : 'BW_AUTH_FAILED';
      log.warn({ user: creds.user, remote, reason: auth.reason }, 'enrollment refused');
      audit.record(auth.reason === 'locked' ? 'login-locked' : 'enroll-refused', {
        actor: creds.user,
        rule: code,
        remote,
        ref: clientUid,
      });
      return refuse(
        reply,
        401,
        code,
        auth.reason === 'locked' ? 'account locked; try later' : 'authentication failed',
      );
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
      return refuse(reply, e.code === 'BW_CSR_IDENTITY' ? 403 : 400, e.code, e.message);
    }
    if (!auth.commit()) return refuse(reply, 401, 'BW_TOKEN_USED', 'token already used');
    const { cert, serial } = await pki.signCsr(csr, user, auth.via === 'token' ? 'enroll-token' : 'enroll');
    enrollCounter.inc({ result: 'ok' });
    audit.record('enroll', { actor: user.id, nation: user.nation, ref: serial, remote, path: auth.via });
    log.info({ user: user.id, serial, clientUid, via: auth.via }, 'client enrolled');
    if (!v2) return reply.type('application/x-pem-file').send(cert + pki.ca);
    const accept = String(req.headers.accept ?? '');
    if (accept.includes('json')) return reply.send({ signedCert: b64Der(cert), ca0: b64Der(pki.ca) });
    return reply
      .type('application/xml')
      .send(`<enrollment><signedCert>${b64Der(cert)}</signedCert><ca>${b64Der(pki.ca)}</ca></enrollment>`);
  }

  app.post('/Marti/api/tls/signClient', (req, reply) => handle(req, reply, false));
  app.post('/Marti/api/tls/signClient/v2', (req, reply) => handle(req, reply, true));
  // ATAK asks for an enrollment profile (a data package) after signing; none configured -> 204, as TAK Server does.
  app.get('/Marti/api/tls/profile/enrollment', async (_req, reply) => reply.code(204).send());
}
