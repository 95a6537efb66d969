/**
 * `npm run bench`: the hub load benchmark of issue 2. For each scenario it runs the raw baseline and the hub, one
 * after the other under the same load, and prints deliveries/s, latency percentiles, target CPU and peak RSS, hub
 * drops and coalesced updates and the generator's own CPU (it shares the machine), then the targets met or missed.
 *
 *   npm run bench -- --scenario S1 --target both --json bench-s1.json
 *   npm run bench -- --smoke            (tiny sizes, every scenario: checks the harness, measures nothing)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { machineLoad, waitForQuiet } from '../lib/proc.js';
import { recordRun } from '../lib/results.js';
import { measure, type RunResult } from './measure.js';
import { markdown, slowSeconds, storeLine, table, verdictText, verdicts } from './report.js';
import { SCENARIOS, scenario, type ScenarioName } from './scenarios.js';
import { killAllChildren, liveChildren, type HubLaunch } from './targets.js';
import { makeTlsMaterial } from './tls.js';
import { clusterLine, clusterVerdicts } from './cluster-report.js';

export interface BenchOptions {
  scenario: string;
  target: 'hub' | 'baseline' | 'both';
  clients?: number;
  rate?: number;
  /** Override the share of clients on TAK Protocol v1 (0..1). */
  proto?: number;
  duration?: number;
  warmup?: number;
  workers: number;
  tls?: boolean;
  json?: string;
  markdown?: boolean;
  smoke?: boolean;
  hub: HubLaunch;
  cpuProf?: string;
  hubFlags?: string;
  genFlags?: string;
  /** Before each run, wait (up to 10 min) until the machine's CPU use is below this % of one core. */
  waitIdle?: number;
  /** Keep each hub run's config, log and data under this directory. */
  keep?: string;
  /** C1 (issue 18): run the hub as one process, then as this many processes on one nats-server. */
  cluster?: number;
}

export interface BenchOutput {
  date: string;
  machine: { cpus: number; loadavg1: number; node: string };
  options: BenchOptions;
  results: RunResult[];
  verdicts: ReturnType<typeof verdicts>;
  errors: { scenario: string; target: string; error: string }[];
}

