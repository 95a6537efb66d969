/** Start national hubs with federation on loopback and link them the way an admin would (federation add). */
import pino from 'pino';
import { CotClient, startTestApp, sleep, type TestApp } from '../helpers/app.js';
import { LinkShaper, type ShaperOptions } from '../helpers/link-shaper.js';
import { addFederate } from '../../src/federation/admin.js';
import { ensurePki } from '../../src/trust/pki/store.js';
import type { PeerConfig } from '../../src/federation/config.js';
import { join } from 'node:path';

export interface Nation {
  hubId: string;
  nation: string;
}

export const EE: Nation = { hubId: 'ee', nation: 'EST' };
export const LV: Nation = { hubId: 'lv', nation: 'LVA' };
export const LT: Nation = { hubId: 'lt', nation: 'LTU' };

/**
 * A hub whose plain TCP clients are `n`'s nationals, cleared SECRET; `dir` restarts a hub on its data directory
 * (its PKI, peers and link queues).
 */
export function startNationalHub(
  n: Nation,
  over: Record<string, unknown> = {},
  dir?: string,
): Promise<TestApp> {
  return startTestApp(
    {
      hubId: n.hubId,
      'federation.enabled': true,
      'federation.host': '127.0.0.1',
      'federation.port': 0,
      'federation.healthMs': 300,
      'federation.reconnectMinMs': 100,
      'federation.reconnectMaxMs': 500,
      'local.nation': n.nation,
      'local.clearance': 'SECRET',
      'trust.pki.hosts': ['127.0.0.1'],
      ...over,
    },
    dir,
  );
}

/** EE and LV federated (LV calls EE, through a link shaper when `shaping` is given), with a TCP client on each. */
export interface Pair {
  ee: TestApp;
  lv: TestApp;
  shaper: LinkShaper | undefined;
  eeClient: CotClient;
  lvClient: CotClient;
  stop(): Promise<void>;
}

export async function startPair(shaping?: ShaperOptions): Promise<Pair> {
  const ee = await startNationalHub(EE);
  const lv = await startNationalHub(LV);
  let shaper: LinkShaper | undefined;
  if (shaping) {
    shaper = new LinkShaper(ee.federation!.port!, shaping);
    await shaper.start();
  }
  await federate(ee, lv, shaper ? { port: shaper.port } : {});
  await Promise.all([waitLink(lv, 'ee'), waitLink(ee, 'lv')]);
  const pair: Pair = {
    ee,
    lv,
    shaper,
    eeClient: await CotClient.connect(ee.ports.tcp!),
    lvClient: await CotClient.connect(lv.ports.tcp!),
    async stop() {
      pair.eeClient.close();
      pair.lvClient.close();
      await pair.shaper?.close();
      await pair.lv.stop();
      await pair.ee.stop();
    },
  };
  return pair;
}

/**
 * `client` calls `server`: the server's admin runs `federation add <client>` (inbound, certificate written to a
 * directory), the client's admin points an outbound peer at the files. Extra settings per side.
 */
export async function federate(
  server: TestApp,
  client: TestApp,
  opts: {
    serverSide?: Partial<PeerConfig>;
    clientSide?: Partial<PeerConfig>;
    /** The port the client dials (a link shaper in between), default the server's federation port. */
    port?: number;
  } = {},
): Promise<void> {
  const out = join(server.dir, 'out', client.config.hubId);
  const pki = await ensurePki(server.dir, server.config.trust, pino({ level: 'silent' }));
  await addFederate(
    server.dir,
    {
      name: client.config.hubId,
      role: 'inbound',
      nations: [client.config.local.nation!],
      clearance: 'SECRET',
      ...opts.serverSide,
    },
    { pki, out },
  );
  pki.close();
  await addFederate(client.dir, {
    name: server.config.hubId,
    role: 'outbound',
    host: '127.0.0.1',
    port: opts.port ?? server.federation!.port!,
    nations: [server.config.local.nation!],
    clearance: 'SECRET',
    ca: join(out, 'ca.pem'),
    cert: join(out, `${client.config.hubId}.pem`),
    key: join(out, `${client.config.hubId}.key`),
    ...opts.clientSide,
  });
}

/** Wait until `app`'s link to `peer` is up (or down with `up` false). */
export async function waitLink(app: TestApp, peer: string, up = true, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const l = app.federation?.links().find((x) => x.name === peer);
    if (l && l.connected === up) return;
    if (Date.now() > end) throw new Error(`link ${app.config.hubId}->${peer} not ${up ? 'up' : 'down'}`);
    await sleep(50);
  }
}

/** A CoT position with a label given as CoT attributes. */
export function position(
  uid: string,
  attrs: { access?: string; releasableTo?: string } = {},
  lat = 56.9,
): string {
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  const a =
    (attrs.access ? ` access="${attrs.access}"` : '') +
    (attrs.releasableTo ? ` releasableTo="${attrs.releasableTo}"` : '');
  return (
    `<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="m-g" time="${iso(now)}" start="${iso(now)}" ` +
    `stale="${iso(now + 600_000)}"${a}><point lat="${lat}" lon="24.1" hae="10" ce="5" le="5"/>` +
    `<detail><contact callsign="${uid}"/><remarks>unit ${uid}</remarks><x-custom a="1"><y>keep me</y></x-custom></detail></event>`
  );
}

/** A GeoChat message to All Chat Rooms. */
export function chat(id: string, text: string): string {
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  const uid = `GeoChat.SENDER.All Chat Rooms.${id}`;
  return (
    `<event version="2.0" uid="${uid}" type="b-t-f" how="h-g-i-g-o" time="${iso(now)}" start="${iso(now)}" ` +
    `stale="${iso(now + 86_400_000)}"><point lat="0" lon="0" hae="9999999" ce="9999999" le="9999999"/>` +
    `<detail><__chat parent="RootContactGroup" groupOwner="false" chatroom="All Chat Rooms" id="All Chat Rooms" ` +
    `senderCallsign="S"><chatgrp uid0="SENDER" uid1="All Chat Rooms" id="All Chat Rooms"/></__chat>` +
    `<link uid="SENDER" type="a-f-G-U-C" relation="p-p"/><remarks source="BAO.F.ATAK.SENDER" time="${iso(now)}">${text}</remarks></detail></event>`
  );
}
