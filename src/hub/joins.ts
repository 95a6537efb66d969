/**
 * What a session's queued chunks are written as, for one flush. Two savings, both exact:
 *
 * - **Back to back.** The hub makes forwarded bytes in slabs (slabs.ts), so events ingested one after the other
 *   lie one after the other in memory: a run of them is one view of the slab, not a copy. A listener that gets
 *   every event (S2) is handed a few slab views per flush, written with one `writev`.
 * - **Shared.** A broadcast puts the same events, in the same order, into the queues of most of its recipients,
 *   so most sessions' lists in a flush are equal: each distinct list is worked out once and its result written to
 *   every socket whose list equals it (invariant 2, encode once, carried from the event to the batch). Before
 *   this, `Buffer.concat` per session was 22 % of the hub's CPU in the S1 broadcast profile (docs/performance.md).
 *
 * Lists are compared by the identity of their chunks (the queues hold each envelope's shared bytes), never by
 * content, so a match is exact. Bounded: the cache lives for one flush (cleared by the writer), and each first
 * chunk keeps at most {@link PER_FIRST} candidate lists.
 */
const PER_FIRST = 8;
/** Pieces up to this many bytes in all are joined into one buffer (one plain write); larger ones go as they are. */
const COPY_UP_TO = 64 * 1024;

interface Joined {
  chunks: Uint8Array[];
  pieces: Uint8Array[];
}

function sameList(a: Uint8Array[], b: Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** `chunks` with every run that lies back to back in one backing buffer merged into one view; and their bytes. */
function runs(chunks: Uint8Array[]): { pieces: Uint8Array[]; bytes: number } {
  const pieces: Uint8Array[] = [];
  let bytes = 0;
  let head = chunks[0]!;
  let backing = head.buffer;
  let end = head.byteOffset + head.byteLength;
  let merged = false;
  for (let i = 1; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (c.byteOffset === end && c.buffer === backing) {
      end += c.byteLength;
      merged = true;
      continue;
    }
    const piece = merged ? Buffer.from(backing, head.byteOffset, end - head.byteOffset) : head;
    pieces.push(piece);
    bytes += piece.byteLength;
    head = c;
    backing = c.buffer;
    end = c.byteOffset + c.byteLength;
    merged = false;
  }
  const last = merged ? Buffer.from(backing, head.byteOffset, end - head.byteOffset) : head;
  pieces.push(last);
  return { pieces, bytes: bytes + last.byteLength };
}

export class Joins {
  private byFirst = new Map<Uint8Array, Joined[]>();

  /**
   * The pieces to write for `chunks`, in order: one view when they lie back to back, else one joined copy when
   * they are small, else the runs (the sink writes them in one go); shared with earlier callers of this flush
   * that passed an equal list.
   */
  join(chunks: Uint8Array[]): Uint8Array[] {
    if (chunks.length === 1) return chunks;
    const first = chunks[0]!;
    let list = this.byFirst.get(first);
    if (list) for (const j of list) if (sameList(j.chunks, chunks)) return j.pieces;
    const r = runs(chunks);
    const pieces =
      r.pieces.length === 1 || r.bytes > COPY_UP_TO ? r.pieces : [Buffer.concat(r.pieces, r.bytes)];
    if (!list) this.byFirst.set(first, (list = []));
    if (list.length < PER_FIRST) list.push({ chunks, pieces });
    return pieces;
  }

  clear(): void {
    if (this.byFirst.size) this.byFirst = new Map();
  }
}
