/**
 * Reassembly of PSI sections from TS packet payloads (pointer_field, sections spanning packets, several sections
 * in one packet, 0xFF stuffing). Bounded: a PSI section is at most 1024 bytes (section_length ≤ 1021).
 */
import { sectionLength } from './psi.js';

const MAX_SECTION = 1024;

export class SectionAssembler {
  private pending: Uint8Array | undefined;
  private pendingSize = 0;

  /**
   * Feed one packet's payload. `onSection` gets each complete section; `onBad` a section that claims an impossible
   * length. Bytes of a section whose start was lost (no payload_unit_start yet) are skipped.
   */
  push(payload: Uint8Array, unitStart: boolean, onSection: (s: Uint8Array) => void, onBad: () => void): void {
    let i: number;
    if (unitStart) {
      if (payload.length < 1) return;
      const pointer = payload[0]!;
      if (1 + pointer > payload.length) {
        this.pending = undefined;
        onBad();
        return;
      }
      if (this.pending) this.append(payload.subarray(1, 1 + pointer), onSection, onBad);
      this.pending = undefined;
      i = 1 + pointer;
    } else if (this.pending) {
      this.append(payload, onSection, onBad);
      return;
    } else return;
    while (i < payload.length && payload[i] !== 0xff) {
      const len = sectionLength(payload, i);
      if (len < 0 || len > MAX_SECTION) {
        if (len > MAX_SECTION) onBad();
        // Header split across packets (rare): keep the bytes; the next packet completes it.
        if (len < 0) this.startPending(payload.subarray(i));
        return;
      }
      if (i + len <= payload.length) {
        onSection(payload.subarray(i, i + len));
        i += len;
      } else {
        this.startPending(payload.subarray(i));
        return;
      }
    }
  }

  private startPending(bytes: Uint8Array): void {
    this.pending = new Uint8Array(MAX_SECTION);
    this.pending.set(bytes.subarray(0, MAX_SECTION));
    this.pendingSize = Math.min(bytes.length, MAX_SECTION);
  }

  private append(bytes: Uint8Array, onSection: (s: Uint8Array) => void, onBad: () => void): void {
    const p = this.pending!;
    const room = MAX_SECTION - this.pendingSize;
    p.set(bytes.subarray(0, room), this.pendingSize);
    this.pendingSize += Math.min(room, bytes.length);
    const len = sectionLength(p.subarray(0, this.pendingSize), 0);
    if (len < 0) return;
    if (len > MAX_SECTION) {
      this.pending = undefined;
      onBad();
      return;
    }
    if (this.pendingSize >= len) {
      this.pending = undefined;
      onSection(p.subarray(0, len));
    }
  }
}
