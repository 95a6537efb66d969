/**
 * End-to-end harness for the COP: the real app (hub, TCP listener, trust, store, web API on its HTTP server) on
 * ephemeral ports, and Debian's chromium driven by playwright-core with every non-loopback request blocked.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Map as MlMap } from 'maplibre-gl';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import type { ClientMessage } from '../../src/transports/web/protocol.js';
import { createUserStore } from '../../src/trust/users.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** The read-only handles the page exposes as `window.__bw` (see web/src/main.ts). */
export interface BwWindow {
  __bw: {
    view: {
      map: MlMap;
      onSelect(uid: string | null): void;
      layer: { info(uid: string): { lon: number; lat: number; sidc: string } | undefined };
    };
    live: { send(m: ClientMessage): boolean; received: number };
    store: { all: Map<string, unknown> };
  };
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The COP tests build the web app into their own folder: other people's `npm run build` empties dist/web, and a
 * build running under a test would pull the page out from under the browser.
 */
export const STATIC_DIR = `${ROOT}test-artifacts/web/app`;
export const ARTIFACTS = `${ROOT}test-artifacts/web`;

let built: Promise<unknown> | undefined;

/** Build the web app once per test process into STATIC_DIR. */
export function ensureBuilt(): Promise<unknown> {
  built ??= build({
    configFile: `${ROOT}web/vite.config.ts`,
    logLevel: 'warn',
    build: { outDir: STATIC_DIR, emptyOutDir: true },
  });
  return built;
}

export interface WebHarness {
  app: TestApp;
  url: string;
  /** With `https`: the COP on the trust module's HTTPS API listener (mutual TLS for /Marti/ only). */
  httpsUrl?: string;
  stop(): Promise<void>;
}

/**
 * Start the real app (startApp: hub, TCP listener, trust, store, and the web API on its HTTP server) on ephemeral
 * ports. `users` runs before the first sign-in: it may add users to the app's own user store (same database).
 */
export async function startWeb(
  opts: { devMode?: boolean; users?: (app: TestApp) => Promise<void>; page?: boolean; https?: boolean } = {},
): Promise<WebHarness> {
  if (opts.page !== false) await ensureBuilt();
  // Local TCP clients are cleared SECRET so test events may carry labels up to SECRET (the trust module's ingress
  // policy refuses labels above the sender's clearance).
  const app = await startTestApp({
    'local.clearance': 'SECRET',
    'web.devMode': opts.devMode ?? false,
    'web.staticDir': STATIC_DIR,
    ...(opts.https ? { 'trust.api.enabled': true, 'trust.api.port': 0, 'trust.api.host': '127.0.0.1' } : {}),
  });
  await opts.users?.(app);
  return {
    app,
    url: `http://127.0.0.1:${app.ports.http}`,
    ...(opts.https ? { httpsUrl: `https://127.0.0.1:${app.ports.api}` } : {}),
    stop: () => app.stop(),
  };
}

/**
 * The two users of the nation tests, in the app's own user store: anna (LTU) and bert (LVA), both cleared SECRET,
 * passwords `anna-pass-1` and `bert-pass-1`. Pass as `startWeb({ users: addNationUsers })`.
 */
export async function addNationUsers(app: TestApp): Promise<void> {
  const users = createUserStore(app.store, { maxFailures: 5, lockoutMinutes: 1 });
  const spec = { kind: 'user' as const, clearance: 'SECRET' as const, categories: [], groups: ['__ANON__'] };
  await users.add({ ...spec, id: 'anna', nation: 'LTU' }, 'anna-pass-1');
  await users.add({ ...spec, id: 'bert', nation: 'LVA' }, 'bert-pass-1');
}

export const CHROMIUM = '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--use-gl=angle',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

/** A fresh context in which anything not on the loopback is refused; `blocked` lists what the page tried. */
export async function offlineContext(
  browser: Browser,
  opts: { ignoreHTTPSErrors?: boolean } = {},
): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...opts });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (
      u.protocol === 'data:' ||
      u.protocol === 'blob:' ||
      u.hostname === '127.0.0.1' ||
      u.hostname === 'localhost'
    ) {
      return route.continue();
    }
    blocked.push(u.href);
    return route.abort();
  });
  return { context, blocked };
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/${name}.png`;
  await page.screenshot({ path });
  return path;
}

/** Sign in through the page's form. */
export async function signIn(
  page: Page,
  url: string,
  user: string,
  password: string,
  dev?: { nation: string; clearance?: string },
) {
  // The form shows once the page has its config and knows it has no session. Under load a page has been seen to
  // wait past 90 s for its first requests: load it again after 30 s, up to three times.
  for (let attempt = 1; ; attempt++) {
    await page.goto(url);
    try {
      await page.getByTestId('login-user').waitFor({ state: 'visible', timeout: 30_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  if (dev) {
    await page.getByTestId('login-nation').fill(dev.nation);
    if (dev.clearance) await page.getByTestId('login-clearance').selectOption(dev.clearance);
  }
  await page.getByTestId('login-submit').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid=link]')?.getAttribute('data-state') === 'open',
  );
  await page.waitForFunction(() => document.getElementById('map')?.dataset.ready === 'true', undefined, {
    timeout: 45_000,
  });
}

/** What the map draws for `uid`: position and symbol code in the WebGL entity layer, or null. */
export async function mapFeature(page: Page, uid: string) {
  return page.evaluate((u) => (window as unknown as BwWindow).__bw.view.layer.info(u) ?? null, uid);
}
