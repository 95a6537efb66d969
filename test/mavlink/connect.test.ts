/**
 * Connecting to a ground-control endpoint that only streams to peers it has heard from: the gateway sends a GCS
 * HEARTBEAT there every second, and the endpoint's telemetry, sent back to the address the heartbeat came from,
 * becomes an entity.
 */
import { createSocket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { minimal } from 'node-mavlink';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { scanDatagram, type Frame } from '../../src/gateways/mavlink/frame.js';
import { decodeFrame } from '../../src/gateways/mavlink/messages.js';
import { encodeFrame, startMavlinkGateway, type MavlinkGateway } from '../../src/gateways/mavlink/index.js';
import * as msg from '../../src/sim/drone-messages.js';
import { recorderHub } from './helpers.js';
import { waitFor } from '../helpers/wait.js';

let gw: MavlinkGateway | undefined;
const vehicle = createSocket('udp4');
afterAll(async () => {
  vehicle.close();
  await gw?.close();
});

describe('outbound GCS endpoint', () => {
  it('heartbeats the endpoint and ingests what it streams back', async () => {
    await new Promise<void>((r) => vehicle.bind(0, '127.0.0.1', r));
    const heard: { frame: Frame; from: number }[] = [];
    vehicle.on('message', (buf, rinfo) =>
      scanDatagram(
        buf,
        (f) => heard.push({ frame: f, from: rinfo.port }),
        () => {},
      ),
    );
    const { hub, events } = recorderHub();
    gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({ port: 0, connect: [{ host: '127.0.0.1', port: vehicle.address().port }] }),
      hub,
      log: pino({ level: 'silent' }),
    });
    await waitFor(() => heard.length >= 1, 5000, "the gateway's heartbeat at the vehicle");
    const { frame, from } = heard[0]!;
    expect([frame.sysid, frame.compid, frame.msgid]).toEqual([255, 190, 0]);
    expect((decodeFrame(frame) as minimal.Heartbeat).type).toBe(minimal.MavType.GCS);
    expect(from).toBe(gw.port);
    // The vehicle answers to where the heartbeat came from, as a "udpin" endpoint does.
    const t = {
      lat: 54.3,
      lon: 23.1,
      altMsl: 200,
      relativeAlt: 80,
      vn: 0,
      ve: 0,
      vd: 0,
      heading: 0,
      timeBootMs: 1,
    };
    vehicle.send(encodeFrame(msg.globalPositionInt(t), { sysid: 1, compid: 1, seq: 0 }), from, '127.0.0.1');
    await waitFor(() => events.length >= 1, 5000, 'the vehicle in the hub');
    expect(events.map((e) => e.uid)).toEqual(['MAVLINK-1-1']);
  });
});
