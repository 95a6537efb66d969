/**
 * `balticwall pki …`: create the PKI, issue and revoke client certificates, write one-step data packages, manage
 * enrollment users and one-time tokens (with an enrollment link and QR code). Works on the same data directory as a
 * running hub: the hub picks up revocations within a second.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import { loadConfig, type Config } from '../app/config.js';
import { CLASSIFICATIONS, isClassification } from '../model/label.js';
import { openStore } from '../store/db.js';
import { createAudit } from '../trust/audit.js';
import type { IdentitySpec } from '../trust/pki/binding.js';
import { clientP12, truststoreP12 } from '../trust/pki/p12.js';
import { ensurePki, publicHostOf, type Pki } from '../trust/pki/store.js';
import { buildConnectionPackage, enrollmentLink, itakServerQr, qrSvg, qrTerminal } from '../trust/package.js';
import { createUserStore } from '../trust/users.js';
import { checkOut, writeAll, zipTarget, type OutFile } from './out-files.js';

interface Common {
  config?: string;
  dataDir?: string;
}
interface IdentityFlags extends Common {
  nation?: string;
  clearance: string;
  groups: string;
  categories: string;
  kind: string;
}

const KINDS = ['user', 'unit', 'device'] as const;

function common(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'YAML configuration file')
    .option('-d, --data-dir <dir>', 'data directory (holds pki/ and the store)');
}

function identityOptions(cmd: Command): Command {
  return cmd
    .option('--nation <alpha3>', 'ISO 3166 alpha-3 nation (LTU, LVA, EST, DEU, POL …)')
    .option('--clearance <level>', `one of: ${CLASSIFICATIONS.join(', ')}`, 'UNCLASSIFIED')
    .option('--groups <list>', 'comma-separated server groups (channels)', '__ANON__')
    .option('--categories <list>', 'comma-separated category values held (e.g. NATO,EU)', '')
    .option('--kind <kind>', `identity kind: ${KINDS.join(', ')}`, 'user');
}

function config(flags: Common): Config {
  const overrides: Record<string, unknown> = {};
  if (flags.dataDir) overrides['dataDir'] = flags.dataDir;
  return loadConfig({ file: flags.config, env: process.env, overrides });
}

const log = () => pino({ level: 'info' }, pino.destination(2));
const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Validate identity flags into a spec; throws with a clear message. */
export function identitySpec(name: string, f: IdentityFlags): IdentitySpec {
  const clearance = f.clearance.toUpperCase().replace(/_/g, ' ');
  if (!isClassification(clearance))
    throw new Error(`--clearance must be one of ${CLASSIFICATIONS.join(', ')}`);
  if (f.nation !== undefined && !/^[A-Z]{3}$/.test(f.nation)) {
    throw new Error('--nation must be an ISO 3166 alpha-3 code in capitals (LTU, LVA, EST, DEU, POL …)');
  }
  if (!(KINDS as readonly string[]).includes(f.kind))
    throw new Error(`--kind must be one of ${KINDS.join(', ')}`);
  if (!/^[\w.@-]{1,64}$/.test(name)) throw new Error('name: 1-64 letters, digits, . _ - @');
  return {
    id: name,
    kind: f.kind as IdentitySpec['kind'],
    nation: f.nation,
    clearance,
    categories: list(f.categories),
    groups: list(f.groups),
  };
}

async function open(flags: Common, withAudit = true) {
  const cfg = config(flags);
  const store = withAudit ? openStore(cfg.dataDir) : undefined;
  const audit = store ? createAudit(store) : undefined;
  const pki = await ensurePki(cfg.dataDir, cfg.trust, log(), { audit });
  const close = () => {
    pki.close();
    audit?.close();
    store?.close();
  };
  return { cfg, pki, store, audit, close };
}

function publicHost(cfg: Config, host?: string): string {
  return host ?? publicHostOf(cfg.trust);
}

function streamPort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('--port must be 1-65535');
  return port;
}

/**
 * Write a command's files; if that fails after the certificate was issued, revoke it, so a failed command leaves no
 * valid certificate behind (`pki list` shows it revoked), and rethrow.
 */
async function writeOrRevoke(p: Pki, serial: string, dir: string, files: OutFile[]): Promise<string[]> {
  try {
    return writeAll(dir, files);
  } catch (e) {
    await p.revoke(serial, 'cessationOfOperation');
    throw new Error(
      `--out ${dir}: could not write (${(e as Error).message}); certificate ${serial} was revoked`,
      { cause: e },
    );
  }
}

