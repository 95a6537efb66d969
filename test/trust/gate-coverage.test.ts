/**
 * Issue 3: every delivery path goes through the one egress gate. This test fails when a source file reads the hub's
 * picture (state.get/values/teamValues, onStateChange) or writes to a session sink without calling `egress(` or going through
 * `hub.picture(` — i.e. when someone adds a path (export, replay, federation, a new API) that bypasses the gate.
 * Exceptions are listed with the reason they are not a delivery; adding one is a reviewed decision.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts') && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Files that touch hub data without the gate, and why that is not a delivery. */
const NOT_A_DELIVERY: Record<string, string> = {
  'src/store/latest.ts': 'persists the latest picture into our own store (restored into the hub, never sent)',
  'src/hub/writer.ts':
    "writes a session's queue, which only Hub.enqueue fills, after hub.ts's egress() allowed each envelope",
  'src/hub/picture.ts':
    "iterates the state for a new client's picture and hands each entity to Hub.deliver, which calls egress()",
  'src/hub/owners.ts':
    "reads an entity's current version to decide whether a write to it is allowed (gate.ts maySee), never sends it",
  'src/cluster/node.ts':
    'publishes each accepted event, with its label and groups, to the cluster bus (our own hub processes); every receiving node hands it to its sessions through its own egress() (docs/cluster.md)',
  'src/video/demo-camera.ts':
    "reads the demo drone's position to write the KLV of the demo's generated feed, which viewers watch through egress()",
  'src/transports/web/live.ts':
    'reads one entity to test a link relation (a boolean), sends through hub sessions',
};

const READS_PICTURE =
  /\.state\.(get|values|entries|teamValues)\(|onStateChange\(|\.sink\.write\(|\.bytes\([^)]/;
const GATED = /\begress\(|\bhub\.picture\(|\bthis\.picture\(/;

describe('no delivery path bypasses the egress gate', () => {
  it('every file that reads the picture or writes to sinks calls the gate', () => {
    const offenders: string[] = [];
    const seen: string[] = [];
    for (const f of files(join(ROOT, 'src'))) {
      const rel = relative(ROOT, f);
      const text = readFileSync(f, 'utf8');
      if (!READS_PICTURE.test(text)) continue;
      seen.push(rel);
      if (GATED.test(text) || rel in NOT_A_DELIVERY) continue;
      offenders.push(rel);
    }
    expect(offenders, `these files hand out hub data without egress(): ${offenders.join(', ')}`).toEqual([]);
    expect(seen).toContain('src/hub/hub.ts');
    // An exception that no longer touches the picture must be removed from the list.
    for (const k of Object.keys(NOT_A_DELIVERY)) expect(seen, `stale exception ${k}`).toContain(k);
  });

  it('the detector catches a bypass', () => {
    const bypass = "for (const env of hub.state.values()) ws.send(env.bytes('json'));";
    expect(READS_PICTURE.test(bypass) && !GATED.test(bypass)).toBe(true);
  });
});
