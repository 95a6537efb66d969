/**
 * What a decoder remembers of one sender's previous event, so the parts the sender repeats are not scanned again.
 * Owned by the caller (one per connection); the codec stays pure. Every entry is checked against the new text
 * before it is used, so a stale or foreign memo can only cost time, never change a result.
 */

import { newTagMemo, type TagMemo } from './tag-memo.js';

/**
 * Elements a memo remembers per event, and the longest element it keeps. Its entries are slices of the events they
 * came from and keep those texts alive, and each entry may come from a different event: with at most 16 entries
 * from events of at most MEMO_MAX_EVENT_CHARS (decode.ts, 4 Ki characters), the run from one more, and each tag
 * template (tag-memo.ts, with the last tag read in full) from one more, a memo holds at most 19 events' text
 * (152 KiB) per connection, below what the framer may hold for one unfinished event (limits.maxEventBytes, 1 MiB).
 */
export const MEMO_ELEMENTS = 16;
export const MEMO_ELEMENT_CHARS = 512;

/**
 * The previous event's top-level detail children of one sender, by position, for {@link splitElements}: a child
 * whose text is exactly the remembered one is the same element (an element's extent and well-formedness depend on
 * its own text only), so it is taken as is instead of scanned again. Clients repeat most of their detail
 * (`takv`, `contact`, `__group`, `precisionlocation`) in every report.
 */
export type ElementMemo = (MemoEntry | undefined)[];

export interface MemoEntry {
  el: { name: string; xml: string };
  attrs: Record<string, string> | undefined;
  /** The element's typed view, once made (deriveDetailWith). */
  view?: unknown;
  viewed?: boolean;
}

/**
 * The sender's leading detail children that were taken from the memo last time, back to back: their whole text and
 * how many they are (they are `elements[0..count)`). Compared in one go, they cost one comparison instead of one
 * per child.
 */
export interface MemoRun {
  text: string;
  count: number;
}

/** What splitElements remembers of one sender's `<detail>`. */
export interface DetailMemo {
  elements: ElementMemo;
  run?: MemoRun | undefined;
}

/** Everything decodeCot remembers of one sender: its detail children, and its `<event>` and `<point>` tags. */
export interface CotMemo extends DetailMemo {
  event: TagMemo;
  point: TagMemo;
}

export const newCotMemo = (): CotMemo => ({
  elements: [],
  run: undefined,
  event: newTagMemo(),
  point: newTagMemo(),
});
