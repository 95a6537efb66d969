/**
 * `balticwall federation list|status|add|remove`: the peers of this hub's federation (TAK Server Federation v2).
 * `add` and `remove` write `<dataDir>/federation/peers.json`, which a running hub reads within a second: no
 * restart. `add` of an inbound peer with `--out` also issues its certificate from our PKI and writes it (PEM and
 * PKCS#12) with our CA, for the peer's admin.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import { loadConfig, setPath, validateConfig, type Config } from '../app/config.js';
import { startApp, type App } from '../app/index.js';
import { createUserStore } from '../trust/users.js';
import { openStore } from '../store/db.js';
import { createAudit } from '../trust/audit.js';
import { ensurePki } from '../trust/pki/store.js';
import { addFederate, removeFederate } from '../federation/admin.js';
import { mergePeers, readPeersFile, statusFile } from '../federation/peers.js';
import type { PeerConfig } from '../federation/config.js';
import type { LinkStatus } from '../federation/link.js';

interface Common {
  config?: string;
  dataDir?: string;
}

interface AddFlags extends Common {
  role: string;
  nation?: string;
  clearance: string;
  categories: string;
  host?: string;
  port?: string;
  protocol: string;
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  groupsOut?: string;
  groupsIn?: string;
  groupsInDefault?: string;
  defaultLabel?: string;
  bandwidth: string;
  maxHops: string;
  maxEntities?: string;
  out?: string;
}

function config(flags: Common): Config {
  const overrides: Record<string, unknown> = {};
  if (flags.dataDir) overrides['dataDir'] = flags.dataDir;
  return loadConfig({ file: flags.config, env: process.env, overrides });
}

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** "a=b,c=d" -> { a: 'b', c: 'd' } */
function pairs(s: string | undefined, flag: string): Record<string, string> | undefined {
  if (s === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const p of list(s)) {
    const [k, v] = p.split('=');
    if (!k || v === undefined) throw new Error(`${flag} expects ours=theirs pairs, e.g. Blue=Coalition`);
    out[k] = v;
  }
  return out;
}

/** "RESTRICTED:EST,LVA" -> { classification, releasableTo } */
function labelFlag(s: string | undefined): PeerConfig['defaultLabel'] {
  if (!s) return undefined;
  const [cls, rel] = s.split(':');
  return {
    classification: (cls ?? '').toUpperCase().replace(/_/g, ' ') as 'UNCLASSIFIED',
    releasableTo: list(rel),
  };
}

export function peerFromFlags(name: string, f: AddFlags): Partial<PeerConfig> & { name: string } {
  const p: Partial<PeerConfig> & { name: string } = {
    name,
    role: f.role as PeerConfig['role'],
    nations: list(f.nation),
    clearance: f.clearance.toUpperCase().replace(/_/g, ' ') as PeerConfig['clearance'],
    categories: list(f.categories),
    protocol: f.protocol as PeerConfig['protocol'],
    // TAK Server's default ports: 9001 for v2, 9000 for v1.
    port: Number(f.port ?? (f.protocol === 'v1' ? 9000 : 9001)),
    bandwidthKbps: Number(f.bandwidth),
    maxHops: Number(f.maxHops),
  };
  if (f.maxEntities !== undefined) p.maxEntities = Number(f.maxEntities);
  const out = pairs(f.groupsOut, '--groups-out');
  const inn = pairs(f.groupsIn, '--groups-in');
  if (out) p.groupsOut = out;
  if (inn) p.groupsIn = inn;
  if (f.groupsInDefault) p.groupsInDefault = list(f.groupsInDefault);
  const label = labelFlag(f.defaultLabel);
  if (label) p.defaultLabel = label;
  for (const k of ['host', 'ca', 'cert', 'key', 'serverName'] as const) if (f[k]) p[k] = f[k];
  return p;
}

function common(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'YAML configuration file')
    .option('-d, --data-dir <dir>', 'data directory');
}

function ago(ms: number | undefined): string {
  return ms === undefined ? '-' : `${Math.round((Date.now() - ms) / 1000)} s ago`;
}

