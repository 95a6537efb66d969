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

export function ffmpegTestArgs(o: GeneratedOptions): string[] {
  const w = o.width ?? 640;
  const h = o.height ?? 360;
  const fps = o.fps ?? 25;
  const text =
    "drawtext=text='%{localtime\\:%H\\\\\\:%M\\\\\\:%S} %{pts\\:hms}':fontsize=20:fontcolor=white:box=1:boxcolor=black@0.6:x=8:y=8";
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
    text,
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
