/** `balticwall serve`: run the hub with configuration from a file, BW_ environment variables and flags. */
import type { Command } from 'commander';
import { loadConfig } from '../app/config.js';
import { startApp } from '../app/index.js';
import { missingNodeFlags } from '../app/runtime.js';
import { startFederationDemo } from './federation.js';

interface ServeFlags {
  config?: string;
  dataDir?: string;
  demo?: boolean;
  federationDemo?: boolean;
  logLevel?: string;
  set: string[];
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** `--set a.b=c`: values parse as JSON when they can (numbers, booleans, lists), else stay strings. */
export function parseSets(sets: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const i = s.indexOf('=');
    if (i <= 0) throw new Error(`--set expects key=value, got "${s}"`);
    const raw = s.slice(i + 1);
    let v: unknown = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      /* a plain string */
    }
    out[s.slice(0, i)] = v;
  }
  return out;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the hub (TAK streaming, UDP, HTTP API and web COP)')
    .option('-c, --config <file>', 'YAML configuration file')
    .option('-d, --data-dir <dir>', 'data directory (store, PKI)')
    .option('--demo', 'also play the built-in Baltic demo scenario')
    .option(
      '--federation-demo',
      'also run a second (Latvian) hub federated with this one (docs/federation.md)',
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent')
    .option('-s, --set <key=value>', 'override any configuration key, e.g. --set tcp.port=9087', collect, [])
    .action(async (flags: ServeFlags) => {
      const overrides = parseSets(flags.set);
      if (flags.dataDir) overrides['dataDir'] = flags.dataDir;
      if (flags.demo) overrides['demo.enabled'] = true;
      if (flags.federationDemo) {
        overrides['federation.enabled'] = true;
        overrides['federation.host'] ??= '127.0.0.1';
      }
      if (flags.logLevel) overrides['log.level'] = flags.logLevel;
      const config = loadConfig({ file: flags.config, env: process.env, overrides });
      const app = await startApp(config);
      const fedDemo = flags.federationDemo ? await startFederationDemo(app) : undefined;
      const missing = missingNodeFlags();
      if (missing.length)
        app.log.warn(
          { missing },
          'node runs without the recommended flags: ingest is slower or latency spikier (docs/operations.md)',
        );
      const p = app.ports;
      const lines = [
        '',
        'Baltic Wall hub is running.',
        p.http ? `  Web COP and API : http://${hostFor(config.http.host)}:${p.http}/` : '',
        p.api && config.web.enabled && config.web.https
          ? `  Web COP (HTTPS) : https://${hostFor(config.trust.api.host)}:${p.api}/  (hub CA: ${config.dataDir}/pki/ca.pem)`
          : '',
        app.demoLogin ? `  Demo sign-in    : ${app.demoLogin.user} / ${app.demoLogin.password}` : '',
        p.http ? `  Planner         : http://${hostFor(config.http.host)}:${p.http}/planner/` : '',
        p.tcp ? `  CoT TCP (TAK)   : ${config.tcp.host}:${p.tcp}  (ATAK/WinTAK: streaming, TCP)` : '',
        p.tls ? `  CoT TLS (TAK)   : ${config.tls.host}:${p.tls}  (ATAK/WinTAK/iTAK: streaming, SSL)` : '',
        p.udp ? `  CoT UDP input   : ${config.udp.host}:${p.udp}` : '',
        p.api ? `  Marti API (mTLS): ${config.trust.api.host}:${p.api}` : '',
        p.enrollment
          ? `  Enrollment      : ${config.trust.enrollment.host}:${p.enrollment}  (HTTPS, user + password or token)`
          : '',
        p.mavlink ? `  MAVLink (UDP)   : ${config.mavlink.host}:${p.mavlink}` : '',
        config.demo.enabled ? '  Demo            : the Baltic scenario is playing (Suwałki corridor)' : '',
        ...(fedDemo?.lines ?? []),
        `  Data directory  : ${config.dataDir}`,
        '',
      ].filter((l) => l !== '');
      console.log(lines.join('\n'));
      let stopping = false;
      const stop = (sig: string) => {
        if (stopping) return;
        stopping = true;
        app.log.info({ signal: sig }, 'shutting down');
        Promise.resolve(fedDemo?.stop())
          .then(() => app.close())
          .then(
            () => process.exit(0),
            (err: unknown) => {
              console.error(err);
              process.exit(1);
            },
          );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}

function hostFor(h: string): string {
  return h === '0.0.0.0' || h === '::' ? 'localhost' : h;
}
