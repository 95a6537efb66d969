import { describe, expect, it } from 'vitest';
import { deriveDetail } from '../../codecs/cot/index.js';
import { mavlinkConfig } from './config.js';
import { buildVehicleEvents, cotFunction } from './events.js';
import { newCamera, newVehicle } from './vehicle.js';
import { quatFromEuler } from './footprint.js';

describe('vehicle events', () => {
  const cfg = mavlinkConfig.parse({
    affiliation: 'n',
    vehicles: { '3': { callsign: 'A & B <drone>', videoUrl: 'rtsp://10.0.0.2:8554/cam?a=1&b=2' } },
  });
  const v = newVehicle(3, 1, 0);
  v.mavType = 1;
  v.battery = 55;
  v.homeAltMsl = 100;
  v.attitude = { roll: 1, pitch: 2, yaw: 3, rollRate: 0, pitchRate: 0, yawRate: 0 };
  v.position = {
    lat: 54.4,
    lon: 23.2,
    hae: 230,
    altMsl: 200,
    relativeAlt: 100,
    course: 45,
    speed: 20,
    slope: -0.001,
    heading: 45,
  };
  const cam = newCamera();
  cam.hfov = 50;
  cam.vfov = 40;
  cam.gimbal = { q: quatFromEuler(0, -Math.PI / 4, 0), yawInVehicleFrame: false, at: 1000 };

  it('typed views equal what the codec derives from the XML (they are built without a re-parse)', () => {
    const [drone, fp] = buildVehicleEvents(v, cam, { cfg, now: 1000, withFootprintEvent: true });
    for (const e of [drone!, fp!]) {
      const again = deriveDetail(e.detail.elements);
      expect(e.detail).toEqual(again);
    }
    expect(drone!.type).toBe('a-n-A-M-F-Q');
    expect(drone!.detail.video?.url).toBe('rtsp://10.0.0.2:8554/cam?a=1&b=2');
    expect(drone!.detail.sensor?.elevation).toBe('-45');
    expect(drone!.detail.contact?.callsign).toBe('A & B <drone>');
    expect(drone!.detail.elements[0]!.xml).toBe('<contact callsign="A &amp; B &lt;drone&gt;"/>');
  });

  it('maps MAV_TYPE to CoT functions', () => {
    expect(cotFunction(2)).toBe('A-M-H-Q');
    expect(cotFunction(1)).toBe('A-M-F-Q');
    expect(cotFunction(10)).toBe('G-E-V');
    expect(cotFunction(11)).toBe('S-X');
    expect(cotFunction(undefined)).toBe('A-M');
  });
});
