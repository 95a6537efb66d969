/** Labelling at ingress: defaults per source, own labels from attributes or a 4774 element, floors and ceilings. */
import { fixture } from '../fixtures/cot/fixtures.js';
import { describe, expect, it } from 'vitest';
import { decodeCot } from '../../src/codecs/cot/decode.js';
import { encodeCot } from '../../src/codecs/cot/encode.js';
import type { Event } from '../../src/model/event.js';
import type { Identity } from '../../src/model/identity.js';
import { labelToXml } from '../../src/model/label-xml.js';
import type { AuditFields, AuditKind } from '../../src/trust/audit-types.js';
import { decodeTakMessage, encodeTakMessage } from '../../src/codecs/takproto/index.js';
import { createIngressPolicy, ownLabel } from '../../src/trust/ingress.js';
import { silent, testConfig } from './helpers.js';

const pli = fixture('atak-position-anonymised.xml').toString('utf8');
const ev = (attrs = '', detail = ''): Event => {
  let x = pli.replace('<event ', `<event ${attrs} `);
  if (detail) x = x.replace('<detail>', `<detail>${detail}`);
  return decodeCot(x);
};
const who = (nation: string, clearance: Identity['clearance'], id = 'u1'): Identity => ({
  id,
  kind: 'user',
  nation,
  clearance,
  categories: [],
  groups: ['Blue'],
});
const tls = (identity: Identity) => ({ identity, info: { transport: 'tls' } });

const cfg = testConfig({
  labels: {
    rules: [
      { match: { nation: 'LTU' }, default: { classification: 'RESTRICTED', releasableTo: ['LTU', 'DEU'] } },
      {
        match: { nation: 'LTU', source: 'mavlink' },
        default: { classification: 'CONFIDENTIAL', releasableTo: ['LTU'] },
        ceiling: 'CONFIDENTIAL',
      },
      { match: { transport: 'tcp' }, default: {}, ceiling: 'RESTRICTED' },
    ],
  },
});

