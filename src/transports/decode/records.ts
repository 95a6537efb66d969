/**
 * Records: how decoded events cross from a decode thread (worker.ts) to the hub's thread in one transferred
 * ArrayBuffer per batch, cheaper to read than the XML they came from.
 *
 * A record is a tree of tagged values (numbers, strings, booleans, plain objects, arrays). What makes it cheap is
 * that one sender repeats itself: its uid, type, the keys of every object, and the typed views of the detail
 * elements it sends unchanged (the decoder's memo hands out the same objects again, see codecs/cot/memo.ts).
 * Each connection therefore has a small table of slots on both sides: the writer gives a string or an object a
 * slot the second event in a row it appears in, sends it once more with its slot number, and from then on sends
 * only the number; the reader keeps what arrived in the slot and hands out that same string or object.
 *
 * - Sharing follows the writer exactly: an object the decoder shares between events is shared on the reading
 *   side too, and an object it makes new for each event (the event, its point, its detail, every array) is new
 *   there as well, so the hub may change those in place as it does now.
 * - Bounded: SLOTS strings and SLOTS objects per connection on each side, reused in a ring; an evicted entry is
 *   simply sent again. Strings longer than MAX_SLOT_CHARS are always sent in full.
 * - Only plain data: a value of another kind (a function, a Map, a class instance) is refused with an error
 *   (the decoder never makes one).
 *
 * Events have a fixed layout (the writer puts their header, point and elements without keys, and reads the detail
 * with a store per known key), so the reading side builds them as object literals of constant shape: generic keyed
 * stores were the largest cost of the hub's thread in S2.
 *
 * Pure: no I/O, no threads; the property test in records.test.ts round-trips random trees. The writer is in
 * record-writer.ts, the reader in record-reader.ts, the tags in record-tags.ts.
 */

export { MAX_SLOT_CHARS, SLOTS } from './record-tags.js';
export { Interner, RecordWriter } from './record-writer.js';
export { Mirror, RecordReader } from './record-reader.js';
