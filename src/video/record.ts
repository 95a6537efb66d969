/**
 * Optional recording of a feed: its TS bytes, unchanged, into `<dataDir>/video/<feed>/<UTC time>.ts` segments of
 * `segmentSeconds`, each starting with the feed's latest PAT and PMT so it plays on its own; at each new segment the
 * oldest ones are deleted beyond `maxBytesPerFeed` or `maxAgeHours`. Writes go through one stream per segment,
 * bounded per feed: while more than MAX_PENDING bytes wait for the disk (counted across segments, so a segment
 * still flushing after the next one opened counts too), whole datagrams are skipped and counted
 * (`bw_video_record_dropped_bytes_total`); a write error (full disk) logs and stops the recording.
 */
import { createWriteStream, mkdirSync, readdirSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { VideoConfig } from './config.js';
import type { Feed } from './feed.js';

/** Bytes queued for the disk before datagrams are skipped (a slow disk never grows the heap). */
export const MAX_PENDING = 8 * 1024 * 1024;

export interface Recorder {
  close(): void;
}

export function segmentName(t: number): string {
  return `${new Date(t).toISOString().replace(/[:.]/g, '-')}.ts`;
}

/** Delete the oldest segments beyond the limits; returns the names deleted. */
export function applyRetention(
  dir: string,
  maxBytes: number,
  maxAgeMs: number,
  now: number,
  keep?: string,
): string[] {
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => {
      const s = statSync(join(dir, n));
      return { n, size: s.size, mtime: s.mtimeMs };
    });
  let total = files.reduce((a, f) => a + f.size, 0);
  const gone: string[] = [];
  for (const f of files) {
    if (f.n === keep) continue;
    if (total <= maxBytes && now - f.mtime <= maxAgeMs) continue;
    unlinkSync(join(dir, f.n));
    total -= f.size;
    gone.push(f.n);
  }
  return gone;
}

/** Where segments are written and the clock (tests give a slow disk and a clock of their own). */
export interface RecorderIo {
  open(path: string): Writable;
  now(): number;
}

const fileIo: RecorderIo = { open: (p): WriteStream => createWriteStream(p), now: Date.now };

export function startRecorder(
  feed: Feed,
  root: string,
  cfg: VideoConfig['recording'],
  log: Logger,
  onDropped: (bytes: number) => void = () => {},
  io: RecorderIo = fileIo,
): Recorder {
  const dir = join(root, feed.id);
  mkdirSync(dir, { recursive: true });
  let out: Writable | undefined;
  /** Bytes handed to any segment's stream and not yet written. */
  let pending = 0;
  const write = (w: Writable, b: Uint8Array) => {
    pending += b.length;
    w.write(b, () => (pending -= b.length));
  };
  let name = '';
  let started = 0;
  let failed = false;
  const open = (t: number) => {
    out?.end();
    name = segmentName(t);
    started = t;
    const w = io.open(join(dir, name));
    out = w;
    for (const p of feed.tablePackets()) write(w, p);
    out.on('error', (e) => {
      failed = true;
      log.error({ feed: feed.id, err: e.message }, 'video recording stopped');
    });
    try {
      applyRetention(dir, cfg.maxBytesPerFeed, cfg.maxAgeHours * 3_600_000, t, name);
    } catch (e) {
      log.warn({ feed: feed.id, err: (e as Error).message }, 'video retention failed');
    }
  };
  const tap = (chunk: Uint8Array) => {
    if (failed) return;
    const t = io.now();
    if (!out || t - started >= cfg.segmentSeconds * 1000) open(t);
    if (pending > MAX_PENDING) return onDropped(chunk.length);
    write(out!, chunk);
  };
  feed.taps.add(tap);
  return {
    close() {
      feed.taps.delete(tap);
      out?.end();
    },
  };
}
