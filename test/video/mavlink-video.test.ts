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
import { scanDatagram, type Frame } from '../../src/gateways/mavlink/frame.js';
import {
  SignatureVerifier,
  signingKeyBytes,
  signingTimestampNow,
} from '../../src/gateways/mavlink/signing.js';
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

  it('signs the request with the camera link key when the camera signs (MAVLink 2 signing)', async () => {
    const signing = { keys: [{ id: 'uav7', passphrase: 'kalvarija-camera', sysids: [7] }] };
    const gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({ port: 0, signing }),
      hub: recorderHub().hub,
      log: pino({ level: 'silent' }),
      onVideoStream: () => {},
    });
    const cam = createSocket('udp4');
    await new Promise<void>((r) => cam.bind(0, '127.0.0.1', () => r()));
    const frames: Frame[] = [];
    cam.on('message', (d) =>
      scanDatagram(
        Buffer.from(d),
        (f) => frames.push(f),
        () => {},
      ),
    );
    try {
      const hb = new minimal.Heartbeat();
      hb.type = minimal.MavType.CAMERA;
      hb.autopilot = minimal.MavAutopilot.INVALID;
      hb.mavlinkVersion = 3;
      const key = signingKeyBytes(signing.keys[0]!);
      const sign = { key, linkId: 2, timestamp: signingTimestampNow() };
      cam.send(encodeFrame(hb, { sysid: 7, compid: 100, seq: 0, sign }), gw.port, '127.0.0.1');
      const end = Date.now() + 5000;
      while (!frames.some((f) => f.msgid === 76) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      const req = frames.find((f) => f.msgid === 76)!;
      expect(req).toBeDefined();
      expect(req.signed).toBe(true);
      // The camera checks the request with its own key (for any sender: the GCS is system 255), as a signing
      // autopilot would.
      const camKeys = { keys: [{ ...signing.keys[0]!, sysids: [] }] };
      const camSide = new SignatureVerifier(mavlinkConfig.parse({ signing: camKeys }).signing);
      expect(req.sysid).toBe(255);
      expect(camSide.check(req)).toEqual({ ok: true, signed: true, keyId: 'uav7' });
      // A key that is not the camera's does not verify it.
      const other = { keys: [{ id: 'x', passphrase: 'another key', sysids: [] }] };
      expect(new SignatureVerifier(mavlinkConfig.parse({ signing: other }).signing).check(req)).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    } finally {
      cam.close();
      await gw.close();
    }
  });

  it('leaves the request unsigned for a camera that does not sign', async () => {
    const gw = await startMavlinkGateway({
      cfg: mavlinkConfig.parse({
        port: 0,
        signing: { keys: [{ id: 'other', passphrase: 'p', sysids: [9] }] },
      }),
      hub: recorderHub().hub,
      log: pino({ level: 'silent' }),
      onVideoStream: () => {},
    });
    const cam = createSocket('udp4');
    await new Promise<void>((r) => cam.bind(0, '127.0.0.1', () => r()));
    const frames: Frame[] = [];
    cam.on('message', (d) =>
      scanDatagram(
        Buffer.from(d),
        (f) => frames.push(f),
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
      while (!frames.some((f) => f.msgid === 76) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      expect(frames.find((f) => f.msgid === 76)?.signed).toBe(false);
    } finally {
      cam.close();
      await gw.close();
    }
  });
});
