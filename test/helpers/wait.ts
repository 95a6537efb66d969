/**
 * Waiting on a condition instead of a fixed sleep: a test proceeds as soon as what it needs has happened and fails
 * with a clear message if it never does, which is both faster on an idle machine and robust on a loaded one.
 */

/** Poll `cond` (sync or async) every `everyMs` until it returns true; throw after `timeoutMs`. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
  everyMs = 20,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
