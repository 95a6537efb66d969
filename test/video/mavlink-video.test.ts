/**
 * The MAVLink gateway asks a camera component for VIDEO_STREAM_INFORMATION (COMMAND_LONG MAV_CMD_REQUEST_MESSAGE
 * 269) and the announced URI becomes a video feed joined to the vehicle (one entity).
 */
import { createSocket } from 'node:dgram';
import { common, minimal } from 'node-mavlink';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { encodeFrame } from '../../src/gateways/mavlink/encode.js';
import { scanDatagram } from '../../src/gateways/mavlink/frame.js';
import { startMavlinkGateway } from '../../src/gateways/mavlink/index.js';
import { recorderHub } from '../mavlink/helpers.js';

describe('MAVLink VIDEO_STREAM_INFORMATION', () => {
  it('requests the streams of a camera and reports the announced URI with the vehicle uid', async () => {
    const announced: [string, string][] = [];
    const gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({ port: 0 }),
      hub: recorderHub().hub,
      log: pino({ level: 'silent' }),
      onVideoStream: (uid, uri) => announced.push([uid, uri]),
    });
    const cam = createSocket('udp4');
    await new Promise<void>((r) => cam.bind(0, '127.0.0.1', () => r()));
    const requests: { msgid: number; compid: number; payload: Buffer }[] = [];
    cam.on('message', (d) =>
      scanDatagram(
        d,
        (f) => requests.push({ msgid: f.msgid, compid: f.compid, payload: Buffer.from(f.payload) }),
        () => {},
      ),
    );
    try {
      const hb = new minimal.Heartbeat();
      hb.type = minimal.MavType.CAMERA;
      hb.autopilot = minimal.MavAutopilot.INVALID;
      hb.mavlinkVersion = 3;
      cam.send(encodeFrame(hb, { sysid: 7, compid: 100, seq: 0 }), gw.port, '127.0.0.1');
      const end = Date.now() + 5000;
      while (!requests.some((r) => r.msgid === 76) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      const req = requests.find((r) => r.msgid === 76)!;
      expect(req).toBeDefined();
      // COMMAND_LONG payload: 7 floats (param1..7), command (uint16), target system, target component
      expect(req.payload.readFloatLE(0)).toBe(269);
      expect(req.payload.readUInt16LE(28)).toBe(512);
      expect(req.payload[30]).toBe(7);
      expect(req.payload[31]).toBe(100);

      const vsi = new common.VideoStreamInformation();
      vsi.streamId = 1;
      vsi.count = 1;
      vsi.type = common.VideoStreamType.MPEG_TS;
      vsi.uri = 'udp://127.0.0.1:20690';
      vsi.name = 'EO';
      vsi.hfov = 60;
      cam.send(encodeFrame(vsi, { sysid: 7, compid: 100, seq: 1 }), gw.port, '127.0.0.1');
      while (announced.length === 0 && Date.now() < end + 5000) await new Promise((r) => setTimeout(r, 20));
      expect(announced).toEqual([['MAVLINK-7-1', 'udp://127.0.0.1:20690']]);
    } finally {
      cam.close();
      await gw.close();
    }
  });
});
