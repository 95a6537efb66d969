/**
 * Recording a real feed: ffmpeg's H.264 plus our KLV, sent over UDP to a hub feed with `record: true` and
 * one-second segments. Every segment is a valid MPEG-TS on its own (ffprobe, an independent demuxer, finds the H.264
 * and the KLV stream in it and decodes frames), the segments follow each other, the whole recording keeps the KLV
 * packets (extracted by ffmpeg and decoded by ours), and retention deletes the oldest segments beyond the limits.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeKlvPayload } from '../../src/codecs/klv/index.js';
import { ffmpegAvailable, startGenerated } from '../../src/video/generated.js';
import { orbitTelemetry } from '../../src/video/orbit.js';
import { applyRetention } from '../../src/video/record.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { freeUdpPort } from './helpers/feed.js';

const HAVE_FFMPEG = ffmpegAvailable();

function ffprobe(file: string): {
  streams: { codec_type: string; codec_name?: string; nb_read_frames?: string }[];
} {
  const r = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_type,codec_name,nb_read_frames',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (r.status !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as never;
}

describe.skipIf(!HAVE_FFMPEG)('recording a real feed', () => {
  let app: TestApp;
  const data = mkdtempSync(join(tmpdir(), 'bw-rec-app-'));
  const dir = join(data, 'video', 'rec1');
  let segments: string[] = [];

  beforeAll(async () => {
    const port = await freeUdpPort();
    app = await startTestApp(
      {
        'video.feeds': [{ id: 'rec1', url: `udp://127.0.0.1:${port}`, record: true }],
        'video.recording.segmentSeconds': 1,
      },
      data,
    );
    const sock = createSocket('udp4');
    const t0 = Date.now();
    const g = startGenerated({
      width: 320,
      height: 180,
      seconds: 3.5,
      telemetry: () => orbitTelemetry((Date.now() - t0) / 1000),
      security: { classification: 1 },
      out: (ts) => {
        for (let i = 0; i < ts.length; i += 7 * 188)
          sock.send(ts.subarray(i, i + 7 * 188), port, '127.0.0.1');
      },
    })!;
    await g.done;
    await new Promise((r) => setTimeout(r, 300));
    sock.close();
    await app.stop(); // closes the recorder: the last segment is flushed
    segments = readdirSync(dir)
      .filter((n) => n.endsWith('.ts'))
      .sort();
  }, 60_000);
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('writes one-second segments named by their UTC start time', () => {
    expect(segments.length).toBeGreaterThanOrEqual(3);
    for (const n of segments) expect(n).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.ts$/);
    for (const n of segments) expect(statSync(join(dir, n)).size % 188).toBe(0);
  });

  it('each segment is a valid MPEG-TS that starts with PAT and PMT and keeps the KLV stream', () => {
    for (const n of segments.slice(0, -1)) {
      const bytes = readFileSync(join(dir, n));
      expect(bytes[0]).toBe(0x47);
      expect(((bytes[1]! & 0x1f) << 8) | bytes[2]!).toBe(0); // PAT first: the segment plays on its own
      const p = ffprobe(join(dir, n));
      const video = p.streams.find((s) => s.codec_type === 'video')!;
      expect(video.codec_name).toBe('h264');
      expect(Number(video.nb_read_frames)).toBeGreaterThan(0);
      expect(p.streams.find((s) => s.codec_type === 'data')?.codec_name).toBe('klv');
    }
  });

  it('the whole recording holds the KLV packets ffmpeg extracts and our decoder reads', () => {
    const all = join(data, 'all.ts');
    writeFileSync(all, Buffer.concat(segments.map((n) => readFileSync(join(dir, n)))));
    const r = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-i', all, '-map', '0:d:0', '-c', 'copy', '-f', 'data', 'pipe:1'],
      {
        maxBuffer: 64 * 1024 * 1024,
        timeout: 30_000,
      },
    );
    expect(r.status).toBe(0);
    const d = decodeKlvPayload(r.stdout);
    expect(d.faults).toEqual([]);
    expect(d.sets.length).toBeGreaterThanOrEqual(10); // 5 Hz for 3.5 s
    expect(d.sets.every((s) => s.values.platformTailNumber === 'LTU-UAV-7')).toBe(true);
  });
});

describe('recording retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-rec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes the oldest segments beyond the byte limit and the age limit, never the current one', () => {
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    const names = [
      '2026-01-01T00-00-00-000Z.ts',
      '2026-01-01T00-01-00-000Z.ts',
      '2026-01-01T00-02-00-000Z.ts',
    ];
    names.forEach((n, i) => {
      writeFileSync(join(dir, n), Buffer.alloc(1000));
      const t = (now - (3 - i) * 60_000) / 1000;
      utimesSync(join(dir, n), t, t);
    });
    writeFileSync(join(dir, 'current.ts'), Buffer.alloc(0));
    // 3,000 bytes held, 2,500 allowed: the oldest goes.
    expect(applyRetention(dir, 2500, 3_600_000, now, 'current.ts')).toEqual([names[0]]);
    // Older than 90 s: the next one goes; the current segment is kept whatever its age.
    expect(applyRetention(dir, 1e9, 90_000, now, 'current.ts')).toEqual([names[1]]);
    expect(readdirSync(dir).sort()).toEqual([names[2], 'current.ts']);
  });
});
