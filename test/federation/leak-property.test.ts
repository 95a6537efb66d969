/**
 * Property: whatever the labels, groups and peers, a federation link queues only what the egress gate releases to
 * that peer (0 leaks), and everything it releases (0 losses). Real hub, real link, in-memory queue.
 */
import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { makeHub, Sink, info, who } from '../helpers/hub.js';
import { makeEvent } from '../helpers/events.js';
import { Link, peerIdentity } from '../../src/federation/link.js';
import { QueueDb } from '../../src/federation/queue.js';
import { encodeRecord, readRecord } from '../../src/federation/record.js';
import { createFedMetrics } from '../../src/federation/metrics.js';
import { peerConfig } from '../../src/federation/config.js';
import { labelPermits, normalizeLabel, RELEASABLE_TO, type Label } from '../../src/model/label.js';
import { CLASSIFICATIONS } from '../../src/model/label.js';

const NATIONS = ['LTU', 'LVA', 'EST', 'POL', 'DEU'];
const GROUPS = ['Blue', 'Red', '__ANON__'];

const label = fc
  .record({
    classification: fc.constantFrom(...CLASSIFICATIONS),
    rel: fc.option(fc.subarray(NATIONS, { minLength: 1 }), { nil: undefined }),
    restrictive: fc.option(fc.subarray(['NATO', 'EU'], { minLength: 1 }), { nil: undefined }),
  })
  .map((l): Label =>
    normalizeLabel({
      policy: 'NATO',
      classification: l.classification,
      categories: [
        ...(l.rel ? [{ tag: RELEASABLE_TO, type: 'PERMISSIVE' as const, values: l.rel }] : []),
        ...(l.restrictive ? [{ tag: 'Mission', type: 'RESTRICTIVE' as const, values: l.restrictive }] : []),
      ],
    }),
  );

const peer = fc.record({
  nations: fc.subarray(NATIONS, { minLength: 1, maxLength: 2 }),
  clearance: fc.constantFrom(...CLASSIFICATIONS),
  categories: fc.subarray(['NATO', 'EU']),
  groups: fc.subarray(GROUPS, { minLength: 1 }),
});

describe('federation link: 0 leaks, 0 losses', () => {
  it('queues exactly what the gate releases to the peer', () => {
    fc.assert(
      fc.property(
        peer,
        fc.array(fc.record({ label, group: fc.constantFrom(...GROUPS) }), { minLength: 1, maxLength: 30 }),
        (p, events) => {
          const { hub, metrics } = makeHub(10_000);
          hub.registerFormat('fig', encodeRecord);
          const db = new QueueDb(':memory:');
          const cfg = peerConfig.parse({
            name: 'peer',
            nations: p.nations,
            clearance: p.clearance,
            categories: p.categories,
            groupsOut: Object.fromEntries(p.groups.map((g) => [g, g])),
          });
          const link = new Link(cfg, db.queue('peer', 100_000), {
            hub,
            hubId: 'test',
            log: pino({ level: 'silent' }),
            m: createFedMetrics(metrics.registry),
          });
          link.open();
          const senders = new Map(GROUPS.map((g) => [g, hub.open(new Sink(), info(who([g])))]));
          events.forEach((e, i) =>
            hub.ingest(senders.get(e.group)!, makeEvent({ uid: `E${i}`, type: 'b-t-f', label: e.label })),
          );
          hub.flushNow();
          link.flushIncoming();
          const queued = new Set(link.queue.peek(100_000).map((r) => readRecord(r.body).head.uid));
          const id = peerIdentity(cfg);
          events.forEach((e, i) => {
            const released = p.groups.includes(e.group) && labelPermits(e.label, id).ok;
            expect(queued.has(`E${i}`)).toBe(released);
          });
          link.close();
          void db.close();
          metrics.stop();
        },
      ),
      { numRuns: 200 },
    );
  });
});
