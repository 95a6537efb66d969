/** The fig codec: round trips that keep the CoT detail lossless, and fuzzed bytes that only ever fail cleanly. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCot, encodeCot } from '../cot/index.js';
import { CodecError } from '../../errors.js';
import {
  decodeFederatedEvent,
  decodeFederateGroups,
  decodeSubscription,
  encodeEnvelopeTail,
  encodeFederatedEvent,
  encodeFederateGroups,
  encodeGeoField,
  encodeSubscription,
  eventToGeo,
  geoToEvent,
} from './index.js';

const XML =
  '<event version="2.0" uid="ANDROID-1" type="a-f-G-U-C" how="m-g" time="2026-12-07T10:00:00.000Z" ' +
  'start="2026-12-07T10:00:00.000Z" stale="2026-12-07T10:05:00.000Z" access="NATO RESTRICTED" ' +
  'releasableTo="LTU,EST" qos="5-r-c" opex="e-demo"><point lat="54.6872" lon="25.2797" hae="112.5" ce="4.5" le="9999999"/>' +
  '<detail><contact callsign="VILKAS" endpoint="*:-1:stcp"/><__group name="Cyan" role="Team Member"/>' +
  '<track speed="12.5" course="270.25"/><status battery="88"/><remarks>a &amp; b</remarks>' +
  '<_flow-tags_ TAK-Server-ee="2026-12-07T10:00:00.100Z"/></detail></event>';

describe('fig codec', () => {
  it('keeps an event lossless through GeoEvent, FederatedEvent bytes and back', () => {
    const e = decodeCot(XML);
    const bytes = encodeFederatedEvent({
      event: eventToGeo(e),
      federateGroups: ['Blue'],
      federateProvenance: [{ federationServerId: 'ee', federationServerName: 'ee' }],
      federateHops: { maxHops: 3, currentHops: 1 },
    });
    const back = decodeFederatedEvent(bytes);
    expect(back.federateGroups).toEqual(['Blue']);
    expect(back.federateProvenance[0]!.federationServerId).toBe('ee');
    expect(back.federateHops).toEqual({ maxHops: 3, currentHops: 1 });
    expect(back.event!.speed).toBe(12.5);
    expect(back.event!.other).not.toContain('<track');
    const e2 = geoToEvent(back.event!);
    // The detail comes back with the same elements; the plain track was moved to the end.
    const sorted = (x: typeof e) => x.detail.elements.map((el) => el.xml).sort();
    expect(sorted(e2)).toEqual(sorted(e));
    expect(encodeCot({ ...e2, detail: e.detail })).toBe(encodeCot(e));
  });

  it('makes a whole FederatedEvent from the shared event part plus a per-link tail', () => {
    const g = eventToGeo(decodeCot(XML));
    const joined = Buffer.concat([
      encodeGeoField(g),
      encodeEnvelopeTail({ federateGroups: ['A'], federateProvenance: [] }),
    ]);
    expect(Buffer.from(joined)).toEqual(
      Buffer.from(encodeFederatedEvent({ event: g, federateGroups: ['A'], federateProvenance: [] })),
    );
  });

  it('round-trips FederateGroups and Subscription', () => {
    const g = decodeFederateGroups(
      encodeFederateGroups({ streamUpdate: 1, federateGroups: ['x', 'y'], federateProvenance: [] }),
    );
    expect(g.streamUpdate).toBe(1);
    expect(g.federateGroups).toEqual(['x', 'y']);
    const s = decodeSubscription(
      encodeSubscription({
        identity: { name: 'lv', uid: 'u', description: '', type: 3, serverId: 'lv-hub' },
        filter: '',
        version: { major: 5, minor: 4, patch: 0, branch: '', variant: '' },
      }),
    );
    expect(s.identity!.serverId).toBe('lv-hub');
    expect(s.version!.major).toBe(5);
  });

  it('refuses a GeoEvent without uid, with bad times or a non-detail other', () => {
    const g = eventToGeo(decodeCot(XML));
    expect(() => geoToEvent({ ...g, uid: '' })).toThrow(CodecError);
    expect(() => geoToEvent({ ...g, staleTime: 1 })).toThrow(/stale|time/);
    expect(() => geoToEvent({ ...g, other: '<foo/>' })).toThrow(CodecError);
    expect(() => geoToEvent({ ...g, lat: 91 })).toThrow(CodecError);
  });

  it('fails only with CodecError on random and mutated bytes', () => {
    const good = encodeFederatedEvent({
      event: eventToGeo(decodeCot(XML)),
      federateGroups: ['Blue'],
      federateProvenance: [],
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
            const c = Uint8Array.from(good);
            c[i] = b;
            return c;
          }),
          fc.nat(good.length).map((n) => good.subarray(0, n)),
        ),
        (bytes) => {
          try {
            const m = decodeFederatedEvent(bytes);
            if (m.event) geoToEvent(m.event);
          } catch (e) {
            expect(e).toBeInstanceOf(CodecError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
