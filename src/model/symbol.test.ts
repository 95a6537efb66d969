import ms from 'milsymbol';
import { describe, expect, it } from 'vitest';
import {
  FALLBACK_SIDC,
  affiliationOfSidc,
  atomToSidc,
  chooseSidc,
  isDrawable,
  isSidc,
  sidcFor,
} from './symbol.js';

/**
 * The mapping table: friend/hostile/neutral/unknown (and the other identities), air/ground/sea surface/subsurface/
 * space, units and equipment. Expected codes are written out by hand from the 2525C letter-code layout.
 */
const TABLE: ReadonlyArray<readonly [cot: string, sidc: string, what: string]> = [
  ['a-f-G-U-C-I', 'SFGPUCI--------', 'friend ground unit, infantry'],
  ['a-h-G-U-C-I', 'SHGPUCI--------', 'hostile ground unit, infantry'],
  ['a-n-G-U-C-I', 'SNGPUCI--------', 'neutral ground unit, infantry'],
  ['a-u-G-U-C-I', 'SUGPUCI--------', 'unknown ground unit, infantry'],
  ['a-f-G-U-C-A', 'SFGPUCA--------', 'friend armour unit'],
  ['a-h-G-U-C-F', 'SHGPUCF--------', 'hostile field artillery unit'],
  ['a-f-G-E-V-C', 'SFGPEVC--------', 'friend civilian vehicle (equipment)'],
  ['a-h-G-E-V-A-T', 'SHGPEVAT-------', 'hostile tank (equipment)'],
  ['a-n-G-E-V', 'SNGPEV---------', 'neutral ground vehicle (equipment)'],
  ['a-u-G-E-W-M', 'SUGPEWM--------', 'unknown missile launcher (equipment)'],
  ['a-f-A-M-F-Q', 'SFAPMFQ--------', 'friend fixed-wing UAV'],
  ['a-f-A-M-H-Q', 'SFAPMHQ--------', 'friend rotary-wing UAV'],
  ['a-h-A-M-F-F', 'SHAPMFF--------', 'hostile fighter'],
  ['a-n-A-C-F', 'SNAPCF---------', 'neutral civil fixed wing'],
  ['a-u-A', 'SUAP-----------', 'unknown air track'],
  ['a-f-S-C-L-F-F', 'SFSPCLFF-------', 'friend frigate'],
  ['a-h-S-C', 'SHSPC----------', 'hostile combatant ship'],
  ['a-n-S-X-M', 'SNSPXM---------', 'neutral merchant ship'],
  ['a-u-S', 'SUSP-----------', 'unknown sea surface track'],
  ['a-h-U-S', 'SHUPS----------', 'hostile submarine'],
  ['a-f-U', 'SFUP-----------', 'friend subsurface track'],
  ['a-f-P-S', 'SFPPS----------', 'friend satellite'],
  ['a-f-G', 'SFGP-----------', 'friend ground, no function'],
  ['a-s-G-U', 'SSGPU----------', 'suspect ground unit'],
  ['a-a-G', 'SAGP-----------', 'assumed friend ground'],
  ['a-p-A', 'SPAP-----------', 'pending air'],
  ['a-j-S', 'SJSP-----------', 'joker sea'],
  ['a-k-A', 'SKAP-----------', 'faker air'],
  ['a-o-G', 'SUGP-----------', 'none specified reads unknown'],
  ['a-x-G', 'SUGP-----------', 'other reads unknown'],
  ['a-U-G', 'SUGP-----------', 'wrong-case affiliation: TAK Aware sends a-U-G'],
  ['a-h-G-p-i', 'SHGP-----------', 'lower-case CoT branch dropped'],
  ['a-h-G-U-C-I-i', 'SHGPUCI--------', 'lower-case refinement dropped'],
];

describe('CoT type -> 2525C symbol code', () => {
  it.each(TABLE)('%s -> %s (%s)', (cot, sidc) => {
    expect(sidcFor(cot)).toBe(sidc);
    expect(new ms.Symbol(sidc, { size: 30 }).isValid()).toBe(true);
  });

  it('keeps the affiliation families apart', () => {
    expect(affiliationOfSidc(sidcFor('a-f-G'))).toBe('friend');
    expect(affiliationOfSidc(sidcFor('a-a-G'))).toBe('friend');
    expect(affiliationOfSidc(sidcFor('a-h-G'))).toBe('hostile');
    expect(affiliationOfSidc(sidcFor('a-s-G'))).toBe('hostile');
    expect(affiliationOfSidc(sidcFor('a-n-G'))).toBe('neutral');
    expect(affiliationOfSidc(sidcFor('a-u-G'))).toBe('unknown');
    expect(affiliationOfSidc(sidcFor('a-p-G'))).toBe('unknown');
    expect(affiliationOfSidc('10031000001211000000')).toBe('friend');
    expect(affiliationOfSidc('10061000001211000000')).toBe('hostile');
    expect(affiliationOfSidc('10041000001211000000')).toBe('neutral');
  });

  it('lets an explicit code win, and ignores a malformed one', () => {
    expect(chooseSidc('a-n-G', 'SNGX-----------')).toEqual({ sidc: 'SNGX-----------', source: 'explicit' });
    expect(chooseSidc('a-f-G', '10031000001211000000')).toEqual({
      sidc: '10031000001211000000',
      source: 'explicit',
    });
    expect(chooseSidc('a-f-G', 'sfgpuci--------').sidc).toBe('SFGPUCI--------');
    expect(chooseSidc('a-f-G', 'not a code')).toEqual({ sidc: 'SFGP-----------', source: 'type' });
    expect(chooseSidc('a-f-G', '')).toEqual({ sidc: 'SFGP-----------', source: 'type' });
  });

  it('gives non-atoms a tactical point and unknown kinds the unknown frame', () => {
    expect(sidcFor('b-m-p-s-m')).toBe('GFGPGPRI------X');
    expect(sidcFor('b-m-p-w')).toBe('GFGPGPPW------X');
    expect(sidcFor('b-m-p-s-p-loc')).toBe('GFGPGPRI------X');
    expect(sidcFor('b-m-p-x')).toBe('GFGPGPP-------X');
    expect(sidcFor('b-a-o-tbl')).toBe('SFGPUSM--------');
    expect(chooseSidc('u-d-f')).toEqual({ sidc: FALLBACK_SIDC, source: 'fallback' });
    expect(chooseSidc('a-f-Q')).toEqual({ sidc: FALLBACK_SIDC, source: 'fallback' });
    expect(chooseSidc('')).toEqual({ sidc: FALLBACK_SIDC, source: 'fallback' });
    expect(new ms.Symbol(FALLBACK_SIDC).isValid()).toBe(true);
  });

  it('recognises codes and drawable types', () => {
    expect(atomToSidc('b-m-p-s-m')).toBeUndefined();
    expect(atomToSidc('a-f-G-U-C-I-Z-Z-Z-Z')).toBe('SFGPUCIZZZ-----'); // function id capped at six letters
    expect(isSidc('SFGPUCI--------')).toBe(true);
    expect(isSidc('SFGPUCI-------')).toBe(false);
    expect(isSidc('100310000012110000001234567890')).toBe(true);
    expect(isDrawable('a-f-G-U-C')).toBe(true);
    expect(isDrawable('b-m-p-s-m')).toBe(true);
    expect(isDrawable('b-t-f')).toBe(false);
    expect(isDrawable('b-t-f-d')).toBe(false);
    expect(isDrawable('t-x-d-d')).toBe(false);
    expect(isDrawable('t-x-c-t')).toBe(false);
  });
});
