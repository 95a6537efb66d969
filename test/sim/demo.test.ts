/**
 * The demo end to end: the real app, the MAVLink gateway and the built-in Baltic scenario; a raw CoT TCP client
 * (what ATAK connects with) sees every unit, both drones with their footprints, and the broadcast chat.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { startMavlinkGateway, type MavlinkGateway } from '../../src/gateways/mavlink/index.js';
import { startDemo, withScenarioVehicles, type Demo } from '../../src/sim/demo.js';
import { resolveScenario } from '../../src/sim/index.js';
import { cotClient, type CotClient } from '../mavlink/helpers.js';

let app: TestApp | undefined;
let gw: MavlinkGateway | undefined;
let demo: Demo | undefined;
let client: CotClient | undefined;

afterAll(async () => {
  await demo?.stop();
  client?.close();
  await gw?.close();
  await app?.stop();
});

describe('Baltic demo', () => {
  it('a CoT client sees the scenario units within a few seconds', async () => {
    const started = Date.now();
    app = await startTestApp({ 'udp.enabled': false, 'http.enabled': false });
    const scenario = resolveScenario('baltic-demo');
    gw = await startMavlinkGateway({
      cfg: withScenarioVehicles(mavlinkConfig.parse({ port: 0 }), scenario),
      hub: app.hub,
      log: app.log,
    });
    client = await cotClient(app.ports.tcp!);
    // Ten times real time so the broadcast chat injected at 35 s arrives in 3.5 s.
    demo = startDemo({
      speed: 10,
      cotHost: '127.0.0.1',
      cotPort: app.ports.tcp!,
      mavlinkHost: '127.0.0.1',
      mavlinkPort: gw.port,
      log: app.log,
    });
    const c = client;
    const callsigns = [
      'VILKAS 1',
      'VILKAS UAS CTRL',
      'LAZDIJAI OP',
      'LV MEH 1',
      'EST SCOUT 1',
      'POL ZMECH 1',
      'POL SEJNY',
      'LEOPARD 1-1',
      'LEOPARD 1-2',
      'VILKAS UAS 1',
      'POL FLYEYE 1',
    ];
    await Promise.all(callsigns.map((cs) => c.waitFor((e) => e.detail.contact?.callsign === cs, 8000)));
    expect(Date.now() - started).toBeLessThan(8000);
    const uas = await c.waitFor((e) => e.uid === 'MAVLINK-42-1' && e.detail.sensor !== undefined);
    expect(uas.type).toBe('a-f-A-M-H-Q');
    expect(uas.detail.sensor?.fov).toBe('62');
    const fixedWing = await c.waitFor((e) => e.uid === 'MAVLINK-61-1');
    expect(fixedWing.type).toBe('a-f-A-M-F-Q');
    // The Lithuanian drone's camera is on the A5 south of Kalvarija: its footprint contains that point.
    const fp = await c.waitFor((e) => e.uid === 'MAVLINK-42-1.footprint');
    expect(fp.point.lat).toBeCloseTo(54.4, 2);
    expect(fp.point.lon).toBeCloseTo(23.2, 2);
    const tank = c.events.find((e) => e.detail.contact?.callsign === 'LEOPARD 1-1')!;
    expect(tank.type).toBe('a-f-G-U-C-A');
    expect(tank.detail.group?.name).toBe('Blue');
    const chat = await c.waitFor(
      (e) => e.type === 'b-t-f' && /Budzisko/.test(e.detail.remarks?.text ?? ''),
      8000,
    );
    expect(chat.detail.chat?.senderCallsign).toBe('POL ZMECH 1');
    // The direct message VILKAS 1 -> LEOPARD 1-1 (sent at 0.8 s) carries marti/dest: a third client never sees it.
    expect(
      c.events.some((e) => e.type === 'b-t-f' && /this is VILKAS 1/.test(e.detail.remarks?.text ?? '')),
    ).toBe(false);
    expect(gw.stats().frames['accepted']).toBeGreaterThan(10);
  });
});
