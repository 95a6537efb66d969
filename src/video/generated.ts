/**
 * A generated STANAG 4609-style stream for the demo, the test material and the benchmarks: Debian's ffmpeg
 * encodes a `testsrc` pattern (with the wall-clock time burnt in) to H.264 in MPEG-TS on its stdout, and the
 * KLV injector adds an asynchronous KLV stream with an ST 0601 packet per `klvHz` from `telemetry()`.
 * Resolves undefined when ffmpeg is missing, so callers (the demo) still start without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { encodeUasDatalink, securityItem } from '../codecs/klv/index.js';
import { KlvInjector } from '../codecs/mpegts/index.js';

export interface GeneratedOptions {
  ffmpeg?: string;
  width?: number;
  height?: number;
  fps?: number;
  /** Video bit rate (e.g. "1M"). */
  bitrate?: string;
  /** Stop after this many seconds (default: run until stop()). */
  seconds?: number;
  /** Real time (-re): a live source. Off: as fast as ffmpeg can (files, fixtures). */
  realtime?: boolean;
  klvHz?: number;
  /**
   * Burn the frame number into the picture as a machine-readable code (see FRAME_CODE), for glass-to-glass
   * latency measurement (bench/video/glass.ts).
   */
  frameCode?: boolean;
  telemetry: () => Record<string, number | string> | undefined;
  security?: { classification: number; releasing?: string };
  /** Where the TS goes, in whole 188-byte packets. */
  out: (ts: Uint8Array) => void;
  onExit?: (code: number | null) => void;
}

export interface Generated {
  stop(): Promise<void>;
  done: Promise<void>;
}

export function ffmpegAvailable(ffmpeg = 'ffmpeg'): boolean {
  try {
    return spawnSync(ffmpeg, ['-hide_banner', '-version'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  } catch {
    return false;
  }
}

/**
 * The frame code: the top 32 rows of the picture hold the frame number n (ffmpeg's frame count, from 0) in 16 blocks
 * of 20×16 pixels, least significant bit left, white = 1 (rows 0–15), and its complement (rows 16–31), so a reader
 * can tell a clean read from a damaged one. The picture must be at least 320 pixels wide.
 */
export const FRAME_CODE = { bits: 16, blockWidth: 20, rowHeight: 16 } as const;

/** Drawn with drawbox filters switched per frame by `enable` (cheap: no per-pixel expression). */
function frameCodeFilter(): string {
  const { bits, blockWidth: w, rowHeight: r } = FRAME_CODE;
  const out = [`drawbox=x=0:y=0:w=${bits * w}:h=${2 * r}:color=black:t=fill`];
  for (let k = 0; k < bits; k++)
    for (const [row, value] of [
      [0, 1],
      [1, 0],
    ])
      out.push(
        `drawbox=x=${k * w}:y=${row! * r}:w=${w}:h=${r}:color=white:t=fill:` +
          `enable='eq(mod(floor(n/pow(2\\,${k}))\\,2)\\,${value})'`,
      );
  return out.join(',');
}

export function ffmpegTestArgs(o: GeneratedOptions): string[] {
  const w = o.width ?? 640;
  const h = o.height ?? 360;
  const fps = o.fps ?? 25;
  const text =
    "drawtext=text='%{localtime\\:%H\\\\\\:%M\\\\\\:%S} %{pts\\:hms}':fontsize=20:fontcolor=white:box=1:boxcolor=black@0.6:x=8:y=" +
    (o.frameCode ? '40' : '8');
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...(o.realtime !== false ? ['-re'] : []),
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${w}x${h}:rate=${fps}`,
    ...(o.seconds ? ['-t', String(o.seconds)] : []),
    '-vf',
    o.frameCode ? `${text},${frameCodeFilter()}` : text,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps),
    '-b:v',
    o.bitrate ?? '1M',
    '-f',
    'mpegts',
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}

export function startGenerated(o: GeneratedOptions): Generated | undefined {
  const ffmpeg = o.ffmpeg ?? 'ffmpeg';
  if (!ffmpegAvailable(ffmpeg)) return undefined;
  const inject = new KlvInjector();
  const child = spawn(ffmpeg, ffmpegTestArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  const extra = o.security ? [securityItem(o.security.classification, o.security.releasing)] : [];
  const sendKlv = () => {
    const t = o.telemetry();
    if (t) o.out(inject.klv(encodeUasDatalink({ precisionTimeStamp: Date.now() * 1000, ...t }, extra)));
  };
  let sinceKlv = 0;
  const klvEvery = Math.max(1, Math.round((o.fps ?? 25) / (o.klvHz ?? 5)));
  child.stdout.on('data', (d: Buffer) => {
    const ts = inject.push(d);
    if (ts.length) o.out(ts);
    // KLV follows the video: one packet every `klvEvery` chunks of roughly a frame each.
    if (++sinceKlv >= klvEvery) {
      sinceKlv = 0;
      sendKlv();
    }
  });
  child.stderr.on('data', () => {});
  const done = new Promise<void>((resolve) => {
    child.on('close', (code) => {
      o.onExit?.(code);
      resolve();
    });
    child.on('error', () => resolve());
  });
  return {
    done,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await done;
    },
  };
}
