/**
 * Degraded links: a link shaper between LV and EE cuts the link, narrows it and restarts EE. Nothing queued for a
 * peer is lost (the queue is durable), no chat shows twice (resends are dropped by uid and time), positions
 * coalesce to the latest per uid, and on a narrow link emergencies and chat go before the backlog of positions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotClient, sleep, type TestApp } from '../helpers/app.js';
import type { LinkShaper } from '../helpers/link-shaper.js';
import { chat, EE, position, startNationalHub, startPair, waitLink, type Pair } from './harness.js';

function emergency(uid: string): string {
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  return (
    `<event version="2.0" uid="${uid}" type="b-a-o-tbl" how="h-e" time="${iso(now)}" start="${iso(now)}" ` +
    `stale="${iso(now + 600_000)}"><point lat="56.9" lon="24.1" hae="0" ce="9" le="9"/>` +
    `<detail><emergency type="911 Alert">MEDEVAC</emergency></detail></event>`
  );
}

const chatUid = (id: string) => `GeoChat.SENDER.All Chat Rooms.${id}`;

/** Poll `f` until it returns a value (the hub decodes on a thread that may still be starting). */
async function until<T>(f: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('degraded link EE <- shaper <- LV', () => {
  let pair: Pair;
  let ee: TestApp;
  let lv: TestApp;
  let shaper: LinkShaper;
  let eeClient: CotClient;
  let lvClient: CotClient;

  beforeAll(async () => {
    pair = await startPair({ latencyMs: 20 });
    ({ ee, lv, eeClient, lvClient } = pair);
    shaper = pair.shaper!;
  }, 30_000);

  afterAll(async () => {
    // The last test restarts EE and reconnects its client: the pair stops what is current.
    Object.assign(pair ?? {}, { ee, eeClient });
    await pair?.stop();
  });

  it('after a cut: every chat once, the latest position of every unit, positions coalesced', async () => {
    shaper.cutLink();
    await Promise.all([waitLink(lv, 'ee', false), waitLink(ee, 'lv', false)]);
    for (let round = 0; round < 5; round++)
      for (let u = 0; u < 50; u++) eeClient.send(position(`UNIT-${u}`, {}, 56 + round / 10));
    for (let i = 0; i < 20; i++) eeClient.send(chat(`cut-${i}`, `message ${i}`));
    const queued = await until(() => {
      const l = ee.federation!.links().find((x) => x.name === 'lv')!;
      return l.queued.chat === 20 && l.coalesced >= 150 ? l : undefined;
    }, 'the queue to hold 20 chats');
    expect(queued.queued.chat).toBe(20);
    expect(queued.queued.position).toBeLessThanOrEqual(50 + 2);
    expect(queued.coalesced).toBeGreaterThanOrEqual(150);
    shaper.restore();
    await lvClient.waitFor((es) => es.filter((e) => e.type === 'b-t-f').length >= 20, 15_000, '20 chats');
    await lvClient.waitFor(
      (es) =>
        Array.from({ length: 50 }, (_, u) => `UNIT-${u}`).every((uid) =>
          es.some((e) => e.uid === uid && e.point.lat === 56.4),
        ),
      15_000,
      'latest positions',
    );
    const chats = lvClient.events.filter((e) => e.type === 'b-t-f').map((e) => e.uid);
    expect(new Set(chats).size).toBe(chats.length);
    for (let i = 0; i < 20; i++) expect(chats).toContain(chatUid(`cut-${i}`));
  }, 40_000);

  it('a resend after a cut in mid-flight shows no chat twice', async () => {
    await Promise.all([waitLink(lv, 'ee'), waitLink(ee, 'lv')]);
    for (let i = 0; i < 30; i++) eeClient.send(chat(`mid-${i}`, `mid ${i}`));
    shaper.cutLink(); // some were written, none confirmed yet: all go again
    await waitLink(ee, 'lv', false);
    shaper.restore();
    await lvClient.waitFor(
      (es) => es.filter((e) => e.uid.includes('.mid-')).length >= 30,
      15_000,
      '30 chats',
    );
    await sleep(500);
    const mids = lvClient.events.filter((e) => e.uid.includes('.mid-')).map((e) => e.uid);
    expect(mids).toHaveLength(30);
  }, 30_000);

  it('on a narrow link the emergency and chat go before the backlog of positions', async () => {
    shaper.cutLink();
    await waitLink(ee, 'lv', false);
    shaper.opts = { kbps: 64, latencyMs: 50 };
    for (let u = 0; u < 300; u++) eeClient.send(position(`NARROW-${u}`));
    for (let i = 0; i < 3; i++) eeClient.send(chat(`narrow-${i}`, `narrow ${i}`));
    eeClient.send(emergency('EMERG-1'));
    await until(() => (ee.hub.state.get('EMERG-1') ? true : undefined), 'the emergency at EE');
    const before = lvClient.events.length;
    shaper.restore();
    await lvClient.waitUid('EMERG-1', 20_000);
    await lvClient.waitFor((es) => es.filter((e) => e.uid.includes('.narrow-')).length >= 3, 20_000, 'chats');
    const after = lvClient.events.slice(before);
    const at = (pred: (uid: string) => boolean) => after.findIndex((e) => pred(e.uid));
    const em = at((u) => u === 'EMERG-1');
    const lastChat = Math.max(...after.map((e, i) => (e.uid.includes('.narrow-') ? i : -1)));
    const firstPos = at((u) => u.startsWith('NARROW-'));
    expect(em).toBeGreaterThanOrEqual(0);
    expect(em).toBeLessThan(lastChat);
    if (firstPos >= 0) expect(lastChat).toBeLessThan(firstPos);
    shaper.opts = { latencyMs: 20 };
  }, 40_000);

  it('the queue survives a restart of the sending hub', async () => {
    shaper.cutLink();
    await waitLink(ee, 'lv', false);
    for (let i = 0; i < 5; i++) eeClient.send(chat(`restart-${i}`, `restart ${i}`));
    await until(() => (ee.federation!.links()[0]!.queued.chat >= 5 ? true : undefined), 'chats queued');
    eeClient.close();
    const dir = ee.dir;
    await ee.federation!.close(); // stop the links, keep the data directory
    await ee.close();
    ee = await startNationalHub(EE, {}, dir);
    shaper.targetPort = ee.federation!.port!;
    shaper.restore();
    await lvClient.waitFor(
      (es) => es.filter((e) => e.uid.includes('.restart-')).length >= 5,
      20_000,
      'restart chats',
    );
    eeClient = await CotClient.connect(ee.ports.tcp!);
  }, 60_000);
});
