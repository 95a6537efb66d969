/**
 * Node.js flags the hub is meant to run with. They cannot be set from inside a running process, so the
 * `balticwall` command (its `#!` line), `npm start` and the benchmark pass them to node; `serve` warns when one
 * is missing.
 *
 * --max-semi-space-size=64: V8's young generation may grow to 64 MiB per semi-space (the default is 16). The
 * hub's ingest allocates a few KiB per event, and everything queued between two flushes is still alive at the next
 * scavenge: with small semi-spaces it is copied and promoted again and again. S2 (docs/performance.md): 87-88k
 * events/s without, 98-100k with; it costs up to about 130 MiB of RSS under load.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** The flags of {@link NODE_FLAGS} that neither node's own arguments nor NODE_OPTIONS set (by name). */
export function missingNodeFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((f) => f.split('=')[0]!.replace(/_/g, '-'));
  return NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]!));
}
