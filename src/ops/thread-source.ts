/**
 * How to start a worker thread whose code is one of our modules: the built JS next to the caller; under tsx or
 * the test runner the caller is TypeScript, and the thread first registers tsx's loader (a dev dependency) to run
 * the `.ts` module. Used by the decode threads and the store's writer thread.
 */
export function threadSource(callerUrl: string, name: string): { code: string | URL; eval: boolean } {
  if (!callerUrl.endsWith('.ts')) return { code: new URL(`./${name}.js`, callerUrl), eval: false };
  const ts = new URL(`./${name}.ts`, callerUrl).href;
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(ts)}); });`;
  return { code, eval: true };
}
