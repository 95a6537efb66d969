import { describe, expect, it } from 'vitest';
import { fixture, loadFixtures, normaliseElements } from '../../../test/fixtures/cot/fixtures.js';
import { decodeCot, encodeCot, encodeCotStream, parseElement } from './index.js';
import type { Event } from '../../model/index.js';

const t = (iso: string): number => Date.parse(iso);
const dec = (name: string): Event => decodeCot(fixture(name));

describe('decodeCot on every real fixture', () => {
  const all = loadFixtures();
  it('has the fixtures', () => expect(all.length).toBeGreaterThanOrEqual(30));

  for (const { name, bytes } of all) {
    it(`${name}: decodes, and XML -> Event -> XML -> Event is stable`, () => {
      const e = decodeCot(bytes);
      expect(e.origin).toEqual({ protocol: 'cot-xml' });
      expect(e.label.classification).toBe('UNCLASSIFIED');
      const again = decodeCot(encodeCot(e));
      expect(again).toEqual(e);
      const stream = encodeCotStream(e);
      expect(
        stream.toString().startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><event '),
      ).toBe(true);
      expect(stream.toString().endsWith('</event>')).toBe(true);
      expect(decodeCot(stream)).toEqual(e);
      // Into memory the caller gives (the hub's slabs): the same bytes, exactly as many as asked for.
      const arena = Buffer.alloc(stream.length + 16, 0x2a);
      const into = encodeCotStream(e, (n) => arena.subarray(8, 8 + n));
      expect(into.buffer).toBe(arena.buffer);
      expect(Buffer.compare(into, stream)).toBe(0);
      expect(arena[8 + stream.length]).toBe(0x2a);
    });

    it(`${name}: detail elements are byte-faithful slices of the source`, () => {
      const text = bytes.toString('utf8');
      const e = decodeCot(bytes);
      let from = 0;
      for (const el of e.detail.elements) {
        const at = text.indexOf(el.xml, from);
        expect(at, el.name).toBeGreaterThanOrEqual(0);
        from = at + el.xml.length;
        expect(parseElement(el.xml).name).toBe(el.name);
      }
      // every top-level child of <detail> is kept: compare with an independent walk of the parsed detail
      const detailStart = text.indexOf('<detail');
      if (detailStart >= 0 && !/<detail\s*\/>/.test(text)) {
        const end = text.indexOf('</detail>') + '</detail>'.length;
        const tree = parseElement(text.slice(detailStart, end));
        expect(e.detail.elements.map((x) => x.name)).toEqual(tree.children.map((c) => c.name));
        expect(normaliseElements(e.detail.elements)).toEqual(
          normaliseElements(tree.children.map((c) => ({ xml: toXml(c) }))),
        );
      }
    });
  }
});

/** Rebuild XML from a parsed node (test helper; attribute values re-escaped). */
function toXml(n: ReturnType<typeof parseElement>): string {
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
  const attrs = Object.entries(n.attrs)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('');
  return `<${n.name}${attrs}>${esc(n.text)}${n.children.map(toXml).join('')}</${n.name}>`;
}

