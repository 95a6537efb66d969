/**
 * CPU and memory of a process read from /proc (Linux only): the hub and the generator are separate processes, and
 * /proc is the one view that covers both without instrumenting either.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (USER_HZ), used by utime/stime in /proc/<pid>/stat. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** One reading of a process. */
export interface ProcSample {
  /** Wall clock, ms (performance.now of the reader). */
  atMs: number;
  /** User + system CPU seconds consumed since the process started. */
  cpuSeconds: number;
  /** Resident set, bytes. */
  rssBytes: number;
  /** Peak resident set since start (VmHWM), bytes. */
  peakRssBytes: number;
}

/** Read /proc/<pid>/stat and /proc/<pid>/status; undefined when the process has gone. */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime field 15.
    const cpuSeconds = (Number(rest[11]) + Number(rest[12])) / ticksPerSecond();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    };
    return { atMs: performance.now(), cpuSeconds, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** CPU use between two samples in percent of one core (200 % = both cores of a 2-core machine). */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const wall = (b.atMs - a.atMs) / 1000;
  return wall > 0 ? ((b.cpuSeconds - a.cpuSeconds) / wall) * 100 : 0;
}

/**
 * Samples a process on an interval to find its peak RSS within a window (VmHWM covers the whole life, including
 * start-up). Bounded: keeps only the running maximum, never the series.
 */
export class ProcWatcher {
  private timer: NodeJS.Timeout | undefined;
  peakRssBytes = 0;
  first: ProcSample | undefined;
  last: ProcSample | undefined;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.first = this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Stop sampling and return { cpu % of one core over the window, peak RSS bytes in the window, VmHWM }. */
  stop(): { cpuPercent: number; peakRssBytes: number; hwmBytes: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const end = this.sample();
    const cpu = this.first && end ? cpuPercent(this.first, end) : NaN;
    return { cpuPercent: cpu, peakRssBytes: this.peakRssBytes, hwmBytes: end?.peakRssBytes ?? 0 };
  }

  private sample(): ProcSample | undefined {
    const s = readProc(this.pid);
    if (s) {
      this.last = s;
      if (s.rssBytes > this.peakRssBytes) this.peakRssBytes = s.rssBytes;
    }
    return s ?? this.last;
  }
}

/** Load average and CPU count, to record how busy the machine was when a figure was taken. */
export function machineLoad(): { loadavg1: number; cpus: number } {
  try {
    const l = readFileSync('/proc/loadavg', 'utf8').split(' ');
    const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 0;
    return { loadavg1: Number(l[0]), cpus };
  } catch {
    return { loadavg1: NaN, cpus: 0 };
  }
}

/** Whole-machine CPU counters from /proc/stat (all cores), in clock ticks. */
export interface MachineCpu {
  busy: number;
  total: number;
}

export function readMachineCpu(): MachineCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Machine CPU busy between two readings, in percent of one core (so 200 % = a 2-core machine fully busy). */
export function machineBusyPercent(a: MachineCpu, b: MachineCpu, cpus: number): number {
  const total = b.total - a.total;
  return total > 0 ? ((b.busy - a.busy) / total) * 100 * cpus : NaN;
}

/**
 * Wait until the machine is quiet: CPU busy over a 5 s sample below `maxPercent` (of one core), or `timeoutMs`
 * passed. Returns the last sample. Load average is no good here: it lags by a minute and counts our own last run.
 */
export async function waitForQuiet(
  maxPercent: number,
  timeoutMs: number,
  onWait?: (busyPercent: number) => void,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  const cpus = machineLoad().cpus || 1;
  for (;;) {
    const a = readMachineCpu();
    await new Promise((r) => setTimeout(r, 5_000));
    const b = readMachineCpu();
    const busy = a && b ? machineBusyPercent(a, b, cpus) : 0;
    if (!(busy >= maxPercent) || Date.now() >= until) return busy;
    onWait?.(Math.round(busy));
  }
}
