/** Helpers of the hostile-client suite: floods of silent connections from many loopback addresses, open files. */
import { readdirSync } from 'node:fs';
import net from 'node:net';

/** Open file descriptors of this process. */
export function openFiles(): number {
  return readdirSync('/proc/self/fd').length;
}

/** A loopback source address of its own for client `i` (127.0.1.1 … ), so each counts as another address. */
export function loopback(i: number, addresses: number): string {
  const n = (i % addresses) + 1;
  return `127.0.${1 + (n >> 8)}.${n & 255}`;
}

export interface Flood {
  sockets: net.Socket[];
  /** How many are still open on the client side. */
  open(): number;
  destroy(): void;
}

/** Connect `n` TCP sockets that never send a byte, spread over `addresses` source addresses; resolves when connected. */
export async function silentFlood(port: number, n: number, addresses: number): Promise<Flood> {
  const sockets: net.Socket[] = [];
  await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<void>((resolve) => {
          const s = net.connect({ host: '127.0.0.1', port, localAddress: loopback(i, addresses) });
          sockets.push(s);
          s.on('connect', () => resolve());
          s.on('error', () => resolve());
          s.on('close', () => resolve());
        }),
    ),
  );
  return {
    sockets,
    open: () => sockets.filter((s) => !s.destroyed && !s.readableEnded).length,
    destroy: () => sockets.forEach((s) => s.destroy()),
  };
}

/** Wait until `cond()` holds (polling), or fail after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The value of a metric (summed over the labels that match `labels`) from the hub's registry text. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{([^}]*)\})? ([\d.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      (m[3] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => {
          const [k, v] = kv.split('=');
          return [k, v!.replace(/"/g, '')];
        }),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[4]);
  }
  return sum;
}
