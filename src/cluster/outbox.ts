/**
 * What this node accepted and JetStream has not acknowledged yet, in the order accepted. Bounded by
 * `cluster.outboxLimit`: when full, a position-like update is dropped (counted; the next update of that uid
 * brings it, and the node's own clients got it), and anything else (chat, alerts, deletes) pushes out the oldest
 * position-like update instead, so undroppable traffic is lost only when the whole outbox is undroppable.
 */
import type { Kind } from '../hub/routing.js';

export interface OutItem {
  seq: number;
  kind: Kind;
  subject: string;
  data: Buffer;
  /** JetStream message id (node, boot, seq): a publish retried after a lost acknowledgement is not stored twice. */
  id: string;
  /** The picture change: put the uid's latest, or delete keys. */
  put?: { uid: string; key: string };
  del?: string[];
  /** The uids whose picture entry this item changes (put or deleted): their acknowledgement waiters. */
  uids?: string[];
}

export class Outbox {
  private items: (OutItem | undefined)[] = [];
  private head = 0;
  private retried: OutItem[] = [];
  private count = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.count;
  }

  /** Queue an item; returns the item dropped to make room (maybe `it` itself), if any. */
  add(it: OutItem): OutItem | undefined {
    if (this.count < this.limit) {
      this.items.push(it);
      this.count++;
      return undefined;
    }
    if (it.kind === 'state') return it;
    for (let i = this.head; i < this.items.length; i++) {
      const old = this.items[i];
      if (old?.kind === 'state') {
        this.items[i] = undefined;
        this.items.push(it);
        return old;
      }
    }
    return it;
  }

  /** The next item to publish: a retried one first (oldest first), else the oldest queued. */
  next(): OutItem | undefined {
    if (this.retried.length) {
      this.count--;
      return this.retried.shift();
    }
    while (this.head < this.items.length) {
      const it = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head > 4096 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (it) {
        this.count--;
        return it;
      }
    }
    return undefined;
  }

  /** A publish failed: the item goes back, before everything queued after it. */
  retry(it: OutItem): void {
    let i = this.retried.length;
    while (i > 0 && this.retried[i - 1]!.seq > it.seq) i--;
    this.retried.splice(i, 0, it);
    this.count++;
  }
}
