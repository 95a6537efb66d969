import { describe, expect, it } from 'vitest';
import {
  LabelError,
  labelFromCot,
  labelFromXml,
  labelToCot,
  labelToXml,
  parseClassification,
} from '../../src/model/label-xml.js';
import { describeLabel, labelAtLeast, type Label } from '../../src/model/label.js';

const rel = (...v: string[]) => ({ tag: 'Releasable to', type: 'PERMISSIVE' as const, values: v });
const L = (classification: Label['classification'], ...categories: Label['categories']): Label => ({
  policy: 'NATO',
  classification,
  categories,
});

describe('STANAG 4774 XML', () => {
  it('reads the prefixed form from the reference notes', () => {
    const xml =
      '<slab:originatorConfidentialityLabel xmlns:slab="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0">' +
      '<slab:ConfidentialityInformation><slab:PolicyIdentifier>NATO</slab:PolicyIdentifier>' +
      '<slab:Classification>NATO RESTRICTED</slab:Classification><slab:Category TagName="Releasable to" Type="PERMISSIVE">' +
      '<slab:GenericValue>EST</slab:GenericValue><slab:GenericValue>LVA</slab:GenericValue><slab:GenericValue>LTU' +
      '</slab:GenericValue></slab:Category></slab:ConfidentialityInformation>' +
      '<slab:CreationDateTime>2026-11-27T10:00:00Z</slab:CreationDateTime></slab:originatorConfidentialityLabel>';
    expect(labelFromXml(xml)).toEqual(L('RESTRICTED', rel('EST', 'LTU', 'LVA')));
  });

  it('round-trips every category type', () => {
    const label = L(
      'SECRET',
      rel('DEU', 'LTU'),
      { tag: 'Mission', type: 'RESTRICTIVE', values: ['A&B', 'C<D'] },
      { tag: 'Note', type: 'INFORMATIVE', values: ['x'] },
    );
    const xml = labelToXml(label, Date.UTC(2026, 10, 27));
    expect(xml).toContain('<Classification>NATO SECRET</Classification>');
    expect(labelFromXml(xml)).toEqual(labelFromXml(labelToXml(labelFromXml(xml))));
    expect(labelFromXml(xml).categories).toHaveLength(3);
    expect(labelFromXml(xml).categories[0]?.values).toEqual(['A&B', 'C<D']);
    expect(labelFromXml(labelToXml(L('TOP SECRET'))).classification).toBe('TOP SECRET');
  });

  it('rejects XML that does not parse, DOCTYPE, unknown classification, missing parts', () => {
    const bad = [
      '<originatorConfidentialityLabel><ConfidentialityInformation>',
      '<!DOCTYPE x [<!ENTITY a "b">]><originatorConfidentialityLabel/>',
      '<other/>',
      '<originatorConfidentialityLabel><ConfidentialityInformation><PolicyIdentifier>NATO</PolicyIdentifier></ConfidentialityInformation></originatorConfidentialityLabel>',
      '<originatorConfidentialityLabel><ConfidentialityInformation><PolicyIdentifier>NATO</PolicyIdentifier><Classification>NATO SECRET</Classification><Category Type="PERMISSIVE"/></ConfidentialityInformation></originatorConfidentialityLabel>',
    ];
    for (const x of bad) {
      expect(() => labelFromXml(x)).toThrow(LabelError);
      try {
        labelFromXml(x);
      } catch (e) {
        expect((e as LabelError).labelCode).toBe('BW_LABEL_MALFORMED');
      }
    }
    const unknown = labelToXml(L('SECRET')).replace('NATO SECRET', 'ULTRA');
    expect(() => labelFromXml(unknown)).toThrow(/unknown classification/);
  });
});

describe('CoT attributes', () => {
  it('maps access/releasableTo/caveat both ways', () => {
    const label = L('RESTRICTED', rel('LTU', 'DEU'), { tag: 'Mission', type: 'RESTRICTIVE', values: ['A'] });
    const attrs = labelToCot(label);
    expect(attrs).toEqual({ access: 'NATO RESTRICTED', releasableTo: 'DEU,LTU', caveat: 'Mission:A' });
    expect(labelFromCot(attrs)).toEqual(labelFromCot(labelToCot(labelFromCot(attrs)!)));
    expect(labelFromCot({ access: 'Undefined' })).toBeUndefined();
    expect(labelFromCot({})).toBeUndefined();
    expect(labelFromCot({ releasableTo: 'ltu est' })?.categories[0]?.values).toEqual(['EST', 'LTU']);
    expect(labelFromCot({ access: 'SLAPTAI' }, { SLAPTAI: 'SECRET' })?.classification).toBe('SECRET');
    expect(() => labelFromCot({ access: 'SUPER SECRET' })).toThrow(LabelError);
    expect(() => labelFromCot({ releasableTo: '<x>' })).toThrow(LabelError);
  });

  it('parses national markings only when configured', () => {
    expect(parseClassification('nato  confidential')).toBe('CONFIDENTIAL');
    expect(parseClassification('COSMIC TOP SECRET')).toBe('TOP SECRET');
    expect(() => parseClassification('GEHEIM')).toThrow(LabelError);
    expect(parseClassification('geheim', { GEHEIM: 'SECRET' })).toBe('SECRET');
  });
});

describe('label order', () => {
  it('labelAtLeast: tighter classification and narrower release pass, looser fail', () => {
    const floor = L('RESTRICTED', rel('LTU', 'DEU'));
    expect(labelAtLeast(L('SECRET', rel('LTU')), floor)).toBe(true);
    expect(labelAtLeast(L('RESTRICTED', rel('LTU', 'DEU')), floor)).toBe(true);
    expect(labelAtLeast(L('RESTRICTED', rel('LTU', 'POL')), floor)).toBe(false);
    expect(labelAtLeast(L('RESTRICTED'), floor)).toBe(false);
    expect(labelAtLeast(L('UNCLASSIFIED', rel('LTU')), floor)).toBe(false);
    const r = L('UNCLASSIFIED', { tag: 'M', type: 'RESTRICTIVE', values: ['A'] });
    expect(labelAtLeast(L('UNCLASSIFIED', { tag: 'M', type: 'RESTRICTIVE', values: ['A', 'B'] }), r)).toBe(
      true,
    );
    expect(labelAtLeast(L('UNCLASSIFIED'), r)).toBe(false);
    expect(labelAtLeast({ ...L('SECRET'), policy: 'EU' }, L('UNCLASSIFIED'))).toBe(false);
    expect(describeLabel(L('RESTRICTED', rel('DEU', 'LTU')))).toBe('NATO RESTRICTED // REL TO DEU, LTU');
  });
});
