/** State is bounded: beyond maxVehicles the least recently heard vehicle is dropped. */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { encodeFrame, startMavlinkGateway } from '../../src/gateways/mavlink/index.js';
import * as msg from '../../src/sim/drone-messages.js';
import { recorderHub, sleep, udpSender } from './helpers.js';
import { waitFor } from '../helpers/wait.js';

describe('gateway bounds', () => {
  it('keeps at most maxVehicles, evicting the least recently heard', async () => {
    const { hub, events } = recorderHub();
    const gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({ port: 0, maxVehicles: 3 }),
      hub,
      log: pino({ level: 'silent' }),
    });
    const udp = udpSender();
    try {
      for (let sysid = 1; sysid <= 5; sysid++) {
        const t = {
          lat: 54 + sysid / 100,
          lon: 23,
          altMsl: 150,
          relativeAlt: 50,
          vn: 0,
          ve: 0,
          vd: 0,
          heading: 0,
          timeBootMs: sysid,
        };
        await udp.send(encodeFrame(msg.globalPositionInt(t), { sysid, compid: 1, seq: 0 }), gw.port);
        await sleep(5);
      }
      await waitFor(() => new Set(events.map((e) => e.uid)).size >= 5, 5000, 'five vehicles in the hub');
      expect(gw.stats().vehicles).toBe(3);
      expect(new Set(events.map((e) => e.uid)).size).toBe(5);
    } finally {
      udp.close();
      await gw.close();
    }
  });
});
