/** Scenario files: the built-in one is valid; bad ones are refused with the line, column and field named. */
import { describe, expect, it } from 'vitest';
import { parseScenario, resolveScenario, ScenarioError, type ScenarioIssue } from '../../src/sim/index.js';

function issues(text: string): ScenarioIssue[] {
  try {
    parseScenario(text, 'x.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as ScenarioError).code).toBe('BW_SCENARIO_INVALID');
    return (e as ScenarioError).issues;
  }
  throw new Error('scenario was accepted');
}

const UNIT = `  - id: a
    callsign: A
    nation: LTU
    type: a-f-G-U-C
    motion: { kind: static, at: [54.4, 23.2] }
`;

describe('scenario files', () => {
  it('the built-in Baltic demo is valid and has every nation, a drone with a camera, and chat', () => {
    const s = resolveScenario('baltic-demo');
    expect(new Set(s.units.map((u) => u.nation))).toEqual(
      new Set(['LTU', 'LVA', 'EST', 'POL', 'DEU', 'CAN', 'GBR']),
    );
    const uas = s.units.find((u) => u.kind === 'drone' && u.nation === 'LTU');
    expect(uas?.kind === 'drone' && uas.camera).toBeTruthy();
    expect(s.chat.some((c) => c.to !== 'all')).toBe(true);
  });

  it('a wrong value names its line, column and field', () => {
    const text = `name: t
units:
  - id: a
    callsign: A
    nation: ltu
    type: a-f-G-U-C
    motion:
      kind: route
      speed: fast
      points: [[54.4, 23.2], [54.5, 23.3]]
`;
    const got = issues(text);
    expect(got).toEqual([
      expect.objectContaining({ line: 5, column: 13, field: 'units[0].nation' }),
      expect.objectContaining({ line: 9, column: 14, field: 'units[0].motion.speed' }),
    ]);
    expect(got[1]!.message).toMatch(/number/);
  });

  it('a missing field is reported at its parent; an unknown key at the mapping', () => {
    const got = issues(`name: t
units:
  - id: a
    nation: LTU
    type: a-f-G-U-C
    colour: blue
    motion: { kind: static, at: [54.4, 23.2] }
`);
    const fields = got.map((i) => `${i.line}:${i.field}`);
    expect(fields).toContain('3:units[0].callsign');
    expect(got.find((i) => /colour/.test(i.message))?.line).toBe(3);
  });

  it('an unknown motion kind, a drone with a bad vehicle, and an orbit without a speed', () => {
    const got = issues(`name: t
units:
  - id: a
    callsign: A
    nation: LTU
    type: a-f-G
    motion: { kind: teleport }
  - id: d
    kind: drone
    callsign: D
    nation: LTU
    sysid: 4
    vehicle: blimp
    motion: { kind: orbit, centre: [54.4, 23.2], radius: 300, speed: 10 }
`);
    expect(got.map((i) => [i.line, i.field])).toEqual([
      [7, 'units[0].motion.kind'],
      [13, 'units[1].vehicle'],
    ]);
    const noSpeed = issues(`name: t
units:
  - id: d
    kind: drone
    callsign: D
    nation: LTU
    sysid: 4
    vehicle: quadrotor
    motion: { kind: orbit, centre: [54.4, 23.2], radius: 300 }
`);
    expect(noSpeed).toEqual([expect.objectContaining({ line: 9, field: 'units[0].motion' })]);
  });

  it('cross references: duplicate ids, shared sysids, chat from unknown units', () => {
    const got = issues(`name: t
units:
${UNIT}${UNIT}chat:
  - at: 5
    from: ghost
    text: hello
`);
    expect(got.map((i) => [i.line, i.field])).toEqual([
      [8, 'units[1].id'],
      [15, 'chat[0].from'],
    ]);
    expect(got[0]!.message).toMatch(/duplicate/);
  });

  it('YAML syntax errors carry their position; the message lists every problem', () => {
    const got = issues('name: t\nunits: [\n');
    expect(got[0]!.line).toBeGreaterThan(1);
    expect(got[0]!.message).toMatch(/^YAML:/);
    const run = () => parseScenario('name: 5\nunits: []\n', 'demo.yaml');
    expect(run).toThrow(/demo\.yaml:1:7: name: /);
    expect(run).toThrow(/demo\.yaml:2:8: units: /);
  });
});
