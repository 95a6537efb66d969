/**
 * The live API's message conversions against real ATAK/WinTAK captures, and the events the page's messages become
 * (built the way ATAK builds them, and readable by our own CoT decoder).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCot, encodeCot } from '../../src/codecs/cot/index.js';
import { argbToCss, toServerMessage } from '../../src/transports/web/encode.js';
import {
  chatEvent,
  clientMessage,
  deleteEvent,
  markerEvent,
  presenceEvent,
  receiptEvent,
  releasableToSelf,
  type Sender,
} from '../../src/transports/web/page-events.js';

const fixture = (name: string) =>
  decodeCot(readFileSync(new URL(`../fixtures/cot/${name}`, import.meta.url)));
const me: Sender = {
  uid: 'BW-WEB.anna',
  callsign: 'anna',
  identityId: 'anna',
  connectionId: 's1',
  nation: 'LTU',
};

describe('hub events -> live API messages', () => {
  it('reads ATAK one-to-one GeoChat', () => {
    const m = toServerMessage(fixture('atak-geochat-direct-anonymised.xml'));
    expect(m).toMatchObject({
      t: 'chat',
      m: {
        text: 'test',
        senderUid: 'ANDROID-deadbeef',
        senderCallsign: 'JENNY',
        roomId: 'ANDROID-cafebabe',
        room: 'JOKER MAN',
        members: ['ANDROID-deadbeef', 'ANDROID-cafebabe'],
        messageId: '563040b9-2ac9-4af3-9e01-4cb2b05d98ea',
      },
    });
  });

  it('reads ATAK delivered and WinTAK read receipts', () => {
    expect(toServerMessage(fixture('atak-chat-receipt-delivered.xml'))).toMatchObject({
      t: 'receipt',
      r: { kind: 'delivered', messageId: 'f77dae64-3573-4dae-8447-c0c7a0219d7a', from: 'ANDROID-121345' },
    });
    expect(toServerMessage(fixture('wintak-chat-receipt-read.xml'))).toMatchObject({
      t: 'receipt',
      r: { kind: 'read', messageId: 'f77dae64-3573-4dae-8447-c0c7a0219d7a', from: 'ANDROID-121345' },
    });
  });

  it('turns positions and markers into entities with the right symbol', () => {
    const pos = toServerMessage(fixture('atak-position-anonymised.xml'));
    expect(pos).toMatchObject({
      t: 'entity',
      e: { callsign: 'JENNY', sidc: 'SFGPUC---------', affiliation: 'friend', course: 80.24833892285461 },
    });
    const milsym = toServerMessage(fixture('atak-marker-neutral-milsym.xml'));
    expect(milsym).toMatchObject({
      t: 'entity',
      e: { sidc: 'SNGX-----------', sidcSource: 'explicit', affiliation: 'neutral' },
    });
    const spot = toServerMessage(fixture('atak-spot-map-marker-2026.xml'));
    expect(spot).toMatchObject({
      t: 'entity',
      e: { callsign: 'O/Z Entry', sidc: 'GFGPGPRI------X', parent: 'ANDROID-7e34c3dd00737f90' },
    });
    const nan = toServerMessage(fixture('atak-file-transfer-ack-nan.xml'));
    if (nan?.t === 'entity') expect(nan.e.hae).toBe(9999999);
    const json = JSON.stringify(pos);
    expect(JSON.parse(json)).toEqual(pos);
  });

  it('gives drawings their shape (polygons, routes) and colours', () => {
    const poly = toServerMessage(fixture('shape-polygon-transparent-338.xml'));
    expect(poly?.t).toBe('entity');
    if (poly?.t !== 'entity') return;
    expect(poly.e.shape?.closed).toBe(true);
    expect(poly.e.shape?.coordinates).toHaveLength(5);
    expect(poly.e.shape?.coordinates[0]).toEqual([-104.6769122, 38.370053]);
    const route = toServerMessage(fixture('atak-route-5.4.xml'));
    if (route?.t !== 'entity') throw new Error('route is not an entity');
    expect(route.e.shape?.closed).toBe(false);
    expect(route.e.shape?.coordinates.length).toBe(10);
    expect(argbToCss(-16711936)).toBe('rgba(0,255,0,1)');
    expect(argbToCss(1073807104)).toBe('rgba(0,255,0,0.251)');
    const pos = toServerMessage(fixture('atak-position-anonymised.xml'));
    if (pos?.t === 'entity') expect(pos.e.shape).toBeUndefined();
  });

  it('turns deletes into expired(deleted) and ignores pings', () => {
    const now = Date.now();
    const del = deleteEvent(me, 'X-1', now);
    expect(toServerMessage(del)).toEqual({ t: 'expired', uids: ['X-1'], reason: 'deleted' });
    const ping = { ...del, type: 't-x-c-t' };
    expect(toServerMessage(ping)).toBeUndefined();
  });
});

describe('page messages -> CoT events as ATAK builds them', () => {
  const roundTrip = (e: ReturnType<typeof chatEvent>) => decodeCot(encodeCot(e));

  it('All Chat Rooms', () => {
    const e = roundTrip(
      chatEvent(me, { t: 'chat', text: 'Hello & <all>', to: { kind: 'all' }, messageId: 'm-1' }),
    );
    expect(e.type).toBe('b-t-f');
    expect(e.uid).toBe('GeoChat.BW-WEB.anna.All Chat Rooms.m-1');
    expect(e.detail.chat).toMatchObject({
      parent: 'RootContactGroup',
      groupOwner: 'false',
      chatroom: 'All Chat Rooms',
      id: 'All Chat Rooms',
      senderCallsign: 'anna',
      messageId: 'm-1',
      members: ['BW-WEB.anna', 'All Chat Rooms'],
    });
    expect(e.detail.remarks).toMatchObject({
      text: 'Hello & <all>',
      source: 'BAO.F.ATAK.BW-WEB.anna',
      to: 'All Chat Rooms',
    });
    expect(e.detail.links?.[0]).toMatchObject({ uid: 'BW-WEB.anna', relation: 'p-p' });
    expect(e.detail.dests).toBeUndefined();
  });

  it('one-to-one, addressed with marti dest like the ATAK capture', () => {
    const e = roundTrip(
      chatEvent(me, { t: 'chat', text: 'hi', to: { kind: 'direct', uid: 'ANDROID-x', callsign: 'VIPER' } }),
    );
    expect(e.detail.chat).toMatchObject({
      chatroom: 'VIPER',
      id: 'ANDROID-x',
      members: ['BW-WEB.anna', 'ANDROID-x'],
    });
    expect(e.detail.dests).toEqual([{ callsign: 'VIPER' }]);
    expect(e.detail.remarks?.to).toBe('ANDROID-x');
  });

  it('group room with chatgrp members', () => {
    const e = roundTrip(
      chatEvent(me, {
        t: 'chat',
        text: 'g',
        to: { kind: 'group', id: 'g-1', name: 'Fires', members: ['A', 'B', 'BW-WEB.anna'] },
      }),
    );
    expect(e.detail.chat).toMatchObject({
      parent: 'UserGroups',
      chatroom: 'Fires',
      id: 'g-1',
      members: ['BW-WEB.anna', 'A', 'B'],
    });
  });

  it('receipts, markers, presence', () => {
    const r = roundTrip(
      receiptEvent(me, {
        t: 'receipt',
        messageId: 'm-9',
        kind: 'read',
        to: { uid: 'ANDROID-x', callsign: 'VIPER' },
      }),
    );
    expect(r.type).toBe('b-t-f-r');
    expect(r.detail.chat?.messageId).toBe('m-9');
    expect(r.detail.dests?.[0]).toMatchObject({ callsign: 'VIPER', uid: 'ANDROID-x' });

    const m = roundTrip(
      markerEvent(me, {
        t: 'marker',
        lat: 54.7,
        lon: 25.3,
        callsign: 'OP "N"',
        remarks: 'two & three',
        sidc: 'shgpuci--------',
      }),
    );
    expect(m.type).toBe('b-m-p-s-m');
    expect(m.detail.contact?.callsign).toBe('OP "N"');
    expect(m.detail.remarks?.text).toBe('two & three');
    expect(m.detail.sidc).toBe('SHGPUCI--------');
    expect(m.stale - m.time).toBe(86_400_000);
    expect(markerEvent(me, { t: 'marker', lat: 1, lon: 1, callsign: 'x' }).origin).toMatchObject({
      protocol: 'web',
      nation: 'LTU',
      identityId: 'anna',
    });

    // A label chosen in the page travels in the attribute form TAK clients use (the ingress policy checks it).
    const labelled = roundTrip(
      markerEvent(me, {
        t: 'marker',
        lat: 54.7,
        lon: 25.3,
        callsign: 'x',
        classification: 'RESTRICTED',
        releasableTo: ['LTU', 'NATO'],
      }),
    );
    expect([labelled.access, labelled.releasableTo]).toEqual(['NATO RESTRICTED', 'LTU,NATO']);
    expect(m.access).toBeUndefined();
    expect(releasableToSelf(['LVA'], { nation: 'LTU', categories: [] })).toBe(false);
    expect(releasableToSelf(['LVA', 'NATO'], { nation: 'LTU', categories: ['NATO'] })).toBe(true);
    expect(releasableToSelf(['LTU'], { categories: [] })).toBe(false);

    const p = roundTrip(presenceEvent(me, { lat: 54.7, lon: 25.3 }));
    expect(p.uid).toBe('BW-WEB.anna');
    expect(p.detail.contact).toMatchObject({ callsign: 'anna', endpoint: '*:-1:stcp' });
    expect(p.detail.takv?.platform).toBe('Baltic Wall COP');
  });

  it('validates page messages and names the bad field', () => {
    expect(clientMessage.safeParse({ t: 'marker', lat: 91, lon: 0, callsign: 'x' }).success).toBe(false);
    expect(
      clientMessage.safeParse({ t: 'marker', lat: 1, lon: 0, callsign: 'x', type: '<evil>' }).success,
    ).toBe(false);
    expect(
      clientMessage.safeParse({ t: 'marker', lat: 1, lon: 0, callsign: 'x', sidc: 'nope' }).success,
    ).toBe(false);
    expect(clientMessage.safeParse({ t: 'chat', text: '', to: { kind: 'all' } }).success).toBe(false);
    expect(
      clientMessage.safeParse({ t: 'chat', text: 'x', to: { kind: 'direct', uid: 'a"b', callsign: 'c' } })
        .success,
    ).toBe(false);
    expect(clientMessage.safeParse({ t: 'launch' }).success).toBe(false);
    const marker = { t: 'marker', lat: 1, lon: 0, callsign: 'x' };
    expect(clientMessage.safeParse({ ...marker, classification: 'SECRET' }).success).toBe(true);
    expect(clientMessage.safeParse({ ...marker, classification: 'SECRETISH' }).success).toBe(false);
    expect(clientMessage.safeParse({ ...marker, releasableTo: [] }).success).toBe(false);
    expect(clientMessage.safeParse({ ...marker, releasableTo: ['LTU"/><x'] }).success).toBe(false);
    expect(clientMessage.safeParse({ ...marker, releasableTo: ['ltu'] }).success).toBe(false);
    const r = clientMessage.safeParse({ t: 'presence', lat: 'north', lon: 0 });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path).toEqual(['lat']);
  });
});
