/** The hub over real TCP sockets with real client captures: routing, picture, chat, protocol negotiation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../fixtures/cot/fixtures.js';
import { CotClient, freshXml, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import { decodeCot } from '../../src/codecs/cot/index.js';

let app: TestApp;
const clients: CotClient[] = [];
async function client(): Promise<CotClient> {
  const c = await CotClient.connect(app.ports.tcp!);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await app.stop();
});

const atak = fixture('atak-position-anonymised.xml');
const itak = fixture('itak-position.xml');

describe('streaming CoT over TCP', () => {
  it('offers TAK protocol on connect', async () => {
    const c = await client();
    const offer = await c
      .waitFor((es) => es.some((e) => e.type === 't-x-takp-v'), 3000)
      .then(() => c.events[0]!);
    expect(offer.detail.elements[0]!.xml).toContain('TakProtocolSupport version="1"');
  });

  it('two clients see each other, every detail element intact', async () => {
    const a = await client();
    const b = await client();
    const ax = freshXml(atak, { uid: 'ANDROID-A1' });
    const bx = freshXml(itak, { uid: 'IOS-B1' });
    a.send(ax);
    b.send('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + bx);
    const atB = await b.waitUid('ANDROID-A1');
    const atA = await a.waitUid('IOS-B1');
    const sentA = decodeCot(ax);
    const names = (e: typeof sentA) =>
      e.detail.elements.map((x) => x.name).filter((n) => n !== '_flow-tags_');
    expect(names(atB)).toEqual(names(sentA));
    for (const el of sentA.detail.elements) expect(atB.detail.elements.map((x) => x.xml)).toContain(el.xml);
    expect(atA.detail.contact?.callsign).toBe('DFPC-iSchmidt');
    expect(atB.point.lat).toBeCloseTo(1.234567, 6);
    expect(atB.detail.flowTags?.['TAK-Server-balticwall']).toBeDefined();
    // The recipient gets the sender's own bytes, with only the hub's flow tag added before </detail>.
    const tag = atB.detail.elements.find((e) => e.name === '_flow-tags_')!.xml;
    expect(b.raw.toString()).toContain(ax.replace('</detail>', tag + '</detail>'));
  });

  it('a burst of 400 reports reaches a listener whole and in order (written as runs of the slabs)', async () => {
    const listener = await client();
    const sender = await client();
    const sent = Array.from({ length: 400 }, (_, i) => freshXml(atak, { uid: `BURST-${i}` }));
    // One write: the hub reads it in a few chunks and forwards more than 64 KiB in one flush, as slab views.
    sender.send(sent.join(''));
    await listener.waitFor((es) => es.filter((e) => e.uid.startsWith('BURST-')).length === 400, 10_000);
    const got = listener.events.filter((e) => e.uid.startsWith('BURST-')).map((e) => e.uid);
    expect(got).toEqual(sent.map((_, i) => `BURST-${i}`));
    const text = listener.raw.toString();
    // Each the sender's own bytes up to the hub's flow tag (a boolean: a failure would print 400 events).
    const missing = sent.filter((x) => !text.includes(x.slice(0, x.indexOf('</detail>'))));
    expect(missing).toEqual([]);
  });

  it('a late joiner first receives the current picture', async () => {
    const a = await client();
    a.send(freshXml(atak, { uid: 'ANDROID-PIC', callsign: 'PIC' }));
    await waitFor(
      () => app.hub.state.get('ANDROID-PIC') !== undefined,
      10_000,
      'the hub to hold ANDROID-PIC',
    );
    const late = await client();
    const got = await late.waitUid('ANDROID-PIC');
    expect(got.detail.contact?.callsign).toBe('PIC');
  });

  it('directed GeoChat reaches only the addressed callsign', async () => {
    const sender = await client();
    const target = await client();
    const other = await client();
    sender.send(freshXml(atak, { uid: 'ANDROID-deadbeef', callsign: 'JENNY' }));
    target.send(freshXml(atak, { uid: 'ANDROID-cafebabe', callsign: 'JOKER MAN' }));
    other.send(freshXml(atak, { uid: 'ANDROID-other', callsign: 'OTHER' }));
    await sender.waitUid('ANDROID-cafebabe');
    await other.waitUid('ANDROID-cafebabe');
    const chat = freshXml(fixture('atak-geochat-direct-anonymised.xml'));
    const chatUid = decodeCot(chat).uid;
    sender.send(chat);
    const got = await target.waitUid(chatUid);
    expect(got.detail.remarks?.text).toBe('test');
    // The sender's next broadcast reaches `other` through the same ordered queue: had the chat gone there, it
    // would have arrived first.
    sender.send(freshXml(atak, { uid: 'ANDROID-after-chat', callsign: 'AFTER' }));
    await other.waitUid('ANDROID-after-chat');
    expect(other.events.some((e) => e.uid === chatUid)).toBe(false);
  });

  it('answers a ping with a pong to the sender only', async () => {
    const a = await client();
    const b = await client();
    const now = new Date().toISOString();
    a.send(
      `<event version="2.0" uid="ping-1" type="t-x-c-t" how="h-g-i-g-o" time="${now}" start="${now}" stale="${now}"><point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/><detail/></event>`,
    );
    await a.waitFor((es) => es.some((e) => e.type === 't-x-c-t-r'), 3000, 'pong');
    // a's next broadcast reaches b in order after anything the ping could have caused there.
    a.send(freshXml(atak, { uid: 'ANDROID-after-ping', callsign: 'AFTER' }));
    await b.waitUid('ANDROID-after-ping');
    expect(b.events.some((e) => e.type === 't-x-c-t-r' || e.type === 't-x-c-t')).toBe(false);
  });

  it('negotiates TAK protocol v1 and then speaks protobuf both ways; XML clients still get XML', async () => {
    const p = await client();
    const x = await client();
    await p.waitFor((es) => es.some((e) => e.type === 't-x-takp-v'), 3000);
    const now = new Date().toISOString();
    p.send(
      `<event version="2.0" uid="balticwall-takp" type="t-x-takp-q" how="m-g" time="${now}" start="${now}" stale="${now}"><point lat="0" lon="0" hae="0" ce="999999" le="999999"/><detail><TakControl><TakRequest version="1"/></TakControl></detail></event>`,
    );
    await p.waitFor((es) => es.some((e) => e.type === 't-x-takp-r'), 3000, 'takp-r');
    expect(p.protobuf).toBe(true);
    // protobuf in -> XML out
    const ev = decodeCot(freshXml(itak, { uid: 'PROTO-1' }));
    p.sendEvent(ev);
    const atX = await x.waitUid('PROTO-1');
    expect(atX.detail.takv?.platform).toBe('iTAK');
    expect(atX.detail.elements.map((e) => e.name)).toEqual(
      expect.arrayContaining(ev.detail.elements.map((e) => e.name)),
    );
    // XML in -> protobuf out
    x.send(freshXml(atak, { uid: 'XML-1' }));
    const atP = await p.waitUid('XML-1');
    expect(atP.detail.contact?.callsign).toBe('JENNY');
    expect(atP.detail.group).toEqual({ name: 'Cyan', role: 'Team Member' });
  });

  it('answers a request for an unknown TAK protocol version with false and stays in XML', async () => {
    const p = await client();
    await p.waitFor((es) => es.some((e) => e.type === 't-x-takp-v'), 3000);
    const now = new Date().toISOString();
    p.send(
      `<event version="2.0" uid="balticwall-takp" type="t-x-takp-q" how="m-g" time="${now}" start="${now}" stale="${now}"><point lat="0" lon="0" hae="0" ce="999999" le="999999"/><detail><TakControl><TakRequest version="7"/></TakControl></detail></event>`,
    );
    await p.waitFor((es) => es.some((e) => e.type === 't-x-takp-r'), 3000, 'takp-r');
    expect(p.protobuf).toBe(false);
    expect(p.events.find((e) => e.type === 't-x-takp-r')!.detail.elements[0]!.xml).toContain(
      'status="false"',
    );
  });
});