describe('ingress policy', () => {
  const audits: { kind: AuditKind; f: AuditFields }[] = [];
  const policy = createIngressPolicy(cfg, silent, { record: (kind, f) => audits.push({ kind, f }) });

  it('passes an unlabelled event from a source whose default is unclassified untouched (same object)', () => {
    const e = ev();
    const r = policy(e, tls(who('POL', 'SECRET')));
    expect(r).toEqual({ ok: true, event: e });
    if (r.ok) expect(r.event).toBe(e);
  });

  it('gives an unlabelled LTU event the LTU default and mirrors it on the wire', () => {
    const r = policy(ev(), tls(who('LTU', 'SECRET')));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.label).toEqual({
      policy: 'NATO',
      classification: 'RESTRICTED',
      categories: [{ tag: 'Releasable to', type: 'PERMISSIVE', values: ['DEU', 'LTU'] }],
    });
    const xml = encodeCot(r.event).toString();
    expect(xml).toContain('access="NATO RESTRICTED"');
    expect(xml).toContain('releasableTo="DEU,LTU"');
    expect(xml).toContain('<originatorConfidentialityLabel xmlns="urn:nato:stanag:4774');
    // Re-ingesting what we wrote keeps the label and does not change the event (same object).
    const again = decodeCot(xml);
    const r2 = policy(again, tls(who('LTU', 'SECRET')));
    expect(r2.ok && r2.event).toBe(again);
    expect(again.label).toEqual(r.event.label);
  });

  it('the label survives the TAK protocol (protobuf) too', () => {
    const r = policy(ev(), tls(who('LTU', 'SECRET')));
    if (!r.ok) throw new Error(r.reason);
    const back = decodeTakMessage(encodeTakMessage({ event: r.event })).event!;
    expect(ownLabel(back)).toEqual(r.event.label);
    expect(back.access).toBe('NATO RESTRICTED');
  });

  it('uses the most specific rule (nation + source) and its ceiling', () => {
    const e = ev();
    e.origin = { protocol: 'mavlink' };
    const r = policy(e, tls(who('LTU', 'SECRET')));
    expect(r.ok && r.event.label.classification).toBe('CONFIDENTIAL');
    const s = ev('access="NATO SECRET" releasableTo="LTU"');
    s.origin = { protocol: 'mavlink' };
    const r2 = policy(s, tls(who('LTU', 'SECRET')));
    expect(r2).toMatchObject({ ok: false, code: 'BW_LABEL_ABOVE_CEILING' });
  });

  it('accepts a more restrictive own label, rejects a less restrictive one with a reason', () => {
    const ok = policy(ev('access="NATO SECRET" releasableTo="LTU"'), tls(who('LTU', 'SECRET')));
    expect(ok.ok && ok.event.label.classification).toBe('SECRET');
    const wider = policy(
      ev('access="NATO RESTRICTED" releasableTo="LTU,DEU,POL"'),
      tls(who('LTU', 'SECRET')),
    );
    expect(!wider.ok && wider.code).toBe('BW_LABEL_BELOW_FLOOR');
    const lower = policy(ev('access="NATO UNCLASSIFIED"'), tls(who('LTU', 'SECRET', 'rimas')));
    expect(!lower.ok && lower.code).toBe('BW_LABEL_BELOW_FLOOR');
    expect(
      audits.some(
        (a) => a.kind === 'ingress-reject' && a.f.actor === 'rimas' && a.f.rule === 'BW_LABEL_BELOW_FLOOR',
      ),
    ).toBe(true);
  });

  it('completes a partial label from the source default (free-text caveat, access without releasableTo)', () => {
    const caveat = policy(ev('access="Undefined" caveat="FOUO"'), tls(who('LTU', 'SECRET')));
    expect(caveat.ok && caveat.event.label).toEqual({
      policy: 'NATO',
      classification: 'RESTRICTED',
      categories: [
        { tag: 'Caveat', type: 'INFORMATIVE', values: ['FOUO'] },
        { tag: 'Releasable to', type: 'PERMISSIVE', values: ['DEU', 'LTU'] },
      ],
    });
    const secret = policy(ev('access="NATO SECRET"'), tls(who('LTU', 'SECRET')));
    expect(secret.ok && secret.event.label).toMatchObject({
      classification: 'SECRET',
      categories: [{ tag: 'Releasable to', values: ['DEU', 'LTU'] }],
    });
    expect(secret.ok && secret.event.releasableTo).toBe('DEU,LTU');
  });

  it('never lets a sender publish above its own clearance', () => {
    const r = policy(ev('access="NATO SECRET"'), tls(who('POL', 'RESTRICTED')));
    expect(!r.ok && r.code).toBe('BW_LABEL_ABOVE_CEILING');
    const tcp = policy(ev('access="NATO CONFIDENTIAL"'), {
      identity: who('POL', 'SECRET'),
      info: { transport: 'tcp' },
    });
    expect(!tcp.ok && tcp.code).toBe('BW_LABEL_ABOVE_CEILING');
  });

  it('reads a 4774 element (authoritative over attributes) and national markings', () => {
    const el = labelToXml({
      policy: 'NATO',
      classification: 'CONFIDENTIAL',
      categories: [{ tag: 'Releasable to', type: 'PERMISSIVE', values: ['LTU'] }],
    });
    const r = policy(ev('access="Undefined"', el), tls(who('LTU', 'SECRET')));
    expect(r.ok && r.event.label.classification).toBe('CONFIDENTIAL');
    expect(r.ok && r.event.access).toBe('NATO CONFIDENTIAL');
    const national = policy(ev('access="KONFIDENCIALIAI" releasableTo="LTU"'), tls(who('LTU', 'SECRET')));
    expect(national.ok && national.event.label.classification).toBe('CONFIDENTIAL');
  });

  it('rejects label XML that does not parse and unknown classifications, with stable reasons', () => {
    // The CoT codec already refuses XML that does not parse; an element handed over by another codec is re-checked.
    const e = ev();
    e.detail = {
      ...e.detail,
      elements: [
        ...e.detail.elements,
        { name: 'originatorConfidentialityLabel', xml: '<originatorConfidentialityLabel><Classification>' },
      ],
    };
    const bad = policy(e, tls(who('POL', 'SECRET')));
    expect(!bad.ok && bad.code).toBe('BW_LABEL_MALFORMED');
    const broken = policy(
      ev(
        '',
        '<originatorConfidentialityLabel><ConfidentialityInformation/></originatorConfidentialityLabel>',
      ),
      tls(who('POL', 'SECRET')),
    );
    expect(!broken.ok && broken.code).toBe('BW_LABEL_MALFORMED');
    const unknown = policy(ev('access="EXTREMELY SECRET"'), tls(who('POL', 'SECRET')));
    expect(!unknown.ok && unknown.code).toBe('BW_LABEL_UNKNOWN_CLASSIFICATION');
    const eu = policy(
      ev('', labelToXml({ policy: 'EU', classification: 'SECRET', categories: [] })),
      tls(who('POL', 'SECRET')),
    );
    expect(!eu.ok && eu.code).toBe('BW_LABEL_POLICY');
    // A good event from the same sender still passes.
    expect(policy(ev('access="NATO RESTRICTED"'), tls(who('POL', 'SECRET'))).ok).toBe(true);
  });
});
