/**
 * The PKI on disk: `<dataDir>/<pki.dir>/` holds ca.pem, ca.key, server.pem, server.key, crl.pem and issued.json
 * (serial, identity and revocation of every certificate we issued). Keys are written mode 0600. Files are replaced
 * atomically (write + rename), so the CLI and a running hub can share the directory; the hub polls crl.pem and
 * hands a new CRL to the TLS listeners without a restart.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unwatchFile,
  watchFile,
  writeFileSync,
} from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { TrustConfig } from '../config.js';
import { NO_AUDIT, type AuditSink } from '../audit-types.js';
import { serialOf, type IdentitySpec } from './binding.js';
import { buildCrl, type Revoked } from './crl.js';
import { x509 } from './crypto.js';
import { createCa, issueClientCert, issueServerCert, signCsr, type KeyedCert } from './issue.js';

/** One certificate we issued. */
/**
 * The first client the start-up hint suggests. No --groups: the default group, __ANON__, is where plain-port clients
 * and the demo publish, so this certificate sees them. test/hostile/enroll.test.ts runs this very command.
 */
export const FIRST_CLIENT_COMMAND = 'balticwall pki package NAME --nation LTU --clearance RESTRICTED';

export interface IssuedRecord {
  serial: string;
  id: string;
  kind: string;
  nation?: string;
  clearance: string;
  groups: string[];
  issuedAt: number;
  notAfter: number;
  /** How it was made: 'cli', 'enroll', 'server'. */
  via: string;
  revokedAt?: number;
  reason?: Revoked['reason'];
}

export interface Pki {
  readonly dir: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** The current CRL (PEM). */
  crl(): string;
  /** Called after the CRL changed (revocation here or in another process, or a periodic refresh). */
  onCrlChange(cb: () => void): () => void;
  issueClient(spec: IdentitySpec, via?: string): Promise<KeyedCert & { serial: string }>;
  signCsr(
    csr: x509.Pkcs10CertificateRequest,
    spec: IdentitySpec,
    via?: string,
  ): Promise<{ cert: string; serial: string }>;
  revoke(serial: string, reason?: Revoked['reason']): Promise<IssuedRecord>;
  list(): IssuedRecord[];
  isRevoked(serial: string): boolean;
  /** Stop watching and refreshing. */
  close(): void;
}

export interface EnsurePkiOptions {
  audit?: AuditSink;
  /** Watch crl.pem and refresh it periodically (the running hub); off for one-shot CLI use. */
  watch?: boolean;
}

const DAY = 86_400_000;

let tmpSeq = 0;

function writeAtomic(file: string, data: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.${tmpSeq++}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

/** A server certificate must be re-issued when a configured name is missing from it or it expires within 30 days. */
export function serverNeedsReissue(pem: string, hosts: string[]): boolean {
  const cert = new x509.X509Certificate(pem);
  if (cert.notAfter.getTime() - Date.now() < 30 * DAY) return true;
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = new Set((san?.names.items ?? []).map((n) => n.value.toLowerCase()));
  return hosts.some((h) => !names.has(h.toLowerCase()));
}

/** SANs: configured hosts (else this machine's LAN addresses), then localhost, loopback and the machine name. */
export function serverHosts(cfg: TrustConfig): string[] {
  const lan = cfg.pki.hosts.length ? [] : lanAddresses();
  return [...new Set([...cfg.pki.hosts, ...lan, 'localhost', '127.0.0.1', '::1', hostname()])];
}

/** This machine's non-loopback IPv4 addresses: what phones on the same network reach it by when no host is set. */
export function lanAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}

/** The host clients are told to connect to: publicHost, else the first configured or LAN address. */
export function publicHostOf(cfg: TrustConfig): string {
  return cfg.pki.publicHost ?? serverHosts(cfg)[0]!;
}

/**
 * Open the PKI, creating the CA, server certificate and an empty CRL on first start (secure default), and log how
 * to make client certificates. Later starts reuse them.
 */