describe('expected values from INDEX.md', () => {
  it('itak-position', () => {
    const e = dec('itak-position.xml');
    expect(e.uid).toBe('C94B9215-9BD4-4DBE-BDE1-83625F09153F');
    expect(e.type).toBe('a-f-G-E-V-C');
    expect(e.how).toBe('m-g');
    expect(e.point).toEqual({
      lat: 41.52309645,
      lon: -107.72376567,
      hae: 1681.23725821,
      ce: 9999999,
      le: 9999999,
    });
    expect(e.time).toBe(t('2023-07-18T15:23:09.000Z'));
    expect(e.start).toBe(e.time);
    expect(e.stale).toBe(t('2023-07-18T15:25:09.000Z'));
    expect(e.detail.contact).toEqual({
      callsign: 'DFPC-iSchmidt',
      phone: '7204258729',
      endpoint: '*:-1:stcp',
    });
    expect(e.detail.group).toEqual({ name: 'Yellow', role: 'Team Member' });
    expect(e.detail.status).toEqual({ battery: 100 });
    expect(e.detail.takv).toEqual({ device: 'iPhone', platform: 'iTAK', os: '16.5.1', version: '2.7.0.609' });
    expect(e.detail.track).toEqual({ course: 137.23542786, speed: 0 });
    expect(e.detail.precisionLocation).toEqual({ geopointsrc: 'GPS', altsrc: '???' });
    expect(e.detail.elements.find((x) => x.name === 'uid')?.xml).toBe('<uid Droid="DFPC-iSchmidt" />');
  });

  it('synthetic-track-course-only: no speed property at all', () => {
    const e = dec('synthetic-track-course-only.xml');
    expect(e.detail.track).toEqual({ course: 137.23542786 });
    expect('speed' in e.detail.track!).toBe(false);
  });

  it('atak-position-anonymised', () => {
    const e = dec('atak-position-anonymised.xml');
    expect(e.detail.contact).toEqual({
      callsign: 'JENNY',
      endpoint: '*:-1:stcp',
      xmppUsername: 'xmpp@host.com',
    });
    expect(e.point).toEqual({ lat: 1.234567, lon: -3.141592, hae: -25.7, ce: 9.9, le: 9999999 });
    expect(e.detail.takv).toMatchObject({
      os: '29',
      platform: 'ATAK-CIV',
      version: '4.0.0.0 (deadbeef).1234567890-CIV',
    });
    expect(e.detail.group).toEqual({ name: 'Cyan', role: 'Team Member' });
    expect(e.detail.status?.battery).toBe(78);
    expect(e.detail.track).toEqual({ course: 80.24833892285461, speed: 0 });
  });

  it('atak-geochat-direct-anonymised', () => {
    const e = dec('atak-geochat-direct-anonymised.xml');
    expect(e.uid).toBe('GeoChat.ANDROID-deadbeef.JOKER MAN.563040b9-2ac9-4af3-9e01-4cb2b05d98ea');
    expect(e.detail.chat).toEqual({
      parent: 'RootContactGroup',
      groupOwner: 'false',
      chatroom: 'JOKER MAN',
      id: 'ANDROID-cafebabe',
      senderCallsign: 'JENNY',
      roomId: 'ANDROID-cafebabe',
      members: ['ANDROID-deadbeef', 'ANDROID-cafebabe'],
    });
    expect(e.detail.remarks).toEqual({
      text: 'test',
      source: 'BAO.F.ATAK.ANDROID-deadbeef',
      to: 'ANDROID-cafebabe',
      time: '2021-02-23T22:28:22.191Z',
    });
    expect(e.detail.dests).toEqual([{ callsign: 'JOKER MAN' }]);
    expect(e.detail.links).toEqual([{ uid: 'ANDROID-deadbeef', type: 'a-f-G-U-C', relation: 'p-p' }]);
  });

  it('chat receipts (ATAK __chatreceipt, WinTAK __chat)', () => {
    for (const f of ['atak-chat-receipt-delivered.xml', 'wintak-chat-receipt-read.xml']) {
      const e = dec(f);
      expect(e.detail.chat).toMatchObject({
        groupOwner: 'false',
        messageId: 'f77dae64-3573-4dae-8447-c0c7a0219d7a',
        chatroom: 'DFPC Ingalls',
        id: 'ANDROID-CloudTAK-admin',
        senderCallsign: 'TR-SSC',
        roomId: 'ANDROID-CloudTAK-admin',
        members: ['ANDROID-121345', 'ANDROID-CloudTAK-admin'],
      });
      expect(e.detail.remarks).toBeUndefined();
    }
    expect(dec('atak-chat-receipt-delivered.xml').detail.chat?.parent).toBe('RootContactGroup');
    expect(dec('wintak-chat-receipt-read.xml').access).toBe('Undefined');
  });

  it('wearos-emergency-alert: &#10; in an attribute, single quotes, emergency', () => {
    const e = dec('wearos-emergency-alert.xml');
    expect(e.detail.contact?.callsign).toBe('SP-Dev\nManual Alert: Gunshot');
    expect(e.point).toEqual({
      lat: 41.8838397,
      lon: -87.6590334,
      hae: 155.50001525878906,
      ce: 17.75,
      le: 0.9278001,
    });
    expect(e.detail.links).toEqual([{ uid: 'WEAROS_dce34c83708172e9', type: 'a-f-G-U-C', relation: 'p-p' }]);
    expect(e.detail.emergency).toEqual({ type: 'Manual Alert: Gunshot', text: 'SP-Dev' });
    expect(e.time).toBe(t('2026-02-04T13:40:15.895Z'));
    expect(e.stale).toBe(t('2026-02-04T13:55:15.895Z'));
    // the newline survives re-encoding as a character reference
    expect(encodeCot(e)).toContain("callsign='SP-Dev&#10;Manual Alert: Gunshot'");
  });

  it('routes, shapes and markers', () => {
    const route = dec('atak-route-5.4.xml');
    expect(route.type).toBe('b-m-r');
    expect(route.detail.links).toHaveLength(10);
    expect(route.detail.links?.map((l) => l.callsign)).toContain('TGT');
    expect(route.detail.contact?.callsign).toBe('Route 1');
    const rb = dec('atak-range-bearing-circle.xml');
    expect(rb.detail.contact?.callsign).toBe('R&B Circle 1');
    expect(rb.detail.links).toBeUndefined(); // the style link is nested in <shape>, not top level
    expect(rb.detail.flowTags).toEqual({
      'TAK-Server-e87a0e02420b44a08f6032bcf1877745': '2025-07-10T16:49:54Z',
    });
    expect(rb.detail.elements.filter((x) => x.name === 'color')).toHaveLength(2);
    expect(dec('atak-shape-ellipse.xml').point).toMatchObject({
      lat: 39.9127697,
      lon: -102.7876738,
      hae: 1287.178,
    });
    expect(dec('shape-polygon-transparent-338.xml').detail.links).toHaveLength(5);
    expect(dec('atak-spot-map-marker-2026.xml').point.hae).toBe(-29.1);
    expect(dec('atak-spot-map-marker-2020.xml').detail.links?.[0]?.parent_callsign).toBe('HOPE');
    expect(dec('atak-marker-neutral-milsym.xml').detail.sidc).toBe('SNGX-----------');
    expect(dec('takaware-marker-empty-usericon.xml').type).toBe('a-U-G');
    expect(dec('takaware-marker-empty-usericon.xml').detail.contact?.callsign).toBe('No Path');
  });

  it('video, sensor and UAS events', () => {
    const cam = dec('atak-video-camera-point.xml');
    expect(cam.detail.video).toEqual({
      uid: '05bf6c59-c7ea-465f-8337-da16ddcc82d4',
      url: 'https://publicstreamer3.cotrip.org/rtplive/123/playlist.m3u8',
    });
    expect(cam.detail.sensor).toMatchObject({
      fov: '45',
      vfov: '45',
      azimuth: '270',
      range: '100',
      hideFov: 'true',
    });
    const pkg = dec('atak-datapackage-camera-video.xml');
    expect(pkg.detail.video?.url).toBe(
      'http://Camera:Mountaineer@184.159.53.0:37779/cgi-bin/mjpg/video.cgi?channel=0&subtype=1',
    );
    const mavic = dec('uastool-uas-mavic2.xml');
    expect(mavic.version).toBe('2');
    expect(mavic.how).toBe('h-e'); // no how attribute: the documented default
    expect(mavic.point).toEqual({ lat: 39.1, lon: -108.6, hae: 1381.333, ce: 0, le: 0 });
    expect(mavic.detail.video).toEqual({
      sensor: 'UAS-CO DFPC Lawrence',
      spi: 'UAS-CO DFPC Lawrence.SPI1',
      url: 'rtsp://18.254.132.96:8554/money',
    });
    expect(mavic.detail.track).toEqual({ course: 140.8, slope: 0, speed: 0 });
    expect(mavic.detail.contact).toBeUndefined();
    const m30 = dec('uastool-uas-m30t.xml');
    expect(m30.point).toMatchObject({ lat: 0, lon: 0, hae: -4919.1 });
    expect(m30.detail.video).toBeUndefined();
    expect(m30.detail.sensor?.model).toBe('M30T');
    expect(m30.detail.track?.course).toBe(-108.9);
  });

  it('remarks with line breaks and escaped ampersands; flow tags with a child element', () => {
    const etl = dec('etl-feed-multiline-remarks.xml');
    expect(etl.detail.remarks?.text).toBe(
      'Incident ID: 6841390\nMaster Incident Number: 05242024-0253042\nUnit Name: 9F20\nUnit ID: 3412\n' +
        'Status: Dispatched\nJurisdiction: Golden PD\nSpeed: 1',
    );
    expect(etl.time).toBe(t('2024-06-07T15:28:48Z'));
    expect(etl.start).toBe(t('2024-06-07T15:28:48.669Z'));
    expect(etl.detail.flowTags?.['NodeCoT-8.1.0']).toBe('2024-06-07T15:28:48.669Z');
    expect(dec('synthetic-remarks-escaped-ampersand.xml').detail.remarks?.text).toBe(
      'Heading north & east of the ridge',
    );
    expect(dec('synthetic-callsign-escaped-ampersand.xml').detail.contact?.callsign).toBe('Alpha & Bravo');
  });

  it('NaN hae/ce/le (ATAK file-transfer ack) read as unknown; event without detail', () => {
    const ack = dec('atak-file-transfer-ack-nan.xml');
    expect(ack.point).toEqual({ lat: 0, lon: 0, hae: 9999999, ce: 9999999, le: 9999999 });
    expect(ack.detail.dests).toEqual([{ callsign: 'KEPD Jensen KE600' }]);
    const bare = dec('synthetic-event-without-detail.xml');
    expect(bare.detail.elements).toEqual([]);
    expect(bare.access).toBe('Undefined');
  });
});

