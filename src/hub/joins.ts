/**
 * Joined byte lists for one flush. A broadcast puts the same events, in the same order, into the queues of most
 * of its recipients, so most sessions' lists in a flush are equal: each distinct list is joined into one buffer
 * once and that buffer is written to every socket whose list equals it (invariant 2, encode once, carried from
 * the event to the batch). Before this, `Buffer.concat` per session was 22 % of the hub's CPU in the S1 broadcast
 * profile (docs/performance.md).
 *
 * Lists are compared by the identity of their chunks (the queues hold each envelope's shared bytes), never by
 * content, so a match is exact. Bounded: the cache lives for one flush (cleared by the writer), and each first
 * chunk keeps at most {@link PER_FIRST} candidate lists.
 */
const PER_FIRST = 8;

interface Joined {
  chunks: Uint8Array[];
  joined: Uint8Array;
}

function sameList(a: Uint8Array[], b: Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

export class Joins {
  private byFirst = new Map<Uint8Array, Joined[]>();

  /** One buffer with `chunks` in order; shared with earlier callers of this flush that passed an equal list. */
  join(chunks: Uint8Array[]): Uint8Array {
    if (chunks.length === 1) return chunks[0]!;
    const first = chunks[0]!;
    let list = this.byFirst.get(first);
    if (list) for (const j of list) if (sameList(j.chunks, chunks)) return j.joined;
    const joined = Buffer.concat(chunks);
    if (!list) this.byFirst.set(first, (list = []));
    if (list.length < PER_FIRST) list.push({ chunks, joined });
    return joined;
  }

  clear(): void {
    if (this.byFirst.size) this.byFirst = new Map();
  }
}
