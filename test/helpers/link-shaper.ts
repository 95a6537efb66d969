/**
 * A TCP proxy that behaves like a degraded tactical link between two hubs: a bandwidth cap per direction, added
 * latency, loss (TCP hides a lost segment as a retransmission delay, so a "lost" chunk arrives one RTO late, in
 * order) and a cut (every connection reset, new ones refused until `restore`). It counts the bytes that cross.
 */
import net from 'node:net';

export interface ShaperOptions {
  /** kbit/s per direction; 0 = unlimited. */
  kbps?: number;
  /** One-way delay in ms. */
  latencyMs?: number;
  /** Probability (0-1) that a chunk is delayed by `rtoMs` as if lost and retransmitted. */
  loss?: number;
  rtoMs?: number;
}

/** One direction of one connection: chunks leave in order, paced by the cap, after the latency. */
class Pipe {
  private nextFree = 0;
  private lastDue = 0;
  constructor(
    private readonly to: net.Socket,
    private readonly o: () => ShaperOptions,
    private readonly count: (n: number) => void,
  ) {}

  push(chunk: Buffer): void {
    const o = this.o();
    const now = Date.now();
    let due = now + (o.latencyMs ?? 0);
    if (o.kbps && o.kbps > 0) {
      const start = Math.max(now, this.nextFree);
      this.nextFree = start + (chunk.length * 8) / o.kbps; // ms at kbit/s
      due = Math.max(due, this.nextFree + (o.latencyMs ?? 0));
    }
    if (o.loss && Math.random() < o.loss) due += o.rtoMs ?? 200;
    due = Math.max(due, this.lastDue); // TCP delivers in order
    this.lastDue = due;
    const send = () => {
      if (this.to.destroyed) return;
      this.count(chunk.length);
      this.to.write(chunk);
    };
    if (due <= now) send();
    else setTimeout(send, due - now);
  }
}

export class LinkShaper {
  private server: net.Server | undefined;
  private sockets = new Set<net.Socket>();
  private cut = false;
  opts: ShaperOptions;
  /** Bytes delivered in each direction (client -> server is "up"). */
  readonly bytes = { up: 0, down: 0 };
  port = 0;

  constructor(
    public targetPort: number,
    opts: ShaperOptions = {},
    private readonly targetHost = '127.0.0.1',
  ) {
    this.opts = opts;
  }

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  private accept(client: net.Socket): void {
    if (this.cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    const up = new Pipe(
      upstream,
      () => this.opts,
      (n) => (this.bytes.up += n),
    );
    const down = new Pipe(
      client,
      () => this.opts,
      (n) => (this.bytes.down += n),
    );
    client.on('data', (c: Buffer) => up.push(c));
    upstream.on('data', (c: Buffer) => down.push(c));
  }

  /** Cut the link: reset every connection, refuse new ones. */
  cutLink(): void {
    this.cut = true;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cut = false;
  }

  async close(): Promise<void> {
    this.cutLink();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
