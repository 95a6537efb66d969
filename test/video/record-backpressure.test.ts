/**
 * Recording on a disk that falls behind: the bytes waiting for the disk stay under MAX_PENDING for the feed as a
 * whole, also across segment changes (a segment still flushing when the next opens counts), and every datagram not
 * recorded is counted. The "disk" is a Writable that takes bytes but completes no write until released.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { feedConfig, videoConfig } from '../../src/video/config.js';
import { Feed } from '../../src/video/feed.js';
import { VideoMetrics } from '../../src/video/metrics.js';
import { MAX_PENDING, startRecorder } from '../../src/video/record.js';
import { feedDatagrams } from './helpers/feed.js';

class StuckDisk extends Writable {
  held = 0;
  private stuck = true;
  private readonly callbacks: (() => void)[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.held += chunk.length;
    if (this.stuck) this.callbacks.push(cb);
    else cb();
  }
  release(): void {
    this.stuck = false;
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

describe('recording on a slow disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'bw-rec-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps at most MAX_PENDING bytes waiting across segments and counts what it skips', async () => {
    const log = pino({ level: 'silent' });
    let t = 1_700_000_000_000;
    const feed = new Feed(
      feedConfig.parse({ id: 'slow', url: 'udp://127.0.0.1:1' }),
      'config',
      new VideoMetrics(),
      log,
      () => t,
    );
    const disks: StuckDisk[] = [];
    let dropped = 0;
    const rec = startRecorder(feed, root, videoConfig.parse({}).recording, log, (n) => (dropped += n), {
      open: () => {
        const d = new StuckDisk();
        disks.push(d);
        return d;
      },
      now: () => t,
    });
    const datagrams = feedDatagrams(200);
    let sent = 0;
    // Three 60 s segments, each offered three times MAX_PENDING.
    for (let segment = 0; segment < 3; segment++) {
      let bytes = 0;
      while (bytes < 3 * MAX_PENDING)
        for (const d of datagrams) {
          feed.data(d);
          bytes += d.length;
        }
      sent += bytes;
      t += 61_000;
    }
    const held = disks.reduce((a, d) => a + d.held + d.writableLength, 0);
    expect(disks.length).toBe(3);
    expect(held).toBeLessThanOrEqual(MAX_PENDING + 2 * 1316);
    expect(dropped).toBeGreaterThan(0);
    // Every datagram is either with the disk or counted; each segment also starts with the PAT and PMT.
    const tables = held + dropped - sent;
    expect(tables % 188).toBe(0);
    expect(tables).toBeGreaterThan(0);
    expect(tables).toBeLessThanOrEqual(3 * 4 * 188);
    // Once the disk catches up, recording resumes.
    for (const d of disks) d.release();
    while (disks.some((d) => d.writableLength > 0)) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const before = dropped;
    feed.data(datagrams[0]!);
    expect(dropped).toBe(before);
    rec.close();
  });
});
