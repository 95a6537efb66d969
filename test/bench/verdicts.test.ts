import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../bench/hub/measure.js';
import { verdicts } from '../../bench/hub/report.js';

/** The fields the S4 verdict reads, from the full command of 27 Nov 2026 (23:15). */
function run(scenario: string, deliveriesPerS: number, deliveredShare: number): RunResult {
  return {
    target: 'hub',
    scenario,
    deliveriesPerS,
    deliveredShare,
    negotiated: 500,
    protoClients: 500,
  } as RunResult;
}
const s4 = (rs: RunResult[]) => verdicts(rs).find((v) => v.scenario === 'S4')!;

describe('S4 verdict', () => {
  it('is met when S4 delivers at least as many as S1', () => {
    expect(s4([run('S1', 997_445, 0.9985), run('S4', 999_350, 1)]).met).toBe(true);
  });

  it('is met when both delivered all that was offered, whatever the window edges added to S1', () => {
    expect(s4([run('S1', 999_584, 1.0001), run('S4', 998_593, 0.9992)]).met).toBe(true);
  });

  it('is missed when S4 delivers fewer and lost some of what was offered', () => {
    expect(s4([run('S1', 999_584, 1.0), run('S4', 950_000, 0.95)]).met).toBe(false);
    expect(s4([run('S1', 900_000, 0.9), run('S4', 890_000, 0.89)]).met).toBe(false);
  });
});
