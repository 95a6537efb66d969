/**
 * Takes the README screenshot of the demo: the real app with the web COP (test/web/harness.ts), the MAVLink
 * gateway, and the built-in Suwałki scenario, seen by a signed-in Lithuanian user in Debian's chromium.
 *
 *   npx tsx test/sim/demo-screenshot.ts [out.png]     (default test-artifacts/sim/demo.png)
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pino from 'pino';
import { createUserStore } from '../../src/trust/users.js';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { startMavlinkGateway } from '../../src/gateways/mavlink/index.js';
import { startDemo, withScenarioVehicles } from '../../src/sim/demo.js';
import { resolveScenario } from '../../src/sim/index.js';
import { ROOT, launch, offlineContext, signIn, startWeb } from '../web/harness.js';

const out = resolve(process.argv[2] ?? `${ROOT}test-artifacts/sim/demo.png`);
const log = pino({ level: 'silent' });

const web = await startWeb({
  users: async (app) => {
    const users = createUserStore(app.store, { maxFailures: 5, lockoutMinutes: 1 });
    await users.add(
      { id: 'demo', kind: 'user', nation: 'LTU', clearance: 'SECRET', categories: [], groups: ['__ANON__'] },
      'demo-pass-1',
    );
  },
});
const scenario = resolveScenario('baltic-demo');
const gw = await startMavlinkGateway({
  cfg: withScenarioVehicles(mavlinkConfig.parse({ port: 0 }), scenario),
  hub: web.app.hub,
  log,
});
const demo = startDemo({
  speed: 4,
  cotHost: '127.0.0.1',
  cotPort: web.app.ports.tcp!,
  mavlinkHost: '127.0.0.1',
  mavlinkPort: gw.port,
  log,
});
const browser = await launch();
try {
  const { context } = await offlineContext(browser);
  const page = await context.newPage();
  await signIn(page, web.url, 'demo', 'demo-pass-1');
  // The page frames its first view on the action by itself; at 4x the troops-in-contact alert is up by ~12 s.
  await page.waitForTimeout(18_000);
  // Open the Lithuanian drone's details (sensor, footprint) in the side panel.
  await page.evaluate(() => {
    (window as unknown as { __bw: { view: { onSelect(uid: string | null): void } } }).__bw.view.onSelect(
      'MAVLINK-42-1',
    );
  });
  await page.waitForTimeout(500);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
  await demo.stop();
  await gw.close();
  await web.stop();
}
