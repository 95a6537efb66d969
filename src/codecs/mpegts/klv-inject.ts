/**
 * Adds an asynchronous KLV stream to a transport stream that has none (FFmpeg's own output, which cannot carry
 * KLV from a raw data input with the KLVA registration): the PMT is rewritten in place with one more stream
 * (type 0x06, KLVA registration descriptor) and KLV PES packets are written on that PID on request. Used by the
 * demo camera, the test-stream generator and the benchmarks; pure.
 */
import { crc32Mpeg } from './crc32.js';
import { TS_PACKET } from './demux.js';
import { parsePat, parsePmt, sectionLength, type Pmt } from './psi.js';

const KLVA_REGISTRATION = [0x05, 0x04, 0x4b, 0x4c, 0x56, 0x41];

export function pmtSection(pmt: Pmt): Uint8Array {
  const body: number[] = [0xe0 | (pmt.pcrPid >> 8), pmt.pcrPid & 0xff];
  const progDesc = pmt.descriptors.flatMap((d) => [d.tag, d.data.length, ...d.data]);
  body.push(0xf0 | (progDesc.length >> 8), progDesc.length & 0xff, ...progDesc);
  for (const s of pmt.streams) {
    const d = s.descriptors.flatMap((x) => [x.tag, x.data.length, ...x.data]);
    body.push(s.streamType, 0xe0 | (s.pid >> 8), s.pid & 0xff, 0xf0 | (d.length >> 8), d.length & 0xff, ...d);
  }
  const len = 5 + body.length + 4;
  const sec = [0x02, 0xb0 | (len >> 8), len & 0xff, pmt.programNumber >> 8, pmt.programNumber & 0xff];
  sec.push(0xc1 | ((pmt.version & 0x1f) << 1), 0x00, 0x00, ...body);
  const crc = crc32Mpeg(Uint8Array.from(sec));
  sec.push(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff);
  return Uint8Array.from(sec);
}

export class KlvInjector {
  private carry = new Uint8Array(0);
  private pmtPid = -1;
  private cc = 0;

  constructor(readonly klvPid = 0x1f1) {}

  /** Pass TS through (re-aligned to whole packets), the PMT with the KLV stream added. */
  push(chunk: Uint8Array): Uint8Array {
    const all = this.carry.length ? concat([this.carry, chunk]) : chunk;
    let start = 0;
    while (start < all.length && all[start] !== 0x47) start++;
    const whole = Math.floor((all.length - start) / TS_PACKET) * TS_PACKET;
    const out = all.slice(start, start + whole);
    this.carry = all.slice(start + whole);
    for (let i = 0; i < out.length; i += TS_PACKET) this.rewrite(out.subarray(i, i + TS_PACKET));
    return out;
  }

  private rewrite(p: Uint8Array): void {
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    const unitStart = (p[1]! & 0x40) !== 0;
    if (!unitStart || (p[3]! & 0x30) !== 0x10) return; // payload-only PSI packets only
    const sec = p.subarray(5 + p[4]!);
    const len = sectionLength(sec, 0);
    if (len < 0 || len > sec.length) return;
    if (pid === 0) {
      const pat = parsePat(sec.subarray(0, len));
      if (pat.ok) this.pmtPid = [...pat.value.values()][0] ?? -1;
      return;
    }
    if (pid !== this.pmtPid) return;
    const pmt = parsePmt(sec.subarray(0, len));
    if (!pmt.ok || pmt.value.streams.some((s) => s.pid === this.klvPid)) return;
    const data = new Uint8Array(KLVA_REGISTRATION.slice(2));
    pmt.value.streams.push({ pid: this.klvPid, streamType: 0x06, descriptors: [{ tag: 0x05, data }] });
    const next = pmtSection(pmt.value);
    if (5 + next.length > TS_PACKET) return;
    p.fill(0xff, 4);
    p[4] = 0; // pointer_field
    p.set(next, 5);
  }

  /** TS packets of one asynchronous KLV PES (stream id 0xBD) carrying `klv`. */
  klv(klv: Uint8Array): Uint8Array {
    const pes = new Uint8Array(9 + klv.length);
    const len = 3 + klv.length;
    pes.set([0, 0, 1, 0xbd, len >> 8, len & 0xff, 0x80, 0x00, 0x00]);
    pes.set(klv, 9);
    const packets: Uint8Array[] = [];
    for (let i = 0; i < pes.length || i === 0;) {
      const p = new Uint8Array(TS_PACKET).fill(0xff);
      const take = Math.min(184, pes.length - i);
      p[0] = 0x47;
      p[1] = (i === 0 ? 0x40 : 0) | (this.klvPid >> 8);
      p[2] = this.klvPid & 0xff;
      const cc = this.cc++ & 0x0f;
      if (take < 184) {
        p[3] = 0x30 | cc;
        p[4] = 183 - take;
        if (p[4] > 0) p[5] = 0x00;
        p.set(pes.subarray(i, i + take), TS_PACKET - take);
      } else {
        p[3] = 0x10 | cc;
        p.set(pes.subarray(i, i + take), 4);
      }
      packets.push(p);
      i += take;
    }
    return concat(packets);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
