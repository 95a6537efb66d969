import { describe, expect, it } from 'vitest';
import { StampScanner } from '../../bench/hub/stamp-scan.js';
import { XmlReport, encodeTakFrame, type ClientIdentity } from '../../bench/hub/message.js';

const id: ClientIdentity = { uid: 'U-1', callsign: 'C-1', team: 'Cyan', lat: 56.9, lon: 24.1 };

function scanAll(chunks: Buffer[]): { stamps: number[]; malformed: number } {
  const s = new StampScanner();
  const stamps: number[] = [];
  for (const c of chunks) s.scan(c, (t) => stamps.push(t));
  return { stamps, malformed: s.malformed };
}

describe('StampScanner', () => {
  const report = new XmlReport(id);
  const events = [1764222222222.125, 1764222222333.5, 1764222222444].map((t, i) => report.render(t, i));
  const all = Buffer.from(events.join(''));

  it('finds every stamp in one chunk', () => {
    expect(scanAll([all]).stamps).toEqual([1764222222222.125, 1764222222333.5, 1764222222444]);
  });

  it('finds every stamp at every split point', () => {
    for (let cut = 1; cut < all.length; cut += 7) {
      const r = scanAll([all.subarray(0, cut), all.subarray(cut)]);
      expect(r.stamps, `cut at ${cut}`).toHaveLength(3);
    }
  });

  it('survives byte-by-byte delivery', () => {
    const bytes = [...all].map((b) => Buffer.from([b]));
    expect(scanAll(bytes).stamps).toHaveLength(3);
  });

  it('reads single-quoted stamps and stamps inside TAK protobuf frames', () => {
    const frame = Buffer.from(encodeTakFrame(id, 1764222222222.5, 1));
    const single = Buffer.from(`<detail><bw_bench t='12.5'/></detail>`);
    expect(scanAll([frame, single]).stamps).toEqual([1764222222222.5, 12.5]);
  });

  it('counts damaged stamps instead of throwing', () => {
    const r = scanAll([Buffer.from('<bw_bench t=x/><bw_bench t="abc"/>')]);
    expect(r.stamps).toEqual([]);
    expect(r.malformed).toBe(2);
  });
});
