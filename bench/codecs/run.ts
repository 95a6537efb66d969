/**
 * Codec micro-benchmarks: `npx tsx bench/codecs/run.ts [seconds-per-case]`.
 * Compares the hand-written CoT scanner (decodeCot) with fast-xml-parser doing the same job, and measures the
 * other hot-path codecs. Single-threaded; each case runs for a fixed time after a warm-up. Keep it short: the
 * machine is shared.
 */
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { CotFramer, decodeCot, encodeCot, encodeCotStream } from '../../src/codecs/cot/index.js';
import { TakStreamFramer, decodeTakMessage, encodeTakMessage, encodeTakStream } from '../../src/codecs/takproto/index.js';
import { fxpDecode } from './fxp-decode.js';

const SECONDS = Number(process.argv[2] ?? 1);

/** Run `fn` repeatedly for SECONDS after a short warm-up; returns operations per second. */
function rate(fn: () => unknown): number {
  const warm = performance.now() + 200;
  while (performance.now() < warm) fn();
  let n = 0;
  const start = performance.now();
  const stop = start + SECONDS * 1000;
  let now = start;
  while (now < stop) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
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

console.log(`node ${process.version}, ${SECONDS}s per case; PLI ${pli.length} B, route ${route.length} B`);
add('decodeCot (hand scanner), ATAK PLI Buffer', rate(() => decodeCot(pli)));
add('fast-xml-parser + field mapping, ATAK PLI Buffer', rate(() => fxpDecode(parser, pli)));
add('decodeCot (hand scanner), ATAK route Buffer', rate(() => decodeCot(route)));
add('fast-xml-parser + field mapping, ATAK route Buffer', rate(() => fxpDecode(parser, route)));
add('encodeCot, ATAK PLI', rate(() => encodeCot(pliEvent)));
add('encodeCotStream, ATAK PLI', rate(() => encodeCotStream(pliEvent)));
add('encodeTakStream, ATAK PLI', rate(() => encodeTakStream(pliEvent)));
add('decodeTakMessage, ATAK PLI', rate(() => decodeTakMessage(pliProto)));

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
add('CotFramer, events framed from 1460-byte segments', 1000 * rate(() => xmlSegs.forEach((s) => framer.push(s))), 'events/s');
const takStream = Buffer.concat(Array.from({ length: 1000 }, () => encodeTakStream(pliEvent)));
const takSegs = segments(takStream);
const takFramer = new TakStreamFramer({ maxMessageBytes: 1 << 20 });
add('TakStreamFramer, messages framed from 1460-byte segments', 1000 * rate(() => takSegs.forEach((s) => takFramer.push(s))), 'msgs/s');
add('CotFramer + decodeCot, end to end', 1000 * rate(() => xmlSegs.forEach((s) => framer.push(s).forEach((e) => e instanceof Buffer && decodeCot(e)))), 'events/s');
