/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time per function, heaviest first. Used to say where
 * the hub spends its time when it misses a target. With `--stalls <ms>`, list instead the stretches in which the
 * event loop never went idle for longer than that, with what ran in them (a latency tail's usual cause).
 *
 *   npx tsx bench/lib/profile.ts /tmp/prof/CPU.*.cpuprofile [top]
 *   npx tsx bench/lib/profile.ts /tmp/prof/CPU.*.cpuprofile --stalls 50
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

/** Self time per function (summed over all call sites), heaviest first. */
export function hotSpots(profile: Profile, top = 25): HotSpot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  }
  const total = (profile.endTime - profile.startTime) / 1000;
  const agg = new Map<string, HotSpot>();
  for (const [id, us] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const file = f.url.replace(/^.*\/(node_modules\/|src\/)/, '$1');
    const where = file ? `${file}:${f.lineNumber + 1}` : '';
    const name = f.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const h = agg.get(key) ?? { name, where, selfMs: 0, share: 0 };
    h.selfMs += us / 1000;
    agg.set(key, h);
  }
  const list = [...agg.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  for (const h of list) h.share = total > 0 ? h.selfMs / total : 0;
  return list;
}

export interface Stall {
  /** Offset from the start of the profile, ms. */
  atMs: number;
  ms: number;
  /** Where the time went: the callback that ran (outermost JS frames) and the heaviest functions, by share. */
  entries: [string, number][];
  self: [string, number][];
}

const frameName = (n: ProfileNode): string => n.callFrame.functionName || '(anonymous)';

/** Busy stretches (no idle sample in between) longer than `minMs`, longest first. */
export function stalls(profile: Profile, minMs: number, top = 10): Stall[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The two outermost frames under (root), e.g. "processImmediate > flush". */
  const entryOf = (id: number): string => {
    const chain: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      chain.push(frameName(byId.get(at)!));
    chain.pop(); // (root)
    return chain.reverse().slice(0, 2).join(' > ');
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const out: Stall[] = [];
  let t = 0;
  let start = -1;
  let run: number[] = [];
  let runMs = 0;
  const close = (): void => {
    if (runMs >= minMs) {
      const entries = new Map<string, number>();
      const self = new Map<string, number>();
      for (const id of run) {
        const e = entryOf(id);
        entries.set(e, (entries.get(e) ?? 0) + 1);
        const f = frameName(byId.get(id)!);
        self.set(f, (self.get(f) ?? 0) + 1);
      }
      const share = (m: Map<string, number>): [string, number][] =>
        [...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([k, v]) => [k, v / run.length]);
      out.push({ atMs: start / 1000, ms: runMs, entries: share(entries), self: share(self) });
    }
    run = [];
    runMs = 0;
    start = -1;
  };
  for (let i = 0; i < samples.length; i++) {
    const d = deltas[i] ?? 0;
    t += d;
    const n = byId.get(samples[i]!)!;
    if (frameName(n) === '(idle)') {
      close();
      continue;
    }
    if (start < 0) start = t;
    run.push(samples[i]!);
    runMs += d / 1000;
  }
  close();
  return out.sort((a, b) => b.ms - a.ms).slice(0, top);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  if (process.argv[3] === '--stalls') {
    const pct = (list: [string, number][]): string =>
      list.map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(', ');
    for (const st of stalls(profile, Number(process.argv[4] ?? 50))) {
      console.log(`at ${(st.atMs / 1000).toFixed(1)} s: ${st.ms.toFixed(0)} ms busy`);
      console.log(`   in: ${pct(st.entries)}`);
      console.log(`   self: ${pct(st.self)}`);
    }
    process.exit(0);
  }
  const spots = hotSpots(profile, Number(process.argv[3] ?? 25));
  for (const h of spots) {
    console.log(
      `${(h.share * 100).toFixed(1).padStart(5)} %  ${h.selfMs.toFixed(0).padStart(7)} ms  ${h.name}  ${h.where}`,
    );
  }
}
