/**
 * A hub without sockets for unit tests: readable encoders, a sink that records what it was handed, identities.
 * Used by src/hub/hub.test.ts, delivery.test.ts and src/store/latest.test.ts.
 */
import pino from 'pino';
import { Hub, type HubOptions } from '../../src/hub/hub.js';
import type { SessionInfo, SessionSink } from '../../src/hub/session.js';
import type { Event } from '../../src/model/event.js';
import type { Identity } from '../../src/model/identity.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { makeEvent } from './events.js';

/** Readable "type|uid|time;" bytes, so sinks can split what they got. */
export const enc = (e: Event) => Buffer.from(`${e.type}|${e.uid}|${e.time};`);

export function makeHub(
  queueLimit = 100,
  teamScoped = false,
  encoders: HubOptions['encoders'] = { 'cot-xml': enc, 'tak-stream': enc },
) {
  const metrics = createMetrics({ defaults: false });
  const hub = new Hub({
    hubId: 'test',
    log: pino({ level: 'silent' }),
    metrics,
    encoders,
    queueLimit,
    sessionsPerIdentity: 2,
    teamScoped,
    pictureWaitMs: 50,
    pong: (now) => makeEvent({ uid: 'pong', type: 't-x-c-t-r', time: now }),
  });
  return { hub, metrics };
}

export class Sink implements SessionSink {
  got: string[] = [];
  writes = 0;
  closed?: string;
  accept = true;
  expiredUids: string[] = [];
  write(chunks: Uint8Array[]) {
    this.writes++;
    for (const c of chunks) this.got.push(...Buffer.from(c).toString().split(';').filter(Boolean));
    return this.accept;
  }
  close(reason: string) {
    this.closed = reason;
  }
  expired(uids: string[]) {
    this.expiredUids.push(...uids);
  }
}

export function who(groups = ['g1'], extra: Partial<Identity> = {}): Identity {
  return { id: 'x', kind: 'anonymous', clearance: 'UNCLASSIFIED', categories: [], groups, ...extra };
}
export function info(identity = who()): SessionInfo {
  return { transport: 'tcp', protocol: 'cot-xml', identity, format: 'cot-xml' };
}
export const tick = () => new Promise((r) => setImmediate(r));

/** A client's own position report (contact endpoint) announcing its ATAK team. */
export const self = (uid: string, team: string) =>
  makeEvent({
    uid,
    detail: { contact: { callsign: uid, endpoint: '*:-1:stcp' }, group: { name: team, role: 'Team Member' } },
  });