export async function ensurePki(
  dataDir: string,
  cfg: TrustConfig,
  log: Pick<Logger, 'info' | 'warn' | 'error'>,
  opts: EnsurePkiOptions = {},
): Promise<Pki> {
  const dir = resolve(dataDir, cfg.pki.dir);
  const audit = opts.audit ?? NO_AUDIT;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string) => join(dir, n);
  // The index is re-read only when the file changed (checkPeer asks on every connection).
  let cache: { mtime: number; size: number; rows: IssuedRecord[] } | undefined;

  let created = false;
  if (!existsSync(f('ca.pem')) || !existsSync(f('ca.key'))) {
    const ca = await createCa(cfg.pki.caName, cfg.pki.caValidityDays);
    writeAtomic(f('ca.key'), ca.key, 0o600);
    writeAtomic(f('ca.pem'), ca.cert);
    created = true;
  }
  const ca: KeyedCert = { cert: readFileSync(f('ca.pem'), 'utf8'), key: readFileSync(f('ca.key'), 'utf8') };
  const hosts = serverHosts(cfg);
  const stale =
    !created &&
    existsSync(f('server.pem')) &&
    serverNeedsReissue(readFileSync(f('server.pem'), 'utf8'), hosts);
  if (stale)
    log.info({ hosts }, 're-issuing the server certificate: configured names changed or it expires soon');
  if (created || stale || !existsSync(f('server.pem')) || !existsSync(f('server.key'))) {
    const server = await issueServerCert(ca, hosts, cfg.pki.serverValidityDays);
    writeAtomic(f('server.key'), server.key, 0o600);
    writeAtomic(f('server.pem'), server.cert);
    addRecord({
      serial: serialOf(server.cert),
      id: 'server',
      kind: 'server',
      clearance: 'UNCLASSIFIED',
      groups: [],
      issuedAt: Date.now(),
      notAfter: Date.now() + cfg.pki.serverValidityDays * DAY,
      via: 'server',
    });
  }
  const serverCert = readFileSync(f('server.pem'), 'utf8');
  const serverKey = readFileSync(f('server.key'), 'utf8');

  function readIndex(): IssuedRecord[] {
    let st;
    try {
      st = statSync(f('issued.json'));
    } catch {
      return [];
    }
    if (cache && cache.mtime === st.mtimeMs && cache.size === st.size)
      return cache.rows.map((r) => ({ ...r }));
    const rows = JSON.parse(readFileSync(f('issued.json'), 'utf8')) as IssuedRecord[];
    cache = { mtime: st.mtimeMs, size: st.size, rows };
    return rows.map((r) => ({ ...r }));
  }
  function addRecord(r: IssuedRecord): void {
    writeAtomic(f('issued.json'), JSON.stringify([...readIndex(), r], null, 1));
  }

  async function publishCrl(): Promise<string> {
    const revoked = readIndex()
      .filter((r) => r.revokedAt !== undefined)
      .map((r) => ({ serial: r.serial, at: r.revokedAt!, reason: r.reason }));
    const pem = await buildCrl(ca, revoked, new Date(Date.now() + 2 * cfg.pki.crlRefreshHours * 3_600_000));
    writeAtomic(f('crl.pem'), pem);
    return pem;
  }

  let crlPem = existsSync(f('crl.pem')) ? readFileSync(f('crl.pem'), 'utf8') : await publishCrl();
  const crlStale = () => {
    const next = new x509.X509Crl(crlPem).nextUpdate?.getTime() ?? 0;
    return next - Date.now() < cfg.pki.crlRefreshHours * 3_600_000;
  };
  if (crlStale()) crlPem = await publishCrl();

  const listeners = new Set<() => void>();
  const changed = () => {
    for (const cb of listeners) {
      try {
        cb();
      } catch (e) {
        log.error({ err: e }, 'CRL change listener failed');
      }
    }
  };
  const reload = () => {
    try {
      const text = readFileSync(f('crl.pem'), 'utf8');
      if (text === crlPem) return;
      new x509.X509Crl(text); // parse before use: a torn or foreign file must not replace a good CRL
      crlPem = text;
      log.info({ dir }, 'CRL reloaded');
      changed();
    } catch (e) {
      log.warn({ err: e, dir }, 'CRL file unreadable; keeping the previous CRL');
    }
  };
  let timer: NodeJS.Timeout | undefined;
  if (opts.watch) {
    watchFile(f('crl.pem'), { interval: 1000, persistent: false }, reload);
    timer = setInterval(
      () => {
        if (crlStale()) void publishCrl().then(reload, (e) => log.error({ err: e }, 'CRL refresh failed'));
      },
      Math.min(cfg.pki.crlRefreshHours * 3_600_000, 3_600_000),
    );
    timer.unref();
  }

  if (created) {
    log.info(
      { dir, hosts: serverHosts(cfg) },
      'created a new certificate authority and server certificate; make a client with ' +
        `\`${FIRST_CLIENT_COMMAND}\` ` +
        '(a data package to import into ATAK/iTAK/WinTAK; it sees what plain and demo clients share, group __ANON__) ' +
        'or add an enrollment user with `balticwall pki user add`',
    );
  }

  function record(spec: IdentitySpec, serial: string, via: string): IssuedRecord {
    const r: IssuedRecord = {
      serial,
      id: spec.id,
      kind: spec.kind,
      nation: spec.nation,
      clearance: spec.clearance,
      groups: spec.groups,
      issuedAt: Date.now(),
      notAfter: Date.now() + cfg.pki.clientValidityDays * DAY,
      via,
    };
    addRecord(r);
    audit.record('cert-issue', { actor: spec.id, nation: spec.nation, ref: serial, path: via });
    return r;
  }

  return {
    dir,
    ca: ca.cert,
    serverCert,
    serverKey,
    crl: () => crlPem,
    onCrlChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async issueClient(spec, via = 'cli') {
      const kc = await issueClientCert(ca, spec, cfg.pki.organization, cfg.pki.clientValidityDays);
      const serial = serialOf(kc.cert);
      record(spec, serial, via);
      return { ...kc, serial };
    },
    async signCsr(csr, spec, via = 'enroll') {
      const cert = await signCsr(ca, csr, spec, cfg.pki.organization, cfg.pki.clientValidityDays);
      const serial = serialOf(cert);
      record(spec, serial, via);
      return { cert, serial };
    },
    async revoke(serial, reason) {
      const s = serial.toLowerCase().replace(/^0+/, '');
      const index = readIndex();
      const r = index.find((x) => x.serial.replace(/^0+/, '') === s);
      if (!r) throw new Error(`no certificate with serial ${serial} was issued here`);
      if (r.revokedAt === undefined) {
        r.revokedAt = Date.now();
        r.reason = reason;
        writeAtomic(f('issued.json'), JSON.stringify(index, null, 1));
        await publishCrl();
        audit.record('cert-revoke', {
          actor: r.id,
          nation: r.nation,
          ref: r.serial,
          rule: reason ?? 'unspecified',
        });
        reload();
      }
      return r;
    },
    list: readIndex,
    isRevoked(serial) {
      const s = serial.toLowerCase().replace(/^0+/, '');
      return readIndex().some((r) => r.revokedAt !== undefined && r.serial.replace(/^0+/, '') === s);
    },
    close() {
      if (opts.watch) unwatchFile(f('crl.pem'), reload);
      if (timer) clearInterval(timer);
      listeners.clear();
    },
  };
}
