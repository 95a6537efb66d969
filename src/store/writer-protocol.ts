/** Messages between the hub's thread (writer.ts) and the store's writer thread (writer-thread.ts). */
import type { LatestBatch } from './latest-rows.js';

export interface WriterData {
  file: string;
  busyTimeoutMs: number;
}

export type ToWriter = { k: 'write'; id: number; batch: LatestBatch } | { k: 'close' };

/** Batch `id` was written (or failed with `error`) in `ms`. */
export interface FromWriter {
  id: number;
  ms: number;
  error?: string;
}
