/** `balticwall audit`: query the audit trail by time, identity and kind; print a table or JSON lines. */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../app/config.js';
import { openStore } from '../store/db.js';
import { createAudit, type AuditFilter } from '../trust/audit.js';
import type { AuditKind } from '../trust/audit-types.js';

/** "2026-11-27T06:00Z", or a duration back from now: "90s", "15m", "2h", "7d". */
export function parseWhen(s: string, now = Date.now()): number {
  const d = /^(\d+)([smhd])$/.exec(s.trim());
  if (d) return now - Number(d[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[d[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`not a time or duration: "${s}" (use ISO 8601 or e.g. 15m, 2h, 7d)`);
  return t;
}

interface Flags {
  config?: string;
  dataDir?: string;
  since?: string;
  until?: string;
  identity?: string;
  kind?: string;
  nation?: string;
  ref?: string;
  limit: string;
  jsonl?: boolean;
  out?: string;
}

export function registerAuditCommands(program: Command): void {
  program
    .command('audit')
    .description('query the audit trail: connections, enrollments, certificates, rejections, egress denials')
    .option('-c, --config <file>', 'YAML configuration file')
    .option('-d, --data-dir <dir>', 'data directory')
    .option('--since <when>', 'from (ISO time or a duration back: 15m, 2h, 7d)')
    .option('--until <when>', 'to (ISO time or a duration back)')
    .option('--identity <id>', 'who (certificate CN or user name)')
    .option('--kind <kinds>', 'comma-separated kinds, e.g. egress-deny,tls-refused')
    .option('--nation <alpha3>', 'nation of the identity')
    .option('--ref <ref>', 'event uid or certificate serial')
    .option('--limit <n>', 'most rows to print', '1000')
    .option('--jsonl', 'JSON lines (all matching rows, no limit)')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action(async (f: Flags) => {
      const overrides: Record<string, unknown> = {};
      if (f.dataDir) overrides['dataDir'] = f.dataDir;
      const cfg = loadConfig({ file: f.config, env: process.env, overrides });
      const store = openStore(cfg.dataDir);
      const audit = createAudit(store);
      const filter: AuditFilter = {
        since: f.since ? parseWhen(f.since) : undefined,
        until: f.until ? parseWhen(f.until) : undefined,
        identity: f.identity,
        kind: f.kind ? (f.kind.split(',').map((k) => k.trim()) as AuditKind[]) : undefined,
        nation: f.nation,
        ref: f.ref,
        limit: Number(f.limit),
      };
      const out = f.out ? createWriteStream(f.out) : process.stdout;
      try {
        if (f.jsonl) audit.exportJsonl(filter, out);
        else
          for (const r of audit.query(filter)) {
            const who = `${r.actor ?? '-'}${r.nation ? `/${r.nation}` : ''}`;
            const count = r.count > 1 ? ` x${r.count}` : '';
            out.write(
              `${r.at}  ${r.kind.padEnd(15)} ${who.padEnd(22)} ${(r.ref ?? '-').padEnd(36)} ${r.rule ?? ''}${r.path ? ` (${r.path})` : ''}${count}\n`,
            );
          }
      } finally {
        if (f.out) await new Promise((r) => (out as ReturnType<typeof createWriteStream>).end(r));
        audit.close();
        store.close();
      }
    });
}
