/**
 * Issue 3: over a live hub with clients of several nations and clearances, no client ever receives an event it may
 * not see — checked on the bytes each client actually receives (the label is read back from the wire), and every
 * event a client may see does arrive (so the check is not vacuous). Labels come from the senders (CoT attributes)
 * and from the ingress defaults per nation.
 */
import { fixture } from '../fixtures/cot/fixtures.js';
import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { decodeCot } from '../../src/codecs/cot/decode.js';
import { encodeCotStream } from '../../src/codecs/cot/encode.js';
import { buildPong } from '../../src/codecs/cot/negotiation.js';
import { Hub } from '../../src/hub/hub.js';
import type { SessionSink } from '../../src/hub/session.js';
import type { Event } from '../../src/model/event.js';
import type { Identity } from '../../src/model/identity.js';
import { DEFAULT_LABEL, type Classification, type Label } from '../../src/model/label.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { createIngressPolicy, ownLabel } from '../../src/trust/ingress.js';
import { testConfig } from './helpers.js';

const LEVELS: Classification[] = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'];
const NATIONS = ['LTU', 'LVA', 'EST', 'DEU', 'POL'];
const pli = fixture('atak-position-anonymised.xml').toString('utf8');

/** Plain oracle: clearance dominates, nation in every permissive list, all restrictive values held. */
function maySee(l: Label, who: Identity): boolean {
  if (LEVELS.indexOf(who.clearance) < LEVELS.indexOf(l.classification)) return false;
  for (const c of l.categories) {
    if (c.type === 'PERMISSIVE' && !c.values.some((v) => v === who.nation || who.categories.includes(v)))
      return false;
    if (c.type === 'RESTRICTIVE' && !c.values.every((v) => who.categories.includes(v))) return false;
  }
  return true;
}

class Sink implements SessionSink {
  buf = '';
  write(chunks: Uint8Array[]) {
    for (const c of chunks) this.buf += Buffer.from(c).toString('utf8');
    return true;
  }
  close() {}
  events(): Event[] {
    return this.buf
      .split('</event>')
      .filter((s) => s.includes('<event'))
      .map((s) => decodeCot(s.slice(s.indexOf('<event')) + '</event>'));
  }
}

const cfg = testConfig({
  labels: {
    rules: [
      { match: { nation: 'LTU' }, default: { classification: 'RESTRICTED', releasableTo: ['LTU', 'DEU'] } },
      {
        match: { nation: 'POL' },
        default: { classification: 'CONFIDENTIAL', releasableTo: ['POL', 'LTU', 'LVA', 'EST'] },
      },
    ],
  },
});

const clients: Identity[] = [];
for (const nation of NATIONS)
  for (const clearance of ['RESTRICTED', 'CONFIDENTIAL', 'SECRET'] as const)
    clients.push({
      id: `${nation}-${clearance}`,
      kind: 'user',
      nation,
      clearance,
      categories: nation === 'DEU' ? ['EU'] : [],
      groups: ['Blue'],
    });

const sent = fc.record({
  from: fc.nat({ max: clients.length - 1 }),
  access: fc.option(fc.constantFrom(...LEVELS.map((l) => `NATO ${l}`)), { nil: undefined }),
  rel: fc.option(fc.uniqueArray(fc.constantFrom(...NATIONS, 'EU'), { minLength: 1, maxLength: 3 }), {
    nil: undefined,
  }),
});

const tick = () => new Promise((r) => setImmediate(r));

describe('live hub: releasability over the wire', { timeout: 90_000 }, () => {
  it('no client receives what it may not see; every client receives what it may', async () => {
    let totalDelivered = 0;
    let totalRejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(sent, { minLength: 5, maxLength: 25 }), async (batch) => {
        const hub = new Hub({
          hubId: 'live',
          log: pino({ level: 'silent' }),
          metrics: createMetrics({ defaults: false }),
          encoders: { 'cot-xml': encodeCotStream },
          queueLimit: 4096,
          sessionsPerIdentity: 3,
          pong: buildPong,
        });
        hub.setIngressPolicy(createIngressPolicy(cfg, pino({ level: 'silent' })));
        const sinks = clients.map(() => new Sink());
        const sessions = clients.map((identity, i) =>
          hub.open(sinks[i]!, { transport: 'tls', protocol: 'cot-xml', identity, format: 'cot-xml' }),
        );
        const accepted: { uid: string; from: number; label: Label }[] = [];
        batch.forEach((m, k) => {
          const uid = `ev-${k}`;
          let attrs = '';
          if (m.access) attrs += ` access="${m.access}"`;
          if (m.rel) attrs += ` releasableTo="${m.rel.join(',')}"`;
          const e = decodeCot(
            pli.replace(/uid=(['"])[^'"]*\1/, `uid="${uid}"`).replace('<event ', `<event${attrs} `),
          );
          const now = Date.now();
          Object.assign(e, { time: now, start: now, stale: now + 600_000 });
          const r = hub.ingest(sessions[m.from]!, e);
          if (r.ok) accepted.push({ uid, from: m.from, label: hub.state.get(uid)!.event.label });
          else totalRejected++;
        });
        await tick();
        await tick();
        clients.forEach((who, i) => {
          const got = sinks[i]!.events();
          for (const e of got) {
            // The label as the recipient reads it off the wire; none means unclassified, releasable to all.
            const wire = ownLabel(e) ?? DEFAULT_LABEL;
            expect(maySee(wire, who), `${e.uid} (${JSON.stringify(wire)}) leaked to ${who.id}`).toBe(true);
          }
          const want = accepted.filter((a) => a.from !== i && maySee(a.label, who)).map((a) => a.uid);
          expect(got.map((e) => e.uid).sort()).toEqual(want.sort());
          totalDelivered += got.length;
        });
        // A late joiner gets the picture through the gate too.
        const late = new Sink();
        const lateWho: Identity = {
          id: 'late',
          kind: 'user',
          nation: 'LVA',
          clearance: 'RESTRICTED',
          categories: [],
          groups: ['Blue'],
        };
        hub.open(late, { transport: 'tls', protocol: 'cot-xml', identity: lateWho, format: 'cot-xml' });
        await tick();
        const lateGot = late
          .events()
          .map((e) => e.uid)
          .sort();
        expect(lateGot).toEqual(
          accepted
            .filter((a) => maySee(a.label, lateWho))
            .map((a) => a.uid)
            .sort(),
        );
        for (const e of hub.picture(lateWho, 'rest')) expect(maySee(e.label, lateWho)).toBe(true);
      }),
      { numRuns: 40 },
    );
    expect(totalDelivered).toBeGreaterThan(100);
    expect(totalRejected).toBeGreaterThan(0);
  });
});
