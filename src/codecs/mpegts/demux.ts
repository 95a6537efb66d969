/**
 * A push-based MPEG-2 transport stream demuxer for what a STANAG 4609 feed needs: PAT/PMT (CRC-checked), the
 * stream kinds (video, synchronous and asynchronous KLV), continuity counters, PCR (with clock-jump detection), the
 * start and PTS of each video PES, and the reassembled payload of each metadata PES. Pure: no I/O, no timers.
 * Every defect of the input is reported through `issue` and the demuxer carries on with the next packet.
 */
import { PesAssembler, metadataAuCells, parsePesHeader } from './pes.js';
import { classifyStream, parsePat, parsePmt, videoCodec, type Pmt, type StreamKind } from './psi.js';
import { SectionAssembler } from './sections.js';

export const TS_PACKET = 188;
const SYNC = 0x47;
const PCR_WRAP = 2 ** 33 * 300;
/** A PCR step larger than this (27 MHz ticks) is a clock jump: the standard allows at most 100 ms between PCRs. */
const PCR_JUMP = 27_000_000;
const MAX_METADATA_PES = 256 * 1024;

export type TsIssue =
  | 'sync'
  | 'transport-error'
  | 'continuity'
  | 'psi-crc'
  | 'psi-malformed'
  | 'pes-malformed'
  | 'pes-truncated'
  | 'pes-too-large'
  | 'clock-jump';

export interface StreamInfo {
  pid: number;
  streamType: number;
  kind: StreamKind;
  codec?: string;
}

export interface MetadataUnit {
  pid: number;
  /** KLV bytes (AU cells already unwrapped for synchronous metadata). */
  payload: Uint8Array;
  /** 90 kHz presentation time, when the PES had one. */
  pts?: number;
  sync: boolean;
}

export interface DemuxHandlers {
  program?(pmt: Pmt, streams: StreamInfo[]): void;
  metadata?(unit: MetadataUnit): void;
  /** A video access unit starts (one per video PES). */
  videoPes?(pid: number, pts: number | undefined): void;
  /** PCR of the program's PCR PID, 27 MHz. */
  pcr?(pcr: number): void;
  issue?(reason: TsIssue, pid: number | undefined): void;
}

interface PidState {
  cc: number;
  stream?: StreamInfo;
  pes?: PesAssembler;
  psi?: SectionAssembler;
}

const SMPTE_UL_PREFIX = [0x06, 0x0e, 0x2b, 0x34];

export class TsDemuxer {
  private readonly pids = new Map<number, PidState>();
  private readonly pmtPids = new Set<number>();
  private readonly pmtVersions = new Map<number, number>();
  private carry = new Uint8Array(TS_PACKET);
  private carried = 0;
  private inSync = true;
  private pcrPid = -1;
  private lastPcr = -1;
  /** Packets and bytes seen (for rates and tests). */
  packets = 0;

  constructor(private readonly h: DemuxHandlers) {}

  /** Feed bytes in any chunking; packets may straddle calls. */
  push(chunk: Uint8Array): void {
    let i = 0;
    if (this.carried > 0) {
      const need = TS_PACKET - this.carried;
      const n = Math.min(need, chunk.length);
      this.carry.set(chunk.subarray(0, n), this.carried);
      this.carried += n;
      i = n;
      if (this.carried < TS_PACKET) return;
      this.carried = 0;
      this.packet(this.carry);
    }
    while (i < chunk.length) {
      if (chunk[i] !== SYNC) {
        const next = this.resync(chunk, i);
        if (next < 0) return;
        i = next;
        continue;
      }
      if (i + TS_PACKET > chunk.length) {
        this.carry.set(chunk.subarray(i));
        this.carried = chunk.length - i;
        return;
      }
      this.inSync = true;
      this.packet(chunk.subarray(i, i + TS_PACKET));
      i += TS_PACKET;
    }
  }

  /** Skip to the next plausible packet start; counted once per lost-sync run. Returns -1 if none in the chunk. */
  private resync(chunk: Uint8Array, from: number): number {
    if (this.inSync) {
      this.inSync = false;
      this.h.issue?.('sync', undefined);
    }
    for (let j = from + 1; j < chunk.length; j++) {
      if (chunk[j] !== SYNC) continue;
      if (j + TS_PACKET < chunk.length && chunk[j + TS_PACKET] !== SYNC) continue;
      return j;
    }
    return -1;
  }

  private state(pid: number): PidState {
    let s = this.pids.get(pid);
    if (!s) {
      s = { cc: -1 };
      this.pids.set(pid, s);
    }
    return s;
  }

  private packet(p: Uint8Array): void {
    this.packets++;
    if (p[1]! & 0x80) {
      this.h.issue?.('transport-error', undefined);
      return;
    }
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    if (pid === 0x1fff) return;
    const unitStart = (p[1]! & 0x40) !== 0;
    const afc = (p[3]! >> 4) & 0x3;
    const cc = p[3]! & 0x0f;
    let off = 4;
    let discontinuity = false;
    if (afc & 0x2) {
      const afLen = p[4]!;
      if (5 + afLen > TS_PACKET) return this.h.issue?.('pes-malformed', pid);
      if (afLen > 0) {
        const flags = p[5]!;
        discontinuity = (flags & 0x80) !== 0;
        if (flags & 0x10 && afLen >= 7 && pid === this.pcrPid) this.onPcr(p, discontinuity);
      }
      off = 5 + afLen;
    }
    const s = this.state(pid);
    const hasPayload = (afc & 0x1) !== 0;
    if (hasPayload) {
      if (s.cc >= 0 && !discontinuity) {
        if (cc === s.cc) return; // duplicate packet, allowed once by the standard
        if (cc !== ((s.cc + 1) & 0x0f)) {
          this.h.issue?.('continuity', pid);
          s.pes?.reset(); // the PES being collected has a hole: drop it
        }
      }
      s.cc = cc;
    }
    if (!hasPayload || off >= TS_PACKET) return;
    const payload = p.subarray(off);
    if (pid === 0 || this.pmtPids.has(pid)) this.psi(pid, s, payload, unitStart);
    else if (s.stream) this.elementary(s, payload, unitStart);
  }