export function registerPkiCommands(program: Command): void {
  const pki = program
    .command('pki')
    .description('certificates, data packages and enrollment for TAK clients');

  common(pki.command('init'))
    .description('create the CA and server certificate (done automatically on first start)')
    .action(async (flags: Common) => {
      const { pki: p, close } = await open(flags);
      console.log(`PKI in ${p.dir}\n  CA: ${join(p.dir, 'ca.pem')}\n  server: ${join(p.dir, 'server.pem')}`);
      close();
    });

  identityOptions(common(pki.command('client <name>')))
    .description('issue a client certificate: <name>.p12 (cert + key) and truststore.p12')
    .option('-o, --out <dir>', 'output directory (created if missing)', '.')
    .action(async (name: string, flags: IdentityFlags & { out: string }) => {
      const spec = identitySpec(name, flags);
      const names = [`${name}.p12`, 'truststore.p12', `${name}.pem`, `${name}.key`];
      checkOut(flags.out, names);
      const { cfg, pki: p, close } = await open(flags);
      try {
        const pw = cfg.trust.pki.p12Password;
        const c = await p.issueClient(spec, 'cli');
        const files: OutFile[] = [
          { name: names[0]!, data: clientP12(c.cert, c.key, [p.ca], pw, name), mode: 0o600 },
          { name: names[1]!, data: truststoreP12([p.ca], pw, 'truststore') },
          { name: names[2]!, data: c.cert },
          { name: names[3]!, data: c.key, mode: 0o600 },
        ];
        await writeOrRevoke(p, c.serial, flags.out, files);
        console.log(
          `issued ${name} (serial ${c.serial}); files in ${resolve(flags.out)}; p12 password: ${pw}`,
        );
      } finally {
        close();
      }
    });

  identityOptions(common(pki.command('package <name>')))
    .description(
      'issue a client certificate and write a one-step connection data package (zip) for ATAK/WinTAK/iTAK',
    )
    .option('--host <host>', 'host the client connects to (default: trust.pki.publicHost or the first host)')
    .option('--port <port>', 'streaming TLS port', '8089')
    .option('--itak', 'flat layout for iTAK')
    .option(
      '-o, --out <dir>',
      'output directory (created if missing) for <name>.zip, or a path ending in .zip',
    )
    .action(
      async (
        name: string,
        flags: IdentityFlags & { host?: string; port: string; itak?: boolean; out?: string },
      ) => {
        const spec = identitySpec(name, flags);
        const port = streamPort(flags.port);
        const out = zipTarget(flags.out, `${name}.zip`);
        checkOut(out.dir, [out.name]);
        const { cfg, pki: p, close } = await open(flags);
        try {
          const host = publicHost(cfg, flags.host);
          const c = await p.issueClient(spec, 'package');
          const zip = buildConnectionPackage(
            { host, port, description: `Baltic Wall ${host}` },
            {
              caPem: p.ca,
              client: { name, certPem: c.cert, keyPem: c.key },
              password: cfg.trust.pki.p12Password,
            },
            flags.itak ? 'itak' : 'atak',
          );
          const [file] = await writeOrRevoke(p, c.serial, out.dir, [
            { name: out.name, data: zip, mode: 0o600 },
          ]);
          console.log(
            `wrote ${file} for ${name} (serial ${c.serial}) -> ${host}:${port}\n` +
              'Send it to the device and open it with ATAK/WinTAK (Import) or iTAK: it connects at once. ' +
              'It holds a private key: hand it over like a password.',
          );
        } finally {
          close();
        }
      },
    );

  common(pki.command('enroll-package'))
    .description('write a data package that makes the client enroll itself (no private key inside)')
    .option('--host <host>', 'host the client connects to')
    .option('--port <port>', 'streaming TLS port', '8089')
    .option('--itak', 'flat layout for iTAK')
    .option(
      '-o, --out <dir>',
      'output directory (created if missing) for enroll.zip, or a path ending in .zip',
    )
    .action(async (flags: Common & { host?: string; port: string; itak?: boolean; out?: string }) => {
      const port = streamPort(flags.port);
      const out = zipTarget(flags.out, 'enroll.zip');
      checkOut(out.dir, [out.name]);
      const { cfg, pki: p, close } = await open(flags, false);
      try {
        const host = publicHost(cfg, flags.host);
        const zip = buildConnectionPackage(
          { host, port, description: `Baltic Wall ${host}` },
          { caPem: p.ca, password: cfg.trust.pki.p12Password },
          flags.itak ? 'itak' : 'atak',
        );
        const [file] = writeAll(out.dir, [{ name: out.name, data: zip }]);
        console.log(`wrote ${file}: import it, then sign in with a user name and password or token`);
      } finally {
        close();
      }
    });

  common(pki.command('revoke <serialOrName>'))
    .description(
      'revoke a certificate (by serial, or every certificate of a name); running listeners refuse it at once',
    )
    .option(
      '--reason <reason>',
      'unspecified|keyCompromise|affiliationChanged|superseded|cessationOfOperation',
      'unspecified',
    )
    .action(async (what: string, flags: Common & { reason: string }) => {
      const { pki: p, close } = await open(flags);
      const targets = p
        .list()
        .filter((r) => r.revokedAt === undefined && (r.serial === what.toLowerCase() || r.id === what));
      if (!targets.length) throw new Error(`no valid certificate with serial or name "${what}"`);
      for (const r of targets) {
        await p.revoke(r.serial, flags.reason as Parameters<typeof p.revoke>[1]);
        console.log(`revoked ${r.id} serial ${r.serial}`);
      }
      close();
    });

  common(pki.command('list'))
    .description('list issued certificates')
    .option('--json', 'JSON output')
    .action(async (flags: Common & { json?: boolean }) => {
      const { pki: p, close } = await open(flags, false);
      const rows = p.list();
      if (flags.json) console.log(JSON.stringify(rows, null, 2));
      else
        for (const r of rows) {
          const state = r.revokedAt ? `REVOKED ${new Date(r.revokedAt).toISOString()}` : 'valid';
          console.log(
            `${r.serial}  ${r.id.padEnd(20)} ${(r.nation ?? '-').padEnd(4)} ${r.clearance.padEnd(13)} ${state}`,
          );
        }
      close();
    });

  const user = pki.command('user').description('enrollment users');
  identityOptions(common(user.command('add <name>')))
    .description('add or update an enrollment user (password from --password or the BW_PASSWORD variable)')
    .option('--password <password>', 'password (prefer the BW_PASSWORD environment variable)')
    .action(async (name: string, flags: IdentityFlags & { password?: string }) => {
      const spec = identitySpec(name, flags);
      const { cfg, store, audit, close } = await open(flags);
      const users = createUserStore(store!, cfg.trust.enrollment);
      await users.add(spec, flags.password ?? process.env['BW_PASSWORD']);
      audit!.record('user-add', { actor: name, nation: spec.nation, detail: { clearance: spec.clearance } });
      console.log(`user ${name} saved`);
      close();
    });

  common(pki.command('token <name>'))
    .description('one-time enrollment token for a user, as a link and QR code for ATAK')
    .option('--host <host>', 'host the client enrolls at')
    .option('--ttl <minutes>', 'validity in minutes (default trust.enrollment.tokenTtlMinutes)')
    .option('--svg <file>', 'also write the QR code as SVG')
    .action(async (name: string, flags: Common & { host?: string; ttl?: string; svg?: string }) => {
      const { cfg, store, audit, close } = await open(flags);
      const users = createUserStore(store!, cfg.trust.enrollment);
      const ttl = flags.ttl ? Number(flags.ttl) : cfg.trust.enrollment.tokenTtlMinutes;
      const token = users.createToken(name, ttl);
      audit!.record('token-issue', { actor: name, detail: { ttlMinutes: ttl } });
      const host = publicHost(cfg, flags.host);
      const link = enrollmentLink(host, name, token);
      if (flags.svg) writeFileSync(flags.svg, qrSvg(link));
      const itak = itakServerQr({ host, port: 8089, description: 'Baltic Wall' });
      console.log(`${qrTerminal(link)}\n\n${link}\n`);
      console.log(
        `Valid ${ttl} minutes, once. ATAK: scan this QR code when adding a server, or open the link on`,
      );
      console.log(
        `the device. iTAK: add the server from the QR text "${itak}", then sign in as ${name} with the token.`,
      );
      close();
    });
}
