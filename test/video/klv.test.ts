/**
 * ST 0601 / ST 0102 / ST 0903 decoding: the worked example packet of MISB ST 0601 (as published with misb.js and
 * checked in docs/reference), packets from the independent test encoder, and every bad-input case.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeKlvPayload,
  imapb,
  labelOfSecurity,
  readBerLength,
  readBerOid,
  releaseCodes,
} from '../../src/codecs/klv/index.js';
import { be, ber, item, oid, sMap, str, telemetryPacket, uasPacket, uMap } from './helpers/klv-encode.js';

const EXAMPLE =
  '060E2B34020B01010E0103010100000081D2020800046050584E0180030A4D697373696F6E203132050271C20602FD3D070208B80A085072656461746F720B07454F204E6F73650C0E47656F64657469632057475338340D045595B66D0E045B5360C40F02C2211002CD9C1102D9171204724A0A20130487F84B86140400000000150403830926160212811704F101A229180414BC082B190234F3301C01010102010703052F2F5553410C01070D060055005300411602000A4101065E220170F592F02373364AF8AA9162C00F2EB2DA16B74341000841A0BE365B5AB96A36450102AA43';
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('MISB ST 0601 worked example', () => {
  const r = decodeKlvPayload(hex(EXAMPLE));
  const d = r.sets[0]!;
  it('decodes with a valid checksum', () => {
    expect(r.faults).toEqual([]);
    expect(r.sets).toHaveLength(1);
    expect(d.checksum).toBe(0xaa43);
  });
  it('maps the values as the standard says', () => {
    const v = d.values;
    expect(v.precisionTimeStamp).toBe(1231798102000000);
    expect(v.missionId).toBe('Mission 12');
    expect(v.platformHeading).toBeCloseTo(159.9744, 3);
    expect(v.platformPitch).toBeCloseTo(-0.4315, 3);
    expect(v.platformRoll).toBeCloseTo(3.4059, 3);
    expect(v.platformDesignation).toBe('Predator');
    expect(v.imageSourceSensor).toBe('EO Nose');
    expect(v.imageCoordinateSystem).toBe('Geodetic WGS84');
    expect(v.sensorLatitude).toBeCloseTo(60.1768229, 6);
    expect(v.sensorLongitude).toBeCloseTo(128.426759, 6);
    expect(v.sensorTrueAltitude).toBeCloseTo(14190.72, 1);
    expect(v.sensorHorizontalFov).toBeCloseTo(144.5713, 3);
    expect(v.sensorVerticalFov).toBeCloseTo(152.6436, 3);
    expect(v.sensorRelativeAzimuth).toBeCloseTo(160.71921, 4);
    expect(v.sensorRelativeElevation).toBeCloseTo(-168.79232, 4);
    expect(v.sensorRelativeRoll).toBe(0);
    expect(v.slantRange).toBeCloseTo(68590.98, 1);
    expect(v.targetWidth).toBeCloseTo(722.8199, 3);
    expect(v.frameCenterLatitude).toBeCloseTo(-10.5423886, 6);
    expect(v.frameCenterLongitude).toBeCloseTo(29.15789, 5);
    expect(v.frameCenterElevation).toBeCloseTo(3216.037, 2);
    expect(v.uasLsVersion).toBe(6);
  });
  it('decodes the ST 0102 security set and keeps the unmapped MIIS item', () => {
    expect(d.security).toMatchObject({
      classification: 1,
      classifyingCountryCodingMethod: 7,
      classifyingCountry: '//USA',
      objectCountryCodingMethod: 7,
      objectCountryCodes: 'USA',
      version: 10,
    });
    expect(d.unknown.map((u) => u.tag)).toEqual([94]);
    expect(labelOfSecurity(d.security!)).toEqual({
      policy: 'NATO',
      classification: 'UNCLASSIFIED',
      categories: [],
    });
  });
});

describe('ST 0601 against the independent encoder', () => {
  it('round-trips a telemetry packet with corners and a security set', () => {
    const pkt = telemetryPacket({
      time: 1_700_000_000_123_456,
      tail: 'LTU-UAV-7',
      heading: 271.5,
      sensorLat: 54.5,
      sensorLon: 23.9,
      sensorHae: 1520,
      hfov: 30,
      vfov: 17,
      relAz: 10,
      relEl: -45,
      slant: 2100,
      fcLat: 54.51,
      fcLon: 23.91,
      fcHae: 120,
      corners: [
        [54.52, 23.9],
        [54.52, 23.92],
        [54.5, 23.92],
        [54.5, 23.9],
      ],
      security: { classification: 2, releasing: 'LTU POL DEU' },
    });
    const r = decodeKlvPayload(pkt);
    expect(r.faults).toEqual([]);
    const v = r.sets[0]!.values;
    expect(v.precisionTimeStamp).toBe(1_700_000_000_123_456);
    expect(v.platformTailNumber).toBe('LTU-UAV-7');
    expect(v.platformHeading).toBeCloseTo(271.5, 2);
    expect(v.sensorLatitude).toBeCloseTo(54.5, 6);
    expect(v.sensorEllipsoidHeight).toBeCloseTo(1520, 0);
    expect(v.sensorRelativeElevation).toBeCloseTo(-45, 5);
    expect(v.cornerLongitude2).toBeCloseTo(23.92, 6);
    expect(v.frameCenterHeightAboveEllipsoid).toBeCloseTo(120, 0);
    expect(labelOfSecurity(r.sets[0]!.security!)).toEqual({
      policy: 'NATO',
      classification: 'RESTRICTED',
      categories: [{ tag: 'Releasable to', type: 'PERMISSIVE', values: ['DEU', 'LTU', 'POL'] }],
    });
  });

  it('reads long-form lengths and multi-byte BER-OID tags, and keeps unknown tags', () => {
    const long = Array.from({ length: 300 }, (_, i) => i & 0xff);
    const pkt = uasPacket([item(2, be(1, 8)), item(141, [1, 2, 3]), item(5000, long), item(11, str('IR'))]);
    expect(readBerOid(Uint8Array.from(oid(141)), 0, 2)).toEqual({ ok: true, value: 141, next: 2 });
    const r = decodeKlvPayload(pkt);
    expect(r.faults).toEqual([]);
    expect(r.sets[0]!.unknown.map((u) => [u.tag, u.hex.length / 2])).toEqual([
      [141, 3],
      [5000, 300],
    ]);
    expect(r.sets[0]!.values.imageSourceSensor).toBe('IR');
  });

  it('treats the error value of a signed map as absent and decodes ST 1201 IMAPB', () => {
    const r = decodeKlvPayload(uasPacket([item(13, [0x80, 0, 0, 0]), item(14, sMap(10, 180, 4))]));
    expect(r.sets[0]!.values.sensorLatitude).toBeUndefined();
    expect(r.sets[0]!.values.sensorLongitude).toBeCloseTo(10, 6);
    // ST 1201 example: IMAPB(-900, 19000, 3) of 10000.0 m is 0x2F92 1E00 shifted to 3 bytes -> check round trip.
    const enc = (x: number, a: number, b: number, L: number) => {
      const bPow = Math.ceil(Math.log2(b - a));
      const sF = 2 ** (8 * L - 1 - bPow);
      const z = a < 0 && b > 0 ? sF * a - Math.floor(sF * a) : 0;
      return Uint8Array.from(be(Math.trunc(sF * (x - a) + z), L));
    };
    expect(imapb(enc(10000, -900, 19000, 3), -900, 19000)).toBeCloseTo(10000, 1);
    expect(imapb(enc(123.456, 0, 360, 4), 0, 360)).toBeCloseTo(123.456, 5);
  });

  it('decodes VMTI targets (tag 74) with their ground location', () => {
    const loc = (lat: number, lon: number, h: number) => {
      const m = (x: number, a: number, b: number, L: number) => {
        const bPow = Math.ceil(Math.log2(b - a));
        const sF = 2 ** (8 * L - 1 - bPow);
        const z = a < 0 && b > 0 ? sF * a - Math.floor(sF * a) : 0;
        return be(Math.trunc(sF * (x - a) + z), L);
      };
      return [...m(lat, -90, 90, 4), ...m(lon, -180, 180, 4), ...m(h, -900, 19000, 2)];
    };
    const pack = (id: number, lat: number, lon: number) => {
      const body = [...oid(id), ...item(5, [80]), ...item(17, loc(lat, lon, 150))];
      return [...ber(body.length), ...body];
    };
    const vmti = [
      ...item(3, str('MTI')),
      ...item(5, [2]),
      ...item(101, [...pack(1, 54.6, 24.1), ...pack(300, 54.7, 24.2)]),
    ];
    const r = decodeKlvPayload(uasPacket([item(2, be(5, 8)), item(74, vmti)]));
    expect(r.faults).toEqual([]);
    const m = r.sets[0]!.vmti!;
    expect(m.systemName).toBe('MTI');
    expect(m.targets.map((t) => t.id)).toEqual([1, 300]);
    expect(m.targets[1]!.lat).toBeCloseTo(54.7, 5);
    expect(m.targets[1]!.lon).toBeCloseTo(24.2, 5);
    expect(m.targets[0]!.confidence).toBe(80);
  });
});

describe('bad KLV', () => {
  const good = telemetryPacket({
    time: 1,
    heading: 0,
    sensorLat: 1,
    sensorLon: 1,
    sensorHae: 1,
    hfov: 1,
    vfov: 1,
    relAz: 0,
    relEl: 0,
    slant: 1,
    fcLat: 1,
    fcLon: 1,
    fcHae: 1,
  });
  it('refuses a wrong checksum', () => {
    const bad = good.slice();
    bad[30] = bad[30]! ^ 0x01;
    expect(decodeKlvPayload(bad).faults).toEqual(['checksum']);
  });
  it('refuses a missing checksum item', () => {
    const body = [...item(2, be(1, 8))];
    const pkt = Uint8Array.from([...good.subarray(0, 16), ...ber(body.length), ...body]);
    expect(decodeKlvPayload(pkt).faults).toEqual(['checksum']);
  });
  it('refuses an impossible BER long form (2^60) without allocating', () => {
    const pkt = Uint8Array.from([...good.subarray(0, 16), 0x88, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(decodeKlvPayload(pkt).faults).toEqual(['length']);
    expect(readBerLength(Uint8Array.from([0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 0, 10)).toEqual({
      ok: false,
      fault: 'length',
    });
  });
  it('reports a truncated set', () => {
    expect(decodeKlvPayload(good.subarray(0, good.length - 5)).faults).toEqual(['truncated']);
  });
  it('reports an item longer than its set', () => {
    const pkt = uasPacket([[0x05, 0x7f, 0x01]]);
    expect(decodeKlvPayload(pkt).faults).toEqual(['truncated']);
  });
  it('keeps other MISB sets by key', () => {
    const other = Uint8Array.from([...good.subarray(0, 15), 0x09, 0x01, 0x00]);
    expect(decodeKlvPayload(other).otherKeys).toHaveLength(1);
  });
  it('reads release codes', () => {
    expect(releaseCodes('REL TO USA, GBR //NATO')).toEqual(['GBR', 'NATO', 'USA']);
    expect(uMap(0, 0, 1, 1)).toEqual([0]);
  });
});