  private onPcr(p: Uint8Array, discontinuity: boolean): void {
    const base = p[6]! * 2 ** 25 + ((p[7]! << 17) | (p[8]! << 9) | (p[9]! << 1) | (p[10]! >> 7));
    const pcr = base * 300 + (((p[10]! & 0x01) << 8) | p[11]!);
    if (this.lastPcr >= 0 && !discontinuity) {
      const step = (pcr - this.lastPcr + PCR_WRAP) % PCR_WRAP;
      if (step > PCR_JUMP) this.h.issue?.('clock-jump', this.pcrPid);
    }
    this.lastPcr = pcr;
    this.h.pcr?.(pcr);
  }

  private psi(pid: number, s: PidState, payload: Uint8Array, unitStart: boolean): void {
    s.psi ??= new SectionAssembler();
    s.psi.push(
      payload,
      unitStart,
      (sec) => (pid === 0 ? this.onPat(sec) : this.onPmt(sec)),
      () => this.h.issue?.('psi-malformed', pid),
    );
  }

  private onPat(sec: Uint8Array): void {
    const r = parsePat(sec);
    if (!r.ok) return this.h.issue?.(r.reason, 0);
    for (const pid of r.value.values()) this.pmtPids.add(pid);
  }

  private onPmt(sec: Uint8Array): void {
    if (sec[0] !== 0x02) return; // other tables on a PMT PID are not ours
    const r = parsePmt(sec);
    if (!r.ok) return this.h.issue?.(r.reason, undefined);
    const pmt = r.value;
    if (this.pmtVersions.get(pmt.programNumber) === pmt.version) return;
    this.pmtVersions.set(pmt.programNumber, pmt.version);
    if (this.pcrPid !== pmt.pcrPid) this.lastPcr = -1;
    this.pcrPid = pmt.pcrPid;
    const streams: StreamInfo[] = [];
    for (const es of pmt.streams) {
      const kind = classifyStream(es);
      const codec = videoCodec(es.streamType);
      const info: StreamInfo = { pid: es.pid, streamType: es.streamType, kind, ...(codec ? { codec } : {}) };
      const st = this.state(es.pid);
      st.stream = info;
      if (kind === 'klv-async' || kind === 'klv-sync' || kind === 'data')
        st.pes ??= new PesAssembler(MAX_METADATA_PES);
      streams.push(info);
    }
    this.h.program?.(pmt, streams);
  }

  private elementary(s: PidState, payload: Uint8Array, unitStart: boolean): void {
    const info = s.stream!;
    if (info.kind === 'video') {
      if (!unitStart) return;
      const hdr = parsePesHeader(payload);
      if (!hdr) return this.h.issue?.('pes-malformed', info.pid);
      this.h.videoPes?.(info.pid, hdr.pts);
      return;
    }
    const pes = s.pes;
    if (!pes) return;
    if (unitStart) {
      if (pes.collecting) this.finish(s, true);
      pes.start(payload);
    } else if (!pes.append(payload)) {
      this.h.issue?.('pes-too-large', info.pid);
      return;
    }
    const declared = pes.declaredLength();
    if (declared > 0 && pes.bytes >= declared) this.finish(s, false);
  }

  /** Hand out a collected metadata PES. `cut`: a new PES started before this one reached its declared length. */
  private finish(s: PidState, cut: boolean): void {
    const info = s.stream!;
    const pes = s.pes!;
    const declared = pes.declaredLength();
    if (cut && declared > 0 && pes.bytes < declared) {
      pes.reset();
      return this.h.issue?.('pes-truncated', info.pid);
    }
    const bytes = pes.take();
    const hdr = parsePesHeader(bytes);
    if (!hdr) return this.h.issue?.('pes-malformed', info.pid);
    const end = declared > 0 ? declared : bytes.length;
    let payload = bytes.subarray(hdr.payloadOffset, end);
    const sync = info.kind === 'klv-sync' || hdr.streamId === 0xfc;
    if (sync && info.kind === 'klv-sync') {
      const cells = metadataAuCells(payload);
      if (!cells) return this.h.issue?.('pes-malformed', info.pid);
      payload = cells;
    }
    if (info.kind === 'data') {
      // An unregistered private stream: KLV only if it starts with a SMPTE universal label.
      const isKlv = SMPTE_UL_PREFIX.every((b, k) => payload[k] === b);
      info.kind = isKlv ? 'klv-async' : 'other';
      if (!isKlv) {
        s.pes = undefined;
        return;
      }
    }
    this.h.metadata?.({ pid: info.pid, payload, ...(hdr.pts !== undefined ? { pts: hdr.pts } : {}), sync });
  }

  /** Is `pid` a PMT PID named by the PAT? */
  isPmtPid(pid: number): boolean {
    return this.pmtPids.has(pid);
  }

  /** Streams known from the PMT. */
  streams(): StreamInfo[] {
    const out: StreamInfo[] = [];
    for (const s of this.pids.values()) if (s.stream) out.push(s.stream);
    return out;
  }
}
