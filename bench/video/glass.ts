/**
 * V3: glass-to-glass latency in chromium. ffmpeg burns each frame's number into the picture (FRAME_CODE in
 * src/video/generated.ts); the sender notes when each frame's first TS packet leaves for the hub (its video PES,
 * frames in order: x264 zerolatency has no B-frames); the page plays the feed through the COP's video panel
 * (mpegts.js, MSE) and, for every frame the video element presents (requestVideoFrameCallback), draws it on a
 * canvas, reads the number back and notes the expected display time. Latency = display - send, per frame. A
 * second figure starts at the frame's capture instead: ffmpeg reads frames on the -re schedule, t0 + N / fps, with
 * t0 fitted as the earliest send; that adds the encoder's delay.
 */
import { createSocket } from 'node:dgram';
import type { Page } from 'playwright-core';
import { TsDemuxer } from '../../src/codecs/mpegts/index.js';
import { FRAME_CODE, startGenerated, type Generated } from '../../src/video/generated.js';
import { orbitTelemetry } from '../../src/video/orbit.js';

export interface CodedFeed {
  /** Send time (ms since the epoch) of frame N's first TS packet. */
  sent: number[];
  fps: number;
  stop(): Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

/** A generated feed with the frame code, sent as UDP datagrams of 7 packets to `port`. */
export function sendCodedFeed(
  port: number,
  o: { fps?: number; seconds?: number } = {},
): CodedFeed | undefined {
  const fps = o.fps ?? 25;
  const sock = createSocket('udp4');
  const sent: number[] = [];
  let cut = false;
  const demux = new TsDemuxer({ videoPes: () => (cut = true) });
  const t0 = Date.now();
  const g: Generated | undefined = startGenerated({
    width: 320,
    height: 180,
    fps,
    bitrate: '800k',
    frameCode: true,
    ...(o.seconds ? { seconds: o.seconds } : {}),
    telemetry: () => orbitTelemetry((Date.now() - t0) / 1000),
    out: (ts) => {
      for (let i = 0; i < ts.length; i += 7 * 188) {
        const d = ts.subarray(i, i + 7 * 188);
        cut = false;
        demux.push(d);
        if (cut) sent.push(now());
        sock.send(d, port, '127.0.0.1');
      }
    },
  });
  if (!g) return undefined;
  return {
    sent,
    fps,
    stop: async () => {
      await g.stop();
      sock.close();
    },
  };
}

/**
 * Start reading the frame code of every frame the video element presents; samples `[N, display time]` go to
 * `window.__frameCodes`. A string, not a function: tsx's name-keeping helpers do not exist in the page.
 */
export async function readFrameCodes(page: Page, selector: string): Promise<void> {
  const { bits, blockWidth, rowHeight } = FRAME_CODE;
  await page.evaluate(`(() => {
    const v = document.querySelector(${JSON.stringify(selector)});
    const width = ${bits * blockWidth};
    const height = ${2 * rowHeight};
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    const out = [];
    window.__frameCodes = out;
    window.__framesPresented = 0;
    window.__lastCode = [];
    const step = (_now, meta) => {
      window.__framesPresented++;
      const sx = v.videoWidth / 320;
      ctx.drawImage(v, 0, 0, width * sx, height * sx, 0, 0, width, height);
      const px = ctx.getImageData(0, 0, width, height).data;
      let n = 0;
      let m = 0;
      for (let k = 0; k < ${bits}; k++) {
        for (let row = 0; row < 2; row++) {
          const i = ((row * ${rowHeight} + ${rowHeight / 2}) * width + k * ${blockWidth} + ${blockWidth / 2}) * 4;
          const one = px[i] + px[i + 1] + px[i + 2] > 384 ? 1 : 0;
          if (row === 0) n |= one << k;
          else m |= one << k;
        }
      }
      window.__lastCode = [n, m, v.videoWidth, v.videoHeight];
      // A clean read: the second row is the complement of the first.
      if ((n ^ m) === ${2 ** bits - 1}) out.push([n, performance.timeOrigin + meta.expectedDisplayTime]);
      if (out.length < 100000) v.requestVideoFrameCallback(step);
    };
    v.requestVideoFrameCallback(step);
  })()`);
}

export async function frameCodes(page: Page): Promise<[number, number][]> {
  return (await page.evaluate('window.__frameCodes.slice()')) as [number, number][];
}

export interface GlassResult {
  frames: number;
  /** Frames the video element presented (read or not) while the code was being read. */
  presented: number;
  /** Frames read whose number was never sent (a misread that passed the complement check): should be 0. */
  unknown: number;
  fromSend: { p50: number; p95: number; max: number };
  fromCapture: { p50: number; p95: number; max: number };
}

function pct(s: number[], p: number): number {
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

/** Latencies of the frames read; those shown in the first `skipMs` (the player's start-up) are left out. */
export function glassLatency(
  feed: CodedFeed,
  samples: [number, number][],
  skipMs = 0,
  presented = samples.length,
): GlassResult {
  const period = 1000 / feed.fps;
  const t0 = Math.min(...feed.sent.map((t, n) => t - n * period));
  const send: number[] = [];
  const capture: number[] = [];
  let unknown = 0;
  const from = (samples[0]?.[1] ?? 0) + skipMs;
  for (const [n, shown] of samples.filter(([, shown]) => shown >= from)) {
    const s = feed.sent[n];
    if (s === undefined) {
      unknown++;
      continue;
    }
    send.push(shown - s);
    capture.push(shown - (t0 + n * period));
  }
  const sum = (a: number[]) => {
    const s = [...a].sort((x, y) => x - y);
    return { p50: pct(s, 50), p95: pct(s, 95), max: s[s.length - 1] ?? NaN };
  };
  return { frames: send.length, presented, unknown, fromSend: sum(send), fromCapture: sum(capture) };
}