describe('callsign and centre of every fixture that has them (INDEX.md, [lon, lat, hae])', () => {
  const table: [string, string | undefined, [number, number, number]][] = [
    ['itak-position.xml', 'DFPC-iSchmidt', [-107.72376567, 41.52309645, 1681.23725821]],
    ['atak-position-anonymised.xml', 'JENNY', [-3.141592, 1.234567, -25.7]],
    [
      'wearos-emergency-alert.xml',
      'SP-Dev\nManual Alert: Gunshot',
      [-87.6590334, 41.8838397, 155.50001525878906],
    ],
    ['atak-range-bearing-circle.xml', 'R&B Circle 1', [-113.9094586, 41.8988499, 2040.381]],
    ['atak-shape-ellipse.xml', 'Ellipse 1', [-102.7876738, 39.9127697, 1287.178]],
    ['atak-shape-circle-transparent.xml', 'TRANSPARENT', [-108.5333539, 38.9456255, 1717.419]],
    ['atak-shape-circle-filled.xml', 'Filled', [-108.6033285, 38.9133019, 2414.459]],
    ['shape-polygon-transparent-338.xml', 'Shape 338', [-104.6749594, 38.3689249, 1498.801]],
    ['shape-polygon-transparent-287.xml', 'Shape 287', [-104.6673224, 38.3707822, 1499.609]],
    ['atak-spot-map-marker-2020.xml', 'R 1', [-77.0563755018233, 38.85606343062312, 9999999]],
    ['atak-spot-map-marker-2026.xml', 'O/Z Entry', [-121.9, 37.4, -29.1]],
    ['atak-marker-neutral-creator.xml', 'N.24.090921', [-108.4328957, 39.0664644, 1402.385]],
    ['takaware-marker-empty-usericon.xml', 'No Path', [-108, 39, 9999999]],
    ['atak-video-camera-point.xml', 'I-25 .8 mi S CO-45', [-104.6282182, 38.2089117, 1455.285]],
    ['uastool-uas-mavic2.xml', undefined, [-108.6, 39.1, 1381.333]],
    ['uastool-uas-m30t.xml', 'UAS-Phoenix 2', [0, 0, -4919.1]],
    ['etl-feed-multiline-remarks.xml', '9T20', [-105.1, 39.1, 0]],
    ['atak-datapackage-camera-video.xml', 'Lake City', [-107.312862, 38.0351828, 2624.647]],
    ['atak-datapackage-quickpic-image.xml', 'DFPC Ingalls.2.144535', [-108.538469, 39.07726, 1400.794]],
    ['atak-route-5.4.xml', 'Route 1', [0, 0, 9999999]],
  ];
  for (const [file, callsign, [lon, lat, hae]] of table) {
    it(file, () => {
      const e = dec(file);
      expect(e.detail.contact?.callsign).toBe(callsign);
      expect([e.point.lon, e.point.lat, e.point.hae]).toEqual([lon, lat, hae]);
    });
  }

  it('keeps elements that have no typed view (creator, labels_on, __milsym modifiers)', () => {
    const creator = dec('atak-marker-neutral-creator.xml').detail.elements.find((x) => x.name === 'creator');
    expect(parseElement(creator!.xml).attrs).toEqual({
      uid: 'ANDROID-0ca41830e11d2ef3',
      callsign: 'DFPC Ingalls Tab',
      time: '2025-04-24T15:09:21.789Z',
      type: 'a-f-G-E-V-C',
    });
    const labels = dec('synthetic-labels-on-capitalised-false.xml').detail.elements.find(
      (x) => x.name === 'labels_on',
    );
    expect(labels?.xml).toBe('<labels_on value="False"/>');
    const milsym = dec('atak-marker-neutral-milsym.xml').detail.elements.find((x) => x.name === '__milsym');
    const mods = parseElement(milsym!.xml).children;
    expect(mods.map((m) => m.attrs.code)).toEqual([
      'Z',
      'Y',
      'T',
      'P',
      'Q',
      'J',
      'H',
      'G',
      'AI',
      'AJ',
      'AK',
      'AH',
    ]);
    expect(mods.find((m) => m.attrs.code === 'G')?.text).toBe('test');
    expect(
      dec('atak-route-5.4-empty-navcues.xml').detail.elements.some((x) => x.name === '__routeinfo'),
    ).toBe(true);
  });
});
