/**
 * Test-only MPEG-TS writer, independent of the demuxer (its own bitwise CRC-32/MPEG-2, PSI and PES layout): PAT,
 * PMT with any streams and descriptors, PES packets split into 188-byte packets with continuity counters, PCR.
 */

function crc32(bytes: number[]): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    for (let k = 7; k >= 0; k--) {
      const bit = ((crc >>> 31) ^ (b >> k)) & 1;
      crc = ((crc << 1) ^ (bit ? 0x04c11db7 : 0)) >>> 0;
    }
  }
  return crc >>> 0;
}

function section(tableId: number, ext: number, body: number[]): number[] {
  const len = 5 + body.length + 4;
  const s = [tableId, 0xb0 | (len >> 8), len & 0xff, ext >> 8, ext & 0xff, 0xc1, 0x00, 0x00, ...body];
  const c = crc32(s);
  return [...s, c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff];
}

export interface EsSpec {
  pid: number;
  streamType: number;
  descriptors?: number[];
}

export const KLVA_REG = [0x05, 0x04, 0x4b, 0x4c, 0x56, 0x41];
export const KLVA_METADATA = [0x26, 0x09, 0x01, 0x00, 0xff, 0x4b, 0x4c, 0x56, 0x41, 0x00, 0x0f];

export class TsWriter {
  private cc = new Map<number, number>();
  constructor(private readonly pmtPid = 0x1000) {}

  private next(pid: number): number {
    const c = ((this.cc.get(pid) ?? -1) + 1) & 0x0f;
    this.cc.set(pid, c);
    return c;
  }

  /** Packetize `data` on `pid`; the first packet has payload_unit_start and optionally a PCR. */
  packets(
    pid: number,
    data: number[] | Uint8Array,
    opts: { pcr?: number; psi?: boolean } = {},
  ): Uint8Array[] {
    const bytes = Array.from(opts.psi ? [0, ...data] : data);
    const out: Uint8Array[] = [];
    let i = 0;
    let first = true;
    while (i < bytes.length || first) {
      const p = new Uint8Array(188).fill(0xff);
      p[0] = 0x47;
      p[1] = (first ? 0x40 : 0) | (pid >> 8);
      p[2] = pid & 0xff;
      let off = 4;
      const pcr = first ? opts.pcr : undefined;
      const room = 184 - (pcr !== undefined ? 8 : 0);
      const take = Math.min(room, bytes.length - i);
      const stuff = opts.psi ? 0 : room - take; // PES: pad with an adaptation field; PSI: 0xFF after the section
      if (pcr !== undefined || stuff > 0) {
        const afLen = 183 - take;
        p[3] = 0x30 | this.next(pid);
        p[4] = afLen;
        if (afLen > 0) {
          p[5] = pcr !== undefined ? 0x10 : 0x00;
          if (pcr !== undefined) {
            const base = Math.floor(pcr / 300);
            const ext = pcr % 300;
            p[6] = Math.floor(base / 2 ** 25) & 0xff;
            p[7] = Math.floor(base / 2 ** 17) & 0xff;
            p[8] = Math.floor(base / 2 ** 9) & 0xff;
            p[9] = Math.floor(base / 2) & 0xff;
            p[10] = ((base & 1) << 7) | 0x7e | (ext >> 8);
            p[11] = ext & 0xff;
          }
        }
        off = 5 + afLen;
      } else p[3] = 0x10 | this.next(pid);
      p.set(bytes.slice(i, i + take), off);
      i += take;
      out.push(p);
      first = false;
    }
    return out;
  }

  pat(program = 1): Uint8Array[] {
    return this.packets(
      0,
      section(0x00, 1, [program >> 8, program & 0xff, 0xe0 | (this.pmtPid >> 8), this.pmtPid & 0xff]),
      { psi: true },
    );
  }

  pmt(streams: EsSpec[], pcrPid = streams[0]?.pid ?? 0x1fff, version = 0): Uint8Array[] {
    const body = [0xe0 | (pcrPid >> 8), pcrPid & 0xff, 0xf0, 0x00];
    for (const s of streams) {
      const d = s.descriptors ?? [];
      body.push(
        s.streamType,
        0xe0 | (s.pid >> 8),
        s.pid & 0xff,
        0xf0 | (d.length >> 8),
        d.length & 0xff,
        ...d,
      );
    }
    const sec = section(0x02, 1, body);
    sec[5] = 0xc1 | ((version & 0x1f) << 1);
    // The CRC covers the version byte: recompute.
    const c = crc32(sec.slice(0, -4));
    sec.splice(-4, 4, c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff);
    return this.packets(this.pmtPid, sec, { psi: true });
  }

  /** A PES packet with an optional PTS (90 kHz). `bounded`: write PES_packet_length (else 0, as for video). */
  static pes(streamId: number, payload: number[] | Uint8Array, pts?: number, bounded = true): number[] {
    const hdr = pts === undefined ? [0x80, 0x00, 0x00] : [0x80, 0x80, 0x05, ...ptsBytes(pts)];
    const len = hdr.length + payload.length;
    return [
      0,
      0,
      1,
      streamId,
      bounded ? len >> 8 : 0,
      bounded ? len & 0xff : 0,
      ...hdr,
      ...Array.from(payload),
    ];
  }

  /** Metadata AU cell wrapping for synchronous KLV. */
  static auCell(data: Uint8Array | number[], seq = 0): number[] {
    return [0x00, seq & 0xff, 0xdf, data.length >> 8, data.length & 0xff, ...Array.from(data)];
  }
}

function ptsBytes(pts: number): number[] {
  const hi = Math.floor(pts / 2 ** 30) & 0x7;
  const mid = Math.floor(pts / 2 ** 15) & 0x7fff;
  const lo = pts & 0x7fff;
  return [0x21 | (hi << 1), mid >> 7, ((mid & 0x7f) << 1) | 1, lo >> 7, ((lo & 0x7f) << 1) | 1];
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}
