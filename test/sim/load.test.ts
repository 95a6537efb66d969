/**
 * The simulator as a load source: N copies of a ground unit (each its own TCP connection) and of a drone (signed
 * MAVLink, to a gateway that requires signing) all reach the hub's picture; the run ends on its duration.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { startMavlinkGateway, type MavlinkGateway } from '../../src/gateways/mavlink/index.js';
import { droneIds, parseScenario, runScenario } from '../../src/sim/index.js';

let app: TestApp | undefined;
let gw: MavlinkGateway | undefined;

afterAll(async () => {
  await gw?.close();
  await app?.stop();
});

const SCENARIO = `
name: load
duration: 2.5
mavlink: { signingPassphrase: exercise-key }
units:
  - id: pl
    callsign: PLT
    nation: POL
    type: a-f-G-U-C-I
    copies: 30
    reportSeconds: 0.5
    motion: { kind: route, points: [[54.1, 22.9], [54.2, 23.0]], end: loop, speedKmh: 60 }
  - id: uas
    kind: drone
    callsign: SWARM
    nation: LTU
    sysid: 250
    copies: 20
    vehicle: hexarotor
    rateHz: 10
    motion: { kind: orbit, centre: [54.3, 23.1], radius: 200, speed: 15 }
`;

describe('simulator as a load source', () => {
  it('N copies of each unit type reach the hub; signed drone frames pass a gateway that requires signing', async () => {
    app = await startTestApp({ 'udp.enabled': false, 'http.enabled': false });
    gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({
        port: 0,
        signing: { requireSigning: true, keys: [{ id: 'exercise', passphrase: 'exercise-key' }] },
      }),
      hub: app.hub,
      log: app.log,
    });
    const s = parseScenario(SCENARIO);
    // Copies past system id 255 continue on component id 2.
    const uas = s.units[1]!;
    if (uas.kind !== 'drone') throw new Error('expected the drone unit second');
    expect(droneIds(uas, 5)).toEqual({ sysid: 255, compid: 1 });
    expect(droneIds(uas, 6)).toEqual({ sysid: 1, compid: 2 });
    const r = await runScenario(s, {
      cotHost: '127.0.0.1',
      cotPort: app.ports.tcp!,
      mavlinkHost: '127.0.0.1',
      mavlinkPort: gw.port,
      log: app.log,
    });
    expect(r.units).toBe(30);
    expect(r.drones).toBe(20);
    expect(r.seconds).toBeGreaterThanOrEqual(2.4);
    expect(r.seconds).toBeLessThan(6);
    expect(r.mavlinkErrors).toBe(0);
    const uids = new Set([...app.hub.state.values()].map((env) => env.event.uid));
    const ground = [...uids].filter((u) => u.startsWith('BW-SIM-pl-'));
    const drones = [...uids].filter((u) => u.startsWith('MAVLINK-'));
    expect(ground).toHaveLength(30);
    expect(drones).toHaveLength(20);
    const f = gw.stats().frames;
    expect(f['unsigned'] ?? 0).toBe(0);
    expect(f['bad-signature'] ?? 0).toBe(0);
    expect(gw.stats().signedOk).toBe(f['accepted']! + (f['ignored-msg'] ?? 0));
  });
});
