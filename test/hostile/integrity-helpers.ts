/**
 * The hostile-client suite's common ground: the whole app on ephemeral ports with TLS 8089, the Marti API (8443)
 * and a short audit window; client certificates for a few nations; raw TAK clients over TLS or plain TCP that
 * speak CoT XML as ATAK does (self-reports, markers, deletes, direct chat).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { connect } from 'node:tls';
import pino from 'pino';
import { CotFramer, decodeCot } from '../../src/codecs/cot/index.js';
import type { Event } from '../../src/model/event.js';
import { ensurePki } from '../../src/trust/pki/store.js';
import type { Classification } from '../../src/model/label.js';
import { startTestApp, TLS_AND_API, type TestApp } from '../helpers/app.js';

export const iso = (ms: number) => new Date(ms).toISOString();

/** The app with TLS, the Marti API and enrollment on, audit denials/refusals written every 100 ms. */
export function startHostileApp(over: Record<string, unknown> = {}): Promise<TestApp> {
  return startTestApp({ ...TLS_AND_API, 'trust.audit.denyWindowMs': 100, ...over });
}

export interface Cert {
  id: string;
  cert: string;
  key: string;
  ca: string;
}

/** Issue client certificates from the app's own CA. */
export async function issue(
  app: TestApp,
  specs: { id: string; nation: string; clearance: Classification; groups?: string[] }[],
): Promise<Record<string, Cert>> {
  const pki = await ensurePki(app.dir, app.config.trust, pino({ level: 'silent' }));
  const ca = readFileSync(join(app.dir, 'pki', 'ca.pem'), 'utf8');
  const out: Record<string, Cert> = {};
  try {
    for (const s of specs) {
      const c = await pki.issueClient({
        id: s.id,
        kind: 'user',
        nation: s.nation,
        clearance: s.clearance,
        categories: [],
        groups: s.groups ?? ['__ANON__'],
      });
      out[s.id] = { id: s.id, cert: c.cert, key: c.key, ca };
    }
  } finally {
    pki.close();
  }
  return out;
}

