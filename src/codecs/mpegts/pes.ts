/**
 * PES packets (ISO/IEC 13818-1 §2.4.3.6): header fields the hub uses (stream id, PTS) and the reassembly of a PES
 * from the payloads of consecutive TS packets, bounded in size. Also the Metadata AU cells (§2.12.4) that wrap
 * synchronous KLV (stream type 0x15, stream id 0xFC).
 */

export interface PesHeader {
  streamId: number;
  /** PES_packet_length: bytes after this field; 0 = unbounded (video). */
  packetLength: number;
  /** Offset of the payload from the start of the PES packet. */
  payloadOffset: number;
  /** Presentation time stamp, 90 kHz units (33 bits), when present. */
  pts?: number;
}

/** Stream ids without the optional PES header (program stream map, padding, private_stream_2, ECM/EMM, DSM-CC…). */
function hasOptionalHeader(id: number): boolean {
  return !(
    id === 0xbc ||
    id === 0xbe ||
    id === 0xbf ||
    id === 0xf0 ||
    id === 0xf1 ||
    id === 0xff ||
    id === 0xf2 ||
    id === 0xf8
  );
}

function readTimestamp(b: Uint8Array, o: number): number {
  // 33 bits spread over 5 bytes with marker bits; computed with arithmetic to stay exact beyond 32 bits.
  return (
    ((b[o]! >> 1) & 0x07) * 2 ** 30 +
    ((b[o + 1]! << 7) | (b[o + 2]! >> 1)) * 2 ** 15 +
    ((b[o + 3]! << 7) | (b[o + 4]! >> 1))
  );
}

/** Parse the PES header at the start of `b`; undefined when it is not a PES start or is cut short. */
export function parsePesHeader(b: Uint8Array): PesHeader | undefined {
  if (b.length < 6 || b[0] !== 0 || b[1] !== 0 || b[2] !== 1) return undefined;
  const streamId = b[3]!;
  const packetLength = (b[4]! << 8) | b[5]!;
  if (!hasOptionalHeader(streamId)) return { streamId, packetLength, payloadOffset: 6 };
  if (b.length < 9 || (b[6]! & 0xc0) !== 0x80) return undefined;
  const flags = b[7]! >> 6;
  const headerLen = b[8]!;
  const payloadOffset = 9 + headerLen;
  if (payloadOffset > b.length) return undefined;
  if (packetLength !== 0 && payloadOffset > packetLength + 6) return undefined;
  const h: PesHeader = { streamId, packetLength, payloadOffset };
  if ((flags & 0x2) !== 0 && headerLen >= 5) h.pts = readTimestamp(b, 9);
  return h;
}

/** A PES being reassembled from TS payloads. */
export class PesAssembler {
  private parts: Uint8Array[] = [];
  private size = 0;
  private active = false;

  constructor(private readonly maxBytes: number) {}

  get collecting(): boolean {
    return this.active;
  }

  get bytes(): number {
    return this.size;
  }

  start(payload: Uint8Array): void {
    this.parts = [payload];
    this.size = payload.length;
    this.active = true;
  }

  /** Append a continuation; false when the PES would exceed the bound (the PES is then dropped). */
  append(payload: Uint8Array): boolean {
    if (!this.active) return true;
    if (this.size + payload.length > this.maxBytes) {
      this.reset();
      return false;
    }
    this.parts.push(payload);
    this.size += payload.length;
    return true;
  }

  /** The declared total length (6 + PES_packet_length), or 0 when unbounded or not yet known. */
  declaredLength(): number {
    const first = this.parts[0];
    if (!first || first.length < 6) return 0;
    const len = (first[4]! << 8) | first[5]!;
    return len === 0 ? 0 : len + 6;
  }

  /** Take the collected bytes (copied into one buffer) and stop collecting. */
  take(): Uint8Array {
    const out = this.parts.length === 1 ? this.parts[0]!.slice() : concat(this.parts, this.size);
    this.reset();
    return out;
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
    this.active = false;
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The data of the Metadata AU cells of a synchronous metadata PES payload, joined. Each cell: metadata_service_id
 * (8), sequence_number (8), cell_fragment_indication (2) + flags (6), AU_cell_data_length (16), data.
 * Undefined when a cell claims more bytes than remain.
 */
export function metadataAuCells(payload: Uint8Array): Uint8Array | undefined {
  const cells: Uint8Array[] = [];
  let size = 0;
  let i = 0;
  while (i < payload.length) {
    if (i + 5 > payload.length) return undefined;
    const len = (payload[i + 3]! << 8) | payload[i + 4]!;
    if (i + 5 + len > payload.length) return undefined;
    cells.push(payload.subarray(i + 5, i + 5 + len));
    size += len;
    i += 5 + len;
  }
  return cells.length === 1 ? cells[0]! : concat(cells, size);
}