export function registerFederationCommands(program: Command): void {
  const fed = program
    .command('federation')
    .description('federated peers (TAK Server Federation v2, port 9001)');

  common(fed.command('list'))
    .description('the configured peers (config file and peers added here)')
    .action((flags: Common) => {
      const cfg = config(flags);
      const peers = mergePeers(cfg.federation.peers, readPeersFile(cfg.dataDir));
      if (!peers.length) console.log('no federation peers');
      for (const p of peers)
        console.log(
          `${p.name}  ${p.role}${p.role === 'outbound' ? ` ${p.host}:${p.port}` : ''}  nations ${p.nations.join(',') || '-'}  ` +
            `clearance ${p.clearance}  groups out ${JSON.stringify(p.groupsOut)}  in ${JSON.stringify(p.groupsIn)}` +
            `${p.bandwidthKbps ? `  ${p.bandwidthKbps} kbit/s` : ''}${p.enabled ? '' : '  (disabled)'}`,
        );
    });

  common(fed.command('status'))
    .description("the running hub's links: connected, queued by class, sent, bytes, round trip, last contact")
    .option('--json', 'print the status as JSON')
    .action((flags: Common & { json?: boolean }) => {
      const cfg = config(flags);
      const f = statusFile(cfg.dataDir);
      if (!existsSync(f)) throw new Error(`no status in ${f}: is the hub running with federation.enabled?`);
      const s = JSON.parse(readFileSync(f, 'utf8')) as { at: number; port?: number; links: LinkStatus[] };
      if (flags.json) return console.log(JSON.stringify(s, null, 2));
      const stale = Date.now() - s.at > 10_000;
      console.log(
        `federation port ${s.port ?? '-'}; status of ${ago(s.at)}${stale ? ' (the hub may be stopped)' : ''}`,
      );
      for (const l of s.links) {
        const q = l.queued;
        console.log(
          `${l.name} (${l.role}${l.protocol ? `, ${l.protocol}` : ''}) ${l.connected ? 'CONNECTED' : 'DOWN'}  queued emergency ${q.emergency} chat ${q.chat} ` +
            `delete ${q.delete} position ${q.position} (+${l.unconfirmed} unconfirmed)  sent ${l.sent} ` +
            `received ${l.received}  coalesced ${l.coalesced}  bytes out ${l.bytesOut} in ${l.bytesIn}  ` +
            `rtt ${l.rttMs === undefined ? '-' : `${l.rttMs.toFixed(1)} ms`}  last contact ${ago(l.lastContact)}` +
            `${l.lastError && !l.connected ? `  last error: ${l.lastError}` : ''}`,
        );
      }
    });

  common(fed.command('add <name>'))
    .description(
      'add a peer; inbound with --out: issue its certificate and write it with our CA (no restart)',
    )
    .option('--role <role>', 'inbound (it connects to us) or outbound (we connect to it)', 'inbound')
    .option('--nation <list>', 'nations the peer serves, ISO 3166 alpha-3 (first = its nation at our gate)')
    .option('--clearance <level>', 'highest classification the peer may receive', 'UNCLASSIFIED')
    .option('--categories <list>', 'further category values it holds (NATO, EU …)', '')
    .option('--host <host>', 'outbound: the peer federation host')
    .option('--port <port>', 'outbound: the peer federation port (default 9001, v1: 9000)')
    .option('--protocol <v2|v1>', 'outbound: TAK Server Federation v2 (gRPC) or v1 (older TAK Servers)', 'v2')
    .option('--ca <file>', "the peer's CA (PEM): trusted for this peer")
    .option('--cert <file>', 'outbound: our client certificate for this peer (PEM)')
    .option('--key <file>', 'outbound: its key (PEM)')
    .option('--server-name <name>', 'outbound: TLS name in the peer certificate, when not --host')
    .option('--groups-out <pairs>', 'our group=their group, comma-separated (default __ANON__=__ANON__)')
    .option('--groups-in <pairs>', 'their group=our group, comma-separated')
    .option('--groups-in-default <list>', 'our groups for peer events with no mapped group', '__ANON__')
    .option('--default-label <label>', 'label of unlabelled peer events, e.g. RESTRICTED:EST,LVA')
    .option('--bandwidth <kbps>', 'outbound bandwidth cap in kbit/s (0 = none)', '0')
    .option('--max-hops <n>', 'hubs an event may have passed and still go to this peer', '3')
    .option(
      '--max-entities <n>',
      'entities its events may hold in our picture (default federation.maxEntitiesPerPeer)',
    )
    .option('-o, --out <dir>', 'inbound: write the peer certificate (PEM, PKCS#12) and our CA here')
    .action(async (name: string, flags: AddFlags) => {
      const cfg = config(flags);
      const peer = peerFromFlags(name, flags);
      const store = flags.out ? openStore(cfg.dataDir) : undefined;
      const audit = store ? createAudit(store) : undefined;
      const pki = flags.out
        ? await ensurePki(cfg.dataDir, cfg.trust, pino({ level: 'warn' }, pino.destination(2)), { audit })
        : undefined;
      try {
        const r = await addFederate(cfg.dataDir, peer, {
          ...(pki ? { pki } : {}),
          ...(flags.out ? { out: flags.out } : {}),
          p12Password: cfg.trust.pki.p12Password,
        });
        console.log(`added ${r.peer.role} peer ${r.peer.name}; a running hub picks it up within a second`);
        if (r.serial)
          console.log(
            `issued its certificate (serial ${r.serial}); p12 password: ${cfg.trust.pki.p12Password}`,
          );
        for (const f of r.files) console.log(`  ${f}`);
      } finally {
        pki?.close();
        audit?.close();
        store?.close();
      }
    });

  common(fed.command('remove <name>'))
    .description('remove a peer added with `federation add` (its link and queue go; no restart)')
    .option('--revoke', 'also revoke the certificates issued to it')
    .action(async (name: string, flags: Common & { revoke?: boolean }) => {
      const cfg = config(flags);
      if (!removeFederate(cfg.dataDir, name)) throw new Error(`no peer ${name} in the peers file`);
      console.log(`removed peer ${name}`);
      if (flags.revoke) {
        const store = openStore(cfg.dataDir);
        const audit = createAudit(store);
        const pki = await ensurePki(cfg.dataDir, cfg.trust, pino({ level: 'warn' }, pino.destination(2)), {
          audit,
        });
        for (const r of pki.list()) {
          if (r.id === name && r.kind === 'federate' && !r.revokedAt) {
            await pki.revoke(r.serial, 'cessationOfOperation');
            console.log(`revoked ${r.serial}`);
          }
        }
        pki.close();
        audit.close();
        store.close();
      }
    });
}

