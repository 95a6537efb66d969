/**
 * The generated fixture (real ffmpeg H.264 plus our injected KLV): our demuxer finds the H.264 and KLV streams and
 * decodes every KLV packet, and ffmpeg itself (an independent demuxer) recognises the injected stream as KLV and
 * extracts the same ST 0601 packets.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeKlvPayload, labelOfSecurity, type UasDatalink } from '../../src/codecs/klv/index.js';
import { TsDemuxer, type StreamInfo } from '../../src/codecs/mpegts/index.js';
import { ffmpegAvailable } from '../../src/video/generated.js';

const FIXTURE = new URL('../fixtures/video/orbit.mpegts', import.meta.url);

describe('generated fixture', () => {
  const bytes = readFileSync(FIXTURE);
  const sets: UasDatalink[] = [];
  let streams: StreamInfo[] = [];
  let video = 0;
  const issues: string[] = [];
  const d = new TsDemuxer({
    program: (_p, s) => (streams = s),
    metadata: (m) => sets.push(...decodeKlvPayload(m.payload).sets),
    videoPes: () => video++,
    issue: (r) => issues.push(r),
  });
  d.push(bytes);

  it('demuxes H.264 and asynchronous KLV without faults', () => {
    expect(issues).toEqual([]);
    expect(streams.map((s) => [s.kind, s.codec])).toEqual([
      ['video', 'h264'],
      ['klv-async', undefined],
    ]);
    expect(video).toBe(20);
    expect(sets.length).toBeGreaterThan(0);
    const last = sets[sets.length - 1]!;
    expect(last.values.platformTailNumber).toBe('LTU-UAV-7');
    expect(Math.abs((last.values.sensorLatitude as number) - 54.43)).toBeLessThan(0.02);
    expect(last.values.cornerLatitude4).toBeTypeOf('number');
    expect(labelOfSecurity(last.security!)).toMatchObject({
      classification: 'RESTRICTED',
      categories: [{ values: ['LTU', 'POL'] }],
    });
  });

  it.skipIf(!ffmpegAvailable())('is read as KLV by ffmpeg too, with the same packets', () => {
    const probe = spawnSync('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name',
      '-of',
      'csv=p=0',
      FIXTURE.pathname,
    ]);
    // ffprobe lists the streams once per program and once alone
    expect([...new Set(probe.stdout.toString().split('\n').filter(Boolean))]).toEqual(['h264', 'klv']);
    const data = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-i', FIXTURE.pathname, '-map', '0:d:0', '-c', 'copy', '-f', 'data', '-'],
      {
        maxBuffer: 1 << 24,
      },
    );
    const r = decodeKlvPayload(new Uint8Array(data.stdout));
    expect(r.faults).toEqual([]);
    expect(r.sets.map((s) => s.checksum)).toEqual(sets.map((s) => s.checksum));
  });
});
