/**
 * Node.js flags the hub is meant to run with. They cannot be set from inside a running process, so the
 * `balticwall` command (its `#!` line), `npm start` and the benchmark pass them to node; `serve` warns when one
 * is missing.
 *
 * --max-semi-space-size=64: V8's young generation may grow to 64 MiB per semi-space (the default is 16). The
 * hub's ingest allocates a few KiB per event, and everything queued between two flushes is still alive at the next
 * scavenge: with small semi-spaces it is copied and promoted again and again. S2 (docs/performance.md): 87-88k
 * events/s without, 98-100k with; it costs up to about 130 MiB of RSS under load.
 *
 * --concurrent-marking-max-worker-num=1 and --heap-growing-percent=100: a full (mark-compact) collection of the
 * old generation marks on helper threads for 300-500 ms beside the event loop; V8 starts up to four on a 2-core
 * machine, the event loop loses its core to them and deliveries wait 150-250 ms. With one marking thread and the
 * old generation allowed to double before the next collection (V8 chose 1.1-1.3x), they should come about every
 * two minutes instead of every 17-25 s, and mostly cost few slow deliveries or none instead of 5,000-15,000 each (S3,
 * docs/performance.md, seventh session). The old generation may reach twice its live size: about 160 MB more
 * at 10,000 clients.
 */
export const NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=64',
  '--concurrent-marking-max-worker-num=1',
  '--heap-growing-percent=100',
];

/** The flags of {@link NODE_FLAGS} that neither node's own arguments nor NODE_OPTIONS set (by name). */
export function missingNodeFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((f) => f.split('=')[0]!.replace(/_/g, '-'));
  return NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]!));
}