/**
 * `serve --demo --federation-demo`: a second hub in the same process (hubId `demo-lv`, Latvian, data in
 * `<dataDir>/demo-lv`, web COP on the main HTTP port + 1), federated with the main hub exactly as two admins would
 * do it (the main hub enrols it as an inbound federate; it calls the main hub's federation port with that
 * certificate). Returns what `serve` prints and a stop function.
 */
export async function startFederationDemo(main: App): Promise<{ lines: string[]; stop(): Promise<void> }> {
  const mainCfg = main.config;
  const fedPort = main.ports.federation;
  if (fedPort === undefined) throw new Error('the federation demo needs federation.enabled on the main hub');
  const dir = join(mainCfg.dataDir, 'demo-lv');
  const raw: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => setPath(raw, k.split('.'), v);
  set('hubId', 'demo-lv');
  set('dataDir', dir);
  set('log.level', mainCfg.log.level === 'info' ? 'warn' : mainCfg.log.level);
  set('tcp.port', 0);
  set('udp.port', 0);
  set('tls.enabled', false);
  set('http.port', main.ports.http ? main.ports.http + 1 : 0);
  set('trust.enrollment.enabled', false);
  set('trust.api.enabled', false);
  set('mavlink.enabled', false);
  set('web.https', false);
  set('local.nation', 'LVA');
  set('federation.enabled', true);
  set('federation.host', '127.0.0.1');
  set('federation.port', 0);
  const peer = await startApp(validateConfig(raw));
  const out = join(dir, 'from-main');
  const log = pino({ level: 'warn' }, pino.destination(2));
  const pki = await ensurePki(mainCfg.dataDir, mainCfg.trust, log);
  try {
    await addFederate(
      mainCfg.dataDir,
      { name: 'demo-lv', role: 'inbound', nations: ['LVA'], clearance: 'SECRET' },
      { pki, out, p12Password: mainCfg.trust.pki.p12Password },
    );
  } finally {
    pki.close();
  }
  await addFederate(dir, {
    name: mainCfg.hubId,
    role: 'outbound',
    host: '127.0.0.1',
    port: fedPort,
    nations: mainCfg.local.nation ? [mainCfg.local.nation] : ['LTU'],
    clearance: 'SECRET',
    ca: join(out, 'ca.pem'),
    cert: join(out, 'demo-lv.pem'),
    key: join(out, 'demo-lv.key'),
  });
  const users = createUserStore(peer.store, mainCfg.trust.enrollment);
  const password = randomBytes(9).toString('base64url');
  if (users.get('demo')) await users.setPassword('demo', password);
  else
    await users.add(
      {
        id: 'demo',
        kind: 'operator',
        nation: 'LVA',
        clearance: 'SECRET',
        categories: ['NATO'],
        groups: ['__ANON__'],
      },
      password,
    );
  const lines = [
    `  Federation      : ${mainCfg.federation.host}:${fedPort}  (TAK Server Federation v2, mutual TLS)`,
    `  Federated peer  : demo-lv (LVA) -> this hub; its COP http://127.0.0.1:${peer.ports.http}/  sign-in demo / ${password}`,
  ];
  return { lines, stop: () => peer.close() };
}