function positive(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function share(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a share from 0 to 1');
  return n;
}

/** Run the bench with parsed options; prints as it goes and returns everything measured. */
export async function runBench(
  o: BenchOptions,
  print: (s: string) => void = console.log,
): Promise<BenchOutput> {
  const names: ScenarioName[] = o.scenario === 'all' ? SCENARIOS : (o.scenario.split(',') as ScenarioName[]);
  for (const n of names) if (!SCENARIOS.includes(n)) throw new Error(`unknown scenario ${n} (S1..S4 or all)`);
  // With --cluster N: the hub as one process, then as N processes on a nats-server (C1), under the same load.
  const targets: ('baseline' | 'hub')[] =
    o.cluster !== undefined ? ['hub', 'hub'] : o.target === 'both' ? ['baseline', 'hub'] : [o.target];
  const tls = o.tls ? await makeTlsMaterial() : undefined;
  const runId = Date.now().toString(36);
  const results: RunResult[] = [];
  const errors: BenchOutput['errors'] = [];
  for (const name of names) {
    const s = scenario(name, {
      smoke: o.smoke,
      clients: o.clients,
      rate: o.rate,
      protoFraction: o.proto,
      durationMs: o.duration !== undefined ? o.duration * 1000 : undefined,
      warmupMs: o.warmup !== undefined ? o.warmup * 1000 : undefined,
    });
    let single: RunResult | undefined;
    for (const [k, target] of targets.entries()) {
      const nodes = o.cluster !== undefined && k === 1 ? o.cluster : 1;
      if (target === 'baseline' && name === 'S4') {
        // The baseline cannot negotiate TAK protocol; S4 is judged against the hub's own S1.
        continue;
      }
      if (o.waitIdle !== undefined) {
        await waitForQuiet(o.waitIdle, 600_000, (b) =>
          print(`  waiting for a quieter machine (CPU busy ${b} %)`),
        );
      }
      print(
        `${name} ${target}${nodes > 1 ? ` x ${nodes} + nats-server` : ''}: ${s.title} (${s.clients} clients, ${s.warmupMs / 1000}+${s.durationMs / 1000} s)`,
      );
      try {
        const r = await measure(
          s,
          {
            target,
            workers: o.workers,
            prefer: o.hub,
            tls,
            keepDir: o.keep ? path.resolve(o.keep) : undefined,
            cluster: nodes,
            hubNodeFlags: [
              ...(o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`] : []),
              ...(o.hubFlags ? o.hubFlags.split(' ').filter(Boolean) : []),
            ],
            generatorNodeFlags: o.genFlags ? o.genFlags.split(' ').filter(Boolean) : [],
          },
          `${runId}${name}${target[0]}`,
        );
        results.push(r);
        print(table([r]).split('\n').slice(2).join('\n'));
        if (r.cluster) {
          print(clusterLine(r));
          for (const v of clusterVerdicts(single, r)) print(`  ${v}`);
        } else if (o.cluster !== undefined) single = r;
        const slow = slowSeconds(r);
        if (slow) print(slow);
        const st = storeLine(r);
        if (st) print(st);
      } catch (e) {
        errors.push({ scenario: name, target, error: (e as Error).message });
        print(`  failed: ${(e as Error).message}`);
      }
    }
  }
  tls?.remove();
  const vs = verdicts(results);
  print('');
  print(table(results));
  if (vs.length) print(`\nTargets${o.smoke ? ' (smoke sizes: not meaningful)' : ''}:\n${verdictText(vs)}`);
  if (o.markdown) print(`\n${markdown(results)}`);
  const load = machineLoad();
  const out: BenchOutput = {
    date: new Date().toISOString(),
    machine: { cpus: load.cpus, loadavg1: load.loadavg1, node: process.version },
    options: o,
    results,
    verdicts: vs,
    errors,
  };
  if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 2));
  return out;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .description('Baltic Wall hub load benchmark (issue 2)')
    .option('--scenario <list>', 'S1, S2, S3, S4, a comma list, or all', 'all')
    .option('--target <t>', 'hub | baseline | both', 'both')
    .option('--clients <n>', 'override the number of clients', positive)
    .option('--rate <n>', 'override reports per second per client', positive)
    .option('--proto <share>', 'override the share of clients on TAK protocol, 0..1 (e.g. S2 with 1)', share)
    .option('--duration <s>', 'measured window, seconds', positive)
    .option('--warmup <s>', 'warm-up before the window, seconds', positive)
    .option(
      '--workers <n>',
      'generator processes (2: one process cannot read ~1 M deliveries/s)',
      positive,
      2,
    )
    .option('--tls', 'connect over TLS (hub: mutual TLS with a certificate from its own PKI)')
    .option('--json <file>', 'write the results as JSON')
    .option('--markdown', 'also print a Markdown table')
    .option('--smoke', 'tiny sizes: checks the harness end to end, measures nothing')
    .option(
      '--hub <how>',
      'auto (dist if fresh, else tsx) | dist | tsx | tsc (private build in node_modules/.cache)',
      'auto',
    )
    .option(
      '--wait-idle <pct>',
      'before each run wait (up to 10 min) until machine CPU is below <pct> % of one core',
      positive,
    )
    .option(
      '--report <json>',
      'print the table, targets and Markdown of an earlier --json file; runs nothing',
    )
    .option('--keep <dir>', "keep each hub run's config, log and data under <dir>")
    .option('--cpu-prof <dir>', 'run the hub with node --cpu-prof, profiles into <dir>')
    .option('--hub-flags <flags>', 'more node flags for the hub, space-separated (e.g. "--trace-gc")')
    .option('--gen-flags <flags>', 'node flags for the generator processes, space-separated')
    .option(
      '--cluster <n>',
      'C1: the hub as one process, then as n processes on one nats-server (spread clients; CPU apart)',
      positive,
    );
  program.parse();
  const o = program.opts<BenchOptions & { report?: string }>();
  if (o.report) {
    const saved = JSON.parse(readFileSync(o.report, 'utf8')) as BenchOutput;
    console.log(`${saved.date} on ${saved.machine.cpus} CPUs, node ${saved.machine.node}\n`);
    console.log(
      `${table(saved.results)}\n\n${verdictText(verdicts(saved.results))}\n\n${markdown(saved.results)}`,
    );
    return;
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      killAllChildren();
      process.exit(130);
    });
  }
  process.on('exit', killAllChildren);
  if (!['hub', 'baseline', 'both'].includes(o.target))
    throw new Error(`--target must be hub, baseline or both`);
  const out = await runBench(o);
  // Smoke sizes measure nothing: only real runs go into bench/results/.
  if (!o.smoke) recordRun('hub', out);
  if (liveChildren() > 0)
    console.error(`warning: ${liveChildren()} child processes still running; killing them`);
  process.exitCode = out.errors.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error('bench failed:', e instanceof Error ? e.message : e);
    killAllChildren();
    process.exit(1);
  });
}
