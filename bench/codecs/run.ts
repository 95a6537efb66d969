/**
 * Codec micro-benchmarks: `npx tsx bench/codecs/run.ts [seconds-per-case]`.
 * Compares the hand-written CoT scanner (decodeCot) with fast-xml-parser doing the same job, and measures the
 * other hot-path codecs. Single-threaded; each case runs for a fixed time after a warm-up. Keep it short: the
 * machine is shared.
 */
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { CotFramer, decodeCot, encodeCot, encodeCotStream } from '../../src/codecs/cot/index.js';
import {
  TakStreamFramer,
  decodeTakMessage,
  encodeTakMessage,
  encodeTakStream,
} from '../../src/codecs/takproto/index.js';
import { fxpDecode } from './fxp-decode.js';
import { recordRun } from '../lib/results.js';

const SECONDS = Number(process.argv[2] ?? 1);

/**
 * Run `fn` for about SECONDS after a warm-up; returns operations per CPU-second of this process. CPU time, not
 * wall time, because the machine is shared: other processes stealing the core would otherwise count against us.
 * The best of several slices is kept for the same reason.
 */
function rate(fn: () => unknown): number {
  const warm = performance.now() + 200;
  while (performance.now() < warm) fn();
  let best = 0;
  const stop = performance.now() + SECONDS * 1000;
  while (performance.now() < stop) {
    const c0 = process.cpuUsage();
    let n = 0;
    const t = performance.now() + 50;
    while (performance.now() < t) {
      for (let i = 0; i < 20; i++) fn();
      n += 20;
    }
    const c = process.cpuUsage(c0);
    best = Math.max(best, (n * 1e6) / Math.max(1, c.user + c.system));
  }
  return best;
}

/** Machine calibration: ns per iteration of a plain JS charCodeAt loop (a modern desktop core: ~0.3-0.5 ns). */
function calibrate(): number {
  const s = 'x'.repeat(10_000) + String(Math.random());
  const loop = (): number => {
    let acc = 0;
    for (let i = 0; i < 10_000; i++) acc += s.charCodeAt(i);
    return acc;
  };
  return 1e9 / rate(loop) / 10_000;
}

const fixture = (n: string): Buffer => readFileSync(new URL(`../../test/fixtures/cot/${n}`, import.meta.url));
const pli = fixture('atak-position-anonymised.xml');
const route = fixture('atak-route-5.4.xml');
const pliEvent = decodeCot(pli);
const pliProto = encodeTakMessage({ event: pliEvent });
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
});

const rows: [string, number, string][] = [];
const add = (name: string, ops: number, unit = 'ops/s'): void => {
  rows.push([name, ops, unit]);
  console.log(`${name.padEnd(58)} ${Math.round(ops).toLocaleString('en-US').padStart(12)} ${unit}`);
};

console.log(`node ${process.version}, ${SECONDS}s per case, rates per CPU-second of one core`);
console.log(
  `PLI ${pli.length} B, route ${route.length} B; calibration: ${calibrate().toFixed(2)} ns per charCodeAt step`,
);
add(
  'decodeCot (hand scanner), ATAK PLI Buffer',
  rate(() => decodeCot(pli)),
);
add(
  'fast-xml-parser + field mapping, ATAK PLI Buffer',
  rate(() => fxpDecode(parser, pli)),
);
add(
  'decodeCot (hand scanner), ATAK route Buffer',
  rate(() => decodeCot(route)),
);
add(
  'fast-xml-parser + field mapping, ATAK route Buffer',
  rate(() => fxpDecode(parser, route)),
);
add(
  'encodeCot, ATAK PLI',
  rate(() => encodeCot(pliEvent)),
);
add(
  'encodeCotStream, ATAK PLI',
  rate(() => encodeCotStream(pliEvent)),
);
add(
  'encodeTakStream, ATAK PLI',
  rate(() => encodeTakStream(pliEvent)),
);
add(
  'decodeTakMessage, ATAK PLI',
  rate(() => decodeTakMessage(pliProto)),
);

// Framers: 1,000 events per pass, cut into 1,460-byte segments like a TCP stream.
const decl = Buffer.from("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>");
const stream = Buffer.concat(Array.from({ length: 1000 }, () => Buffer.concat([decl, pli])));
const segments = (b: Buffer): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += 1460) out.push(b.subarray(i, i + 1460));
  return out;
};
const xmlSegs = segments(stream);
const framer = new CotFramer({ maxEventBytes: 1 << 20 });
add(
  'CotFramer, events framed from 1460-byte segments',
  1000 * rate(() => xmlSegs.forEach((s) => framer.push(s))),
  'events/s',
);
const takStream = Buffer.concat(Array.from({ length: 1000 }, () => encodeTakStream(pliEvent)));
const takSegs = segments(takStream);
const takFramer = new TakStreamFramer({ maxMessageBytes: 1 << 20 });
add(
  'TakStreamFramer, messages framed from 1460-byte segments',
  1000 * rate(() => takSegs.forEach((s) => takFramer.push(s))),
  'msgs/s',
);
add(
  'CotFramer + decodeCot, end to end',
  1000 *
    rate(() => xmlSegs.forEach((s) => framer.push(s).forEach((e) => e instanceof Buffer && decodeCot(e)))),
  'events/s',
);
recordRun(
  'codecs',
  rows.map(([name, perSecond, unit]) => ({ name, perSecond: Math.round(perSecond), unit })),
);
