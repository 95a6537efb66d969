/**
 * What the web benchmarks (run.ts, floor.ts) share: their own build of the web app, a hub configured for
 * measuring the page (development sign-in, no TCP/UDP/TLS/trust/planner/MAVLink, a queue large enough for the
 * initial load), Debian's chromium, and the identity the bench feed publishes as.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { startApp, type App } from '../../src/app/index.js';
import { validateConfig } from '../../src/app/config.js';
import type { Identity } from '../../src/model/identity.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Build the web app into `appDir` (its own directory: a concurrent `npm run build` empties dist/web). */
export async function buildApp(appDir: string): Promise<void> {
  await build({
    configFile: `${ROOT}web/vite.config.ts`,
    logLevel: 'warn',
    build: { outDir: appDir, emptyOutDir: true },
  });
}

/** A hub serving `appDir` on an ephemeral HTTP port, with a temp data directory (the caller removes it). */
export async function startBenchHub(appDir: string, prefix: string): Promise<{ app: App; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const config = validateConfig({
    dataDir,
    log: { level: 'silent' },
    tcp: { enabled: false },
    udp: { enabled: false },
    http: { port: 0 },
    web: { devMode: true, staticDir: appDir },
    planner: { enabled: false },
    tls: { enabled: false },
    trust: { enrollment: { enabled: false }, api: { enabled: false } },
    mavlink: { enabled: false },
    limits: { queueLimit: 200_000 },
  });
  return { app: await startApp(config, { log: pino({ level: 'silent' }) }), dataDir };
}

/** Headless Debian chromium; WebGL is software (SwiftShader) with --disable-gpu. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Who the bench feed publishes as. */
export const BENCH_IDENTITY: Identity = {
  id: 'bench',
  kind: 'operator',
  clearance: 'UNCLASSIFIED',
  categories: [],
  groups: ['__ANON__'],
};