/** A TAK client over TLS (with a certificate) or plain TCP: collects every event it receives. */
export class Tak {
  readonly events: Event[] = [];
  closed = false;
  private readonly framer = new CotFramer({ maxEventBytes: 4 << 20 });

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.framer.push(chunk)) if (!(f instanceof Error)) this.events.push(decodeCot(f));
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static tls(port: number, c: Cert): Promise<Tak> {
    return new Promise((resolve, reject) => {
      const s = connect(
        { host: '127.0.0.1', port, servername: 'localhost', ca: c.ca, cert: c.cert, key: c.key },
        () => resolve(new Tak(s)),
      );
      s.once('error', reject);
    });
  }

  static tcp(port: number): Promise<Tak> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Tak(s)));
      s.once('error', reject);
    });
  }

  send(xml: string): void {
    this.socket.write(xml);
  }

  /** Events of `uid` received so far. */
  of(uid: string): Event[] {
    return this.events.filter((e) => e.uid === uid);
  }

  /** Refusals (t-x-c-n) received, as [code, ref]. */
  refusals(): [string, string][] {
    return this.events
      .filter((e) => e.type === 't-x-c-n')
      .map((e) => {
        const xml = e.detail.elements.find((x) => x.name === 'bwRefusal')?.xml ?? '';
        return [/code="([^"]+)"/.exec(xml)?.[1] ?? '', /ref="([^"]+)"/.exec(xml)?.[1] ?? ''];
      });
  }

  async until(pred: () => boolean, what: string, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what}; got ${this.events.map((e) => e.type + ':' + e.uid)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** An ATAK self-report (position with contact endpoint and takv). */
export function selfReport(
  uid: string,
  callsign: string,
  o: { attrs?: string; staleS?: number } = {},
): string {
  const now = Date.now();
  return (
    `<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="m-g" time="${iso(now)}" start="${iso(now)}" ` +
    `stale="${iso(now + (o.staleS ?? 600) * 1000)}"${o.attrs ?? ''}><point lat="54.6" lon="25.2" hae="10" ce="5" le="5"/>` +
    `<detail><takv os="29" version="4.10" device="Phone" platform="ATAK-CIV"/>` +
    `<contact endpoint="*:-1:stcp" callsign="${callsign}"/><__group role="Team Member" name="Cyan"/></detail></event>`
  );
}

/** An ATAK spot marker, optionally with label attributes (`attrs`, e.g. ` releasableTo="LTU"`). */
export function marker(
  uid: string,
  callsign: string,
  o: { attrs?: string; lat?: number; staleS?: number } = {},
) {
  const now = Date.now();
  return (
    `<event version="2.0" uid="${uid}" type="b-m-p-s-m" how="h-g-i-g-o" time="${iso(now)}" start="${iso(now)}" ` +
    `stale="${iso(now + (o.staleS ?? 600) * 1000)}"${o.attrs ?? ''}><point lat="${o.lat ?? 54.7}" lon="25.3" hae="0" ce="9" le="9"/>` +
    `<detail><contact callsign="${callsign}"/><link uid="ANDROID-x" relation="p-p" type="a-f-G-U-C"/></detail></event>`
  );
}

/** An ATAK delete (t-x-d-d) of `target`. */
export function deletion(target: string): string {
  const now = Date.now();
  return (
    `<event version="2.0" uid="del-${target}-${now}" type="t-x-d-d" how="h-g-i-g-o" time="${iso(now)}" ` +
    `start="${iso(now)}" stale="${iso(now + 20_000)}"><point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/>` +
    `<detail><link uid="${target}" relation="none" type="none"/><__forcedelete/></detail></event>`
  );
}

/** An ATAK direct GeoChat to `to` (uid and callsign), addressed by marti dest `by` (uid or callsign). */
export function directChat(
  from: { uid: string; callsign: string },
  to: { uid: string; callsign: string },
  text: string,
  by: 'uid' | 'callsign',
): string {
  const now = Date.now();
  const dest = by === 'uid' ? `<dest uid="${to.uid}"/>` : `<dest callsign="${to.callsign}"/>`;
  return (
    `<event version="2.0" uid="GeoChat.${from.uid}.${to.uid}.${text}" type="b-t-f" how="h-g-i-g-o" time="${iso(now)}" ` +
    `start="${iso(now)}" stale="${iso(now + 86_400_000)}"><point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/>` +
    `<detail><__chat parent="RootContactGroup" groupOwner="false" chatroom="${to.callsign}" id="${to.uid}" ` +
    `senderCallsign="${from.callsign}"><chatgrp uid0="${from.uid}" uid1="${to.uid}" id="${to.uid}"/></__chat>` +
    `<link uid="${from.uid}" type="a-f-G-U-C" relation="p-p"/><remarks source="BAO.F.ATAK.${from.uid}" ` +
    `to="${to.uid}" time="${iso(now)}">${text}</remarks><marti>${dest}</marti></detail></event>`
  );
}

/** Audit rows of one kind, read from the app's store. */
export function auditRows(app: TestApp, kind: string): { actor: string; ref: string; rule: string }[] {
  return app.store.db
    .prepare('SELECT actor, ref, rule FROM trust_audit WHERE kind = ? ORDER BY id')
    .all(kind) as { actor: string; ref: string; rule: string }[];
}

/** Certificates two LTU users, an LVA user and one more (`fourth`) hold in the ownership and binding suites. */
export const COALITION: { id: string; nation: string; clearance: Classification }[] = [
  { id: 'ltu1', nation: 'LTU', clearance: 'SECRET' },
  { id: 'ltu2', nation: 'LTU', clearance: 'SECRET' },
  { id: 'lva1', nation: 'LVA', clearance: 'RESTRICTED' },
];

/** Issue `specs` and connect a TLS client for each of the first `connected` (3 or 4) of them. */
export async function connectCoalition<N extends 3 | 4>(
  app: TestApp,
  specs: { id: string; nation: string; clearance: Classification }[],
  connected: N,
): Promise<{ certs: Record<string, Cert>; tak: N extends 3 ? [Tak, Tak, Tak] : [Tak, Tak, Tak, Tak] }> {
  const certs = await issue(app, specs);
  const tak: Tak[] = [];
  for (const s of specs.slice(0, connected)) tak.push(await Tak.tls(app.ports.tls!, certs[s.id]!));
  return { certs, tak: tak as N extends 3 ? [Tak, Tak, Tak] : [Tak, Tak, Tak, Tak] };
}
