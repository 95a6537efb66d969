/**
 * Vite build of the browser apps: the COP at / (web/index.html) and the planner at /planner/ (the planner
 * engineer's web/planner/index.html), both into dist/web, which the hub serves. The offline basemap is generated
 * here from Natural Earth data and bundled as the virtual module `virtual:basemap`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { buildBasemap } from './basemap/build.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const VIRTUAL = 'virtual:basemap';

/** Serves `virtual:basemap` as a JSON module built once per build. */
function basemap(): Plugin {
  return {
    name: 'bw-basemap',
    resolveId: (id) => (id === VIRTUAL ? '\0' + VIRTUAL : undefined),
    load(id) {
      if (id !== '\0' + VIRTUAL) return undefined;
      return `export default ${JSON.stringify(buildBasemap())};`;
    },
  };
}

const input: Record<string, string> = { main: `${here}index.html` };
if (existsSync(`${here}planner/index.html`)) input.planner = `${here}planner/index.html`;

export default defineConfig({
  root: here,
  base: '/',
  plugins: [basemap()],
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    rollupOptions: { input },
  },
});
