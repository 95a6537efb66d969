/**
 * Where one CoT decode goes, stage by stage, and what handing a decoded event to another thread would cost:
 * `npx tsx bench/codecs/stages.ts`. Input: the hub benchmark's ATAK position report (bench/hub/message.ts), 1,000
 * of them with distinct times and positions. Each figure is the best of 30 passes over all 1,000 (the machine is
 * shared; the minimum is the cost, the rest is interference), in µs per event. Used for docs/performance.md
 * ("Where the hub loses time").
 */
import v8 from 'node:v8';
import { decodeCot } from '../../src/codecs/cot/index.js';
import { decodeUtf8 } from '../../src/codecs/cot/decode.js';
import { checkControlChars, readStartTag } from '../../src/codecs/cot/xml-scan.js';
import { newCotMemo } from '../../src/codecs/cot/memo.js';
import { XmlReport, nowMs } from '../hub/message.js';
import { Interner, Mirror, RecordReader, RecordWriter } from '../../src/transports/decode/records.js';

const N = 1000;
const report = new XmlReport({
  uid: 'ANDROID-0123456789',
  callsign: 'BENCH-1',
  team: 'Cyan',
  lat: 56,
  lon: 24,
});
const frames = Array.from({ length: N }, (_, i) => Buffer.from(report.render(nowMs(), i)));
const texts = frames.map((b) => decodeUtf8(b));
/** Start-tag positions of each text (every '<' that is not an end tag or the declaration). */
const tags = texts.map((s) => {
  const at: number[] = [];
  for (let i = s.indexOf('<event'); i !== -1; i = s.indexOf('<', i + 1)) if (s[i + 1] !== '/') at.push(i);
  return at;
});
const events = frames.map((b) => decodeCot(b));
/** As a decode thread has them: one sender's events decoded with its memo (the typed views are shared). */
const senderMemo = newCotMemo();
const senderEvents = frames.map((b) => decodeCot(b, { memo: senderMemo }));
/** The decode thread's records (src/transports/decode): one connection's tables, kept across passes. */
const interner = new Interner();
const mirror = new Mirror();
const batches: Buffer[] = [];
let readPass = 0;

function best(fn: () => void, passes = 30): number {
  let min = Infinity;
  for (let k = 0; k < passes; k++) {
    const t = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t));
  }
  return min / 1000 / N;
}

const sink: unknown[] = [];
const memo = newCotMemo();
const rows: [string, number][] = [
  ['decodeCot, whole', best(() => frames.forEach((b) => sink.push(decodeCot(b))))],
  ["decodeCot, one sender's memo", best(() => frames.forEach((b) => sink.push(decodeCot(b, { memo }))))],
  ['  UTF-8 to string', best(() => frames.forEach((b) => sink.push(decodeUtf8(b))))],
  ['  control characters', best(() => texts.forEach((s) => checkControlChars(s)))],
  [
    `  ${tags[0]!.length} start tags, attributes skipped`,
    best(() => texts.forEach((s, i) => tags[i]!.forEach((p) => sink.push(readStartTag(s, p, false))))),
  ],
  [
    `  ${tags[0]!.length} start tags, attributes read`,
    best(() => texts.forEach((s, i) => tags[i]!.forEach((p) => sink.push(readStartTag(s, p, true))))),
  ],
  ['hand-over: v8.serialize (postMessage)', best(() => sink.push(v8.serialize(events)))],
  ['hand-over: v8.deserialize', best(() => sink.push(v8.deserialize(v8.serialize(events))))],
  ['hand-over: JSON.stringify', best(() => sink.push(JSON.stringify(events)))],
  ['hand-over: JSON.parse', best(() => sink.push(JSON.parse(JSON.stringify(events))))],
  [
    'hand-over: records, write',
    best(() => {
      const w = new RecordWriter();
      for (const e of senderEvents) {
        w.event(e, interner);
        interner.endRecord();
      }
      batches.push(w.take());
    }),
  ],
  [
    'hand-over: records, read',
    best(() => {
      const r = new RecordReader(batches[readPass++]!);
      for (let i = 0; i < N; i++) sink.push(r.event(mirror));
    }),
  ],
];
// The deserialize and parse rows include their serialize step: subtract it.
rows[7]![1] -= rows[6]![1];
rows[9]![1] -= rows[8]![1];
console.log(`${texts[0]!.length}-character ATAK position report, best of 30 × ${N}:`);
for (const [name, us] of rows) console.log(`${name.padEnd(40)} ${us.toFixed(2).padStart(6)} µs/event`);
if (sink.length < 0) console.log(sink); // keep the results alive
