/**
 * The TS demuxer against the independent test writer: programs and stream kinds, async (0x06 + KLVA) and sync
 * (0x15, AU cells) KLV, unregistered 0x06 data sniffed for a SMPTE key, PCR and every bad-input case; plus a light
 * fuzz (random bytes and mutated valid streams must never throw).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TsDemuxer, unwrapDatagram, type MetadataUnit, type TsIssue } from '../../src/codecs/mpegts/index.js';
import { decodeKlvPayload } from '../../src/codecs/klv/index.js';
import { telemetryPacket } from './helpers/klv-encode.js';
import { KLVA_METADATA, KLVA_REG, TsWriter, concat } from './helpers/ts-encode.js';

const klv = (t: number) =>
  telemetryPacket({
    time: t,
    heading: 90,
    sensorLat: 54.9,
    sensorLon: 23.9,
    sensorHae: 800,
    hfov: 20,
    vfov: 12,
    relAz: 0,
    relEl: -60,
    slant: 900,
    fcLat: 54.905,
    fcLon: 23.9,
    fcHae: 100,
  });

function run(chunks: Uint8Array[], chunkSize?: number) {
  const meta: MetadataUnit[] = [];
  const issues: TsIssue[] = [];
  const video: (number | undefined)[] = [];
  const pcrs: number[] = [];
  let kinds: string[] = [];
  const d = new TsDemuxer({
    program: (_p, s) => (kinds = s.map((x) => `${x.pid}:${x.kind}`)),
    metadata: (m) => meta.push(m),
    videoPes: (_pid, pts) => video.push(pts),
    pcr: (p) => pcrs.push(p),
    issue: (r) => issues.push(r),
  });
  const all = concat(chunks);
  if (!chunkSize) d.push(all);
  else for (let i = 0; i < all.length; i += chunkSize) d.push(all.subarray(i, i + chunkSize));
  return { meta, issues, video, pcrs, kinds, d };
}

function stream(kind: 'async' | 'sync' | 'bare', frames = 3) {
  const w = new TsWriter();
  const es =
    kind === 'sync'
      ? { pid: 0x102, streamType: 0x15, descriptors: KLVA_METADATA }
      : { pid: 0x102, streamType: 0x06, descriptors: kind === 'async' ? KLVA_REG : [] };
  const out = [...w.pat(), ...w.pmt([{ pid: 0x100, streamType: 0x1b }, es], 0x100)];
  for (let f = 0; f < frames; f++) {
    const pts = 90_000 + f * 3000;
    out.push(...w.packets(0x100, TsWriter.pes(0xe0, new Array(500).fill(f), pts, false), { pcr: pts * 300 }));
    const k = klv(1_700_000_000_000_000 + f * 33_333);
    out.push(
      ...w.packets(
        0x102,
        kind === 'sync' ? TsWriter.pes(0xfc, TsWriter.auCell(k, f), pts) : TsWriter.pes(0xbd, k),
      ),
    );
  }
  return out;
}

describe('TS demuxer', () => {
  it('finds the program and decodes asynchronous KLV (0x06 + KLVA) in any chunking', () => {
    for (const size of [undefined, 1, 7, 188, 1316, 1000]) {
      const r = run(stream('async'), size);
      expect(r.issues).toEqual([]);
      expect(r.kinds).toEqual(['256:video', '258:klv-async']);
      expect(r.video).toEqual([90_000, 93_000, 96_000]);
      expect(r.pcrs).toEqual([27e6, 27e6 + 900_000, 27e6 + 1_800_000]);
      expect(r.meta).toHaveLength(3);
      expect(r.meta[0]!.sync).toBe(false);
      const sets = decodeKlvPayload(r.meta[2]!.payload).sets;
      expect(sets[0]!.values.precisionTimeStamp).toBe(1_700_000_000_000_000 + 2 * 33_333);
    }
  });

  it('decodes synchronous KLV (0x15, metadata descriptor, AU cells) with its PTS', () => {
    const r = run(stream('sync'));
    expect(r.issues).toEqual([]);
    expect(r.kinds).toEqual(['256:video', '258:klv-sync']);
    expect(r.meta.map((m) => [m.sync, m.pts])).toEqual([
      [true, 90_000],
      [true, 93_000],
      [true, 96_000],
    ]);
    expect(decodeKlvPayload(r.meta[1]!.payload).faults).toEqual([]);
  });

  it('accepts an unregistered 0x06 stream (FFmpeg 5.1 bin_data) once its PES starts with a SMPTE key', () => {
    const r = run(stream('bare'));
    expect(r.meta).toHaveLength(3);
    expect(r.d.streams().find((s) => s.pid === 0x102)!.kind).toBe('klv-async');
  });

  it('counts a continuity error and drops the PES with the hole', () => {
    const s = stream('async');
    const klvPackets = s.filter((p) => (((p[1]! & 0x1f) << 8) | p[2]!) === 0x102);
    const cut = s.filter((p) => p !== klvPackets[1]); // lose the 2nd KLV PES
    const r = run(cut);
    expect(r.issues).toContain('continuity');
    expect(r.meta.length).toBeLessThan(3);
  });

  it('counts a PSI section with a bad CRC and ignores it', () => {
    const w = new TsWriter();
    const pat = w.pat();
    pat[0]![10] = pat[0]![10]! ^ 0xff;
    const r = run([...pat]);
    expect(r.issues).toEqual(['psi-crc']);
    expect(r.kinds).toEqual([]);
  });

  it('counts a truncated PES (a new one starts before the declared length)', () => {
    const w = new TsWriter();
    const k = Uint8Array.from([...klv(1), ...klv(2)]); // spans two TS packets
    const pes = TsWriter.pes(0xbd, k);
    const declared = pes.length - 6 + 100; // claims 100 bytes more than it carries
    pes[4] = declared >> 8;
    pes[5] = declared & 0xff;
    const out = [
      ...w.pat(),
      ...w.pmt([
        { pid: 0x100, streamType: 0x1b },
        { pid: 0x102, streamType: 0x06, descriptors: KLVA_REG },
      ]),
      ...w.packets(0x102, pes),
      ...w.packets(0x102, TsWriter.pes(0xbd, k)),
    ];
    const r = run(out);
    expect(r.issues).toEqual(['pes-truncated']);
    expect(r.meta).toHaveLength(1);
  });

  it('counts a clock jump and lost sync', () => {
    const w = new TsWriter();
    const out = [...w.pat(), ...w.pmt([{ pid: 0x100, streamType: 0x1b }], 0x100)];
    out.push(...w.packets(0x100, TsWriter.pes(0xe0, [1], 0, false), { pcr: 0 }));
    out.push(...w.packets(0x100, TsWriter.pes(0xe0, [1], 0, false), { pcr: 27e6 * 60 }));
    out.push(Uint8Array.from([1, 2, 3, 4, 5]));
    out.push(...w.packets(0x100, TsWriter.pes(0xe0, [1], 0, false)));
    const r = run(out);
    expect(r.issues).toEqual(['clock-jump', 'sync']);
    expect(r.video).toHaveLength(3);
  });

  it('unwraps RTP/MP2T and passes plain TS datagrams through', () => {
    const ts = concat(stream('async', 1).slice(0, 7));
    expect(unwrapDatagram(ts)).toMatchObject({ ok: true, ts });
    const rtp = new Uint8Array(12 + ts.length);
    rtp.set([0x80, 33, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 1]);
    rtp.set(ts, 12);
    const u = unwrapDatagram(rtp);
    expect(u.ok && u.ts.length === ts.length && u.seq === 0x1234).toBe(true);
    expect(unwrapDatagram(Uint8Array.from([1, 2, 3]))).toEqual({ ok: false, reason: 'rtp-malformed' });
  });
});

describe('fuzz', () => {
  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), (b) => {
        run([b]);
        decodeKlvPayload(b);
      }),
      { numRuns: 300 },
    );
  });
  it('never throws on mutated valid streams (sync bytes kept)', () => {
    const base = concat(stream('sync', 4));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
        (muts) => {
          const b = base.slice();
          for (const [i, v] of muts) if (i % 188 !== 0) b[i] = v;
          const r = run([b]);
          for (const m of r.meta) decodeKlvPayload(m.payload);
        },
      ),
      { numRuns: 300 },
    );
  });
});
