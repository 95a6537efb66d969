/**
 * One simulated client's TCP connection to the hub, as ATAK's "streaming TCP" connection behaves: connect, send
 * CoT XML events back to back, read (and here discard) what the server sends, reconnect with backoff when the
 * link drops. While the socket is backed up, position reports are dropped (the next one supersedes them) and
 * counted; nothing queues without bound.
 */
import { connect, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { encodeCotStream } from '../codecs/cot/index.js';
import type { Event } from '../model/index.js';

export interface LinkStats {
  sent: number;
  dropped: number;
  reconnects: number;
  bytesIn: number;
}

const MAX_BACKOFF_MS = 10_000;
/** Chat and other must-deliver events held while disconnected. */
const MAX_PENDING = 32;

export class CotLink {
  private socket: Socket | undefined;
  private connected = false;
  private closed = false;
  private backoff = 250;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending: Event[] = [];
  readonly stats: LinkStats = { sent: 0, dropped: 0, reconnects: 0, bytesIn: 0 };

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly log: Logger,
    private readonly name: string,
  ) {}

  get isConnected(): boolean {
    return this.connected;
  }

  /** Open the connection; resolves on the first successful connect or rejects on the first failure. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      let first = true;
      const attempt = () => {
        if (this.closed) return;
        const s = connect({ host: this.host, port: this.port });
        this.socket = s;
        s.setNoDelay(true);
        s.on('connect', () => {
          this.connected = true;
          this.backoff = 250;
          for (const e of this.pending.splice(0)) this.write(e);
          if (first) {
            first = false;
            resolve();
          }
        });
        s.on('data', (chunk: Buffer) => {
          this.stats.bytesIn += chunk.length;
        });
        s.on('error', (err) => {
          if (first) {
            first = false;
            reject(err);
            this.closed = true;
          } else this.log.debug({ unit: this.name, err: err.message }, 'simulated link error');
        });
        s.on('close', () => {
          this.connected = false;
          if (this.closed) return;
          this.stats.reconnects++;
          this.timer = setTimeout(attempt, this.backoff);
          this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
        });
      };
      attempt();
    });
  }

  /** Send a position report: dropped if the link is down or backed up (a newer one will follow). */
  sendPosition(e: Event): void {
    if (!this.connected || !this.socket || this.socket.writableNeedDrain) {
      this.stats.dropped++;
      return;
    }
    this.write(e);
  }

  /** Send an event that must arrive (chat): held (bounded) while disconnected. */
  sendReliable(e: Event): void {
    if (this.connected && this.socket) this.write(e);
    else if (this.pending.length < MAX_PENDING) this.pending.push(e);
    else this.stats.dropped++;
  }

  private write(e: Event): void {
    this.socket!.write(encodeCotStream(e));
    this.stats.sent++;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.end();
    this.socket?.destroy();
  }
}
