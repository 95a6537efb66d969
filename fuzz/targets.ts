/**
 * The fuzz targets: each parser that reads bytes a peer chose, with the seeds it starts from and the property that
 * must hold for every input. A target throws only when it found a bug: an exception that is not the parser's own
 * coded error (BwError), a lossy round trip, or framing that depends on how the bytes were split into chunks.
 * Used by fuzz/run.ts (`npm run fuzz`) and by test/hostile/fuzz-regressions.test.ts, which replays fuzz/crashes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MavLinkPacketSignature, MavLinkProtocolV1, MavLinkProtocolV2, common, minimal } from 'node-mavlink';
import { BwError, CodecError } from '../src/errors.js';
import { CotFramer, decodeCot, encodeCot } from '../src/codecs/cot/index.js';
import {
  TakStreamFramer,
  decodeTakMessage,
  encodeTakMessage,
  frameStream,
  parseMesh,
} from '../src/codecs/takproto/index.js';
import { scanDatagram, type Frame } from '../src/gateways/mavlink/frame.js';
import { decodeFrame } from '../src/gateways/mavlink/messages.js';
import { labelFromCot, labelFromXml, labelToCot, labelToXml } from '../src/model/label-xml.js';

export interface FuzzTarget {
  name: string;
  /** Valid inputs the mutator starts from. */
  seeds: Buffer[];
  /** Bytes the mutator likes to insert (tokens of the format). */
  dictionary: Buffer[];
  /** Runs one input; `cuts` are where a stream target splits the bytes into chunks. Throws on a bug. */
  run(data: Buffer, cuts: number[]): void;
}

/** A finding: what broke, kept with the input that broke it. */
export class FuzzFinding extends Error {
  override name = 'FuzzFinding';
}

const FIXTURES = fileURLToPath(new URL('../test/fixtures/cot/', import.meta.url));
const cotSeeds = (): Buffer[] =>
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => readFileSync(FIXTURES + f));

/** Rethrow anything that is not the parser's own coded error. */
function onlyCoded(e: unknown): void {
  if (e instanceof BwError) return;
  throw e;
}

/** Splits `data` at `cuts` (positions taken modulo the length, sorted) into chunks. */
export function chunks(data: Buffer, cuts: number[]): Buffer[] {
  if (data.length === 0) return [data];
  const at = [...new Set(cuts.map((c) => c % data.length))].filter((c) => c > 0).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    out.push(data.subarray(from, c));
    from = c;
  }
  out.push(data.subarray(from));
  return out;
}

type Item = Buffer | CodecError;
const describe = (items: Item[]): string[] =>
  items.map((i) => (i instanceof CodecError ? `error:${i.code}` : `event:${i.toString('latin1')}`));

function sameFraming(whole: Item[], split: Item[], what: string): void {
  const a = describe(whole).join('\n');
  const b = describe(split).join('\n');
  if (a !== b) throw new FuzzFinding(`${what}: framing depends on chunk boundaries`);
}

const MAX_EVENT = 4096;

const cotFramer: FuzzTarget = {
  name: 'cot-framer',
  seeds: cotSeeds(),
  dictionary: [
    '<event',
    '</event>',
    '</event  >',
    '<?xml version="1.0"?>',
    '<!DOCTYPE x>',
    '<!ENTITY',
    '<![CDATA[',
    ']]>',
    '<',
    '>',
    '?>',
  ].map((s) => Buffer.from(s)),
  run(data, cuts) {
    const one = new CotFramer({ maxEventBytes: MAX_EVENT });
    const whole = one.push(Buffer.from(data));
    const many = new CotFramer({ maxEventBytes: MAX_EVENT });
    const split: Item[] = [];
    for (const c of chunks(data, cuts)) {
      split.push(...many.push(Buffer.from(c)));
      if (many.buffered > MAX_EVENT + c.length + 16)
        throw new FuzzFinding('cot-framer: holds more than its limit');
    }
    for (const i of [...whole, ...split])
      if (!(i instanceof Buffer) && !(i instanceof CodecError)) throw new FuzzFinding('cot-framer: odd item');
    // An event over the limit is cut where the chunk ends, so only inputs without that error must frame alike.
    if (![...whole, ...split].some((i) => i instanceof CodecError && i.code === 'BW_COT_TOO_LARGE')) {
      sameFraming(whole, split, 'cot-framer');
    }
  },
};

/** Decode, and when it decodes, encode again: the second decode must encode to the very same bytes. */
const cotScanner: FuzzTarget = {
  name: 'cot-scanner',
  seeds: cotSeeds(),
  dictionary: [
    '<detail>',
    '</detail>',
    '<![CDATA[',
    ']]>',
    '&amp;',
    '&#x0;',
    '&#1114111;',
    '&lt;',
    '"',
    "'",
    '<!--',
    '-->',
    'NaN',
    '1e308',
    'Z',
    '\u00e9',
    '\ud83d\ude00',
    '<point lat="0" lon="0" hae="0" ce="0" le="0"/>',
  ].map((s) => Buffer.from(s)),
  run(data) {
    let xml: string;
    try {
      xml = encodeCot(decodeCot(data, { maxBytes: 1 << 20 }));
    } catch (e) {
      return onlyCoded(e);
    }
    const again = encodeCot(decodeCot(xml));
    if (again !== xml) throw new FuzzFinding('cot-scanner: encode(decode(encode(x))) differs from encode(x)');
  },
};

const takSeedPayloads = (): Buffer[] =>
  cotSeeds().flatMap((x) => {
    try {
      return [Buffer.from(encodeTakMessage({ event: decodeCot(x) }))];
    } catch {
      return [];
    }
  });

const takFramer: FuzzTarget = {
  name: 'tak-framer',
  seeds: takSeedPayloads()
    .slice(0, 8)
    .map((p, i, all) => Buffer.concat([frameStream(p), frameStream(all[(i + 1) % all.length]!)])),
  dictionary: [
    [0xbf],
    [0xff, 0xff, 0xff, 0xff, 0x0f],
    [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
    [0x00],
    [0xbf, 0x00],
  ].map((b) => Buffer.from(b)),
  run(data, cuts) {
    const frame = (parts: Buffer[]): Item[] => {
      const f = new TakStreamFramer({ maxMessageBytes: MAX_EVENT });
      const out: Item[] = [];
      for (const c of parts) {
        out.push(...f.push(Buffer.from(c)));
        if (f.buffered > MAX_EVENT) throw new FuzzFinding('tak-framer: holds more than its limit');
      }
      return out;
    };
    sameFraming(frame([data]), frame(chunks(data, cuts)), 'tak-framer');
    try {
      parseMesh(data);
    } catch (e) {
      onlyCoded(e);
    }
  },
};

const takMessage: FuzzTarget = {
  name: 'tak-message',
  seeds: takSeedPayloads(),
  dictionary: [
    [0x12],
    [0x0a],
    [0x08],
    [0xff, 0xff, 0xff, 0xff, 0x0f],
    [0x80, 0x01],
    [0x00],
    [0xc3, 0x28],
    [0x7f],
  ].map((b) => Buffer.from(b)),
  run(data) {
    let bytes: Uint8Array;
    try {
      bytes = encodeTakMessage(decodeTakMessage(data));
    } catch (e) {
      return onlyCoded(e);
    }
    const again = encodeTakMessage(decodeTakMessage(bytes));
    if (!Buffer.from(again).equals(Buffer.from(bytes)))
      throw new FuzzFinding('tak-message: round trip is lossy');
  },
};

/** A few real frames of the messages the gateway reads, v1 and v2, one signed. */
function mavlinkSeeds(): Buffer[] {
  const pos = new common.GlobalPositionInt();
  pos.lat = 545_000_000;
  pos.lon = 250_000_000;
  pos.alt = 120_000;
  pos.relativeAlt = 80_000;
  pos.hdg = 9000;
  const hb = new minimal.Heartbeat();
  hb.type = 2;
  hb.autopilot = 3;
  const bat = new common.BatteryStatus();
  bat.voltages = [12000, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const v2 = new MavLinkProtocolV2(7, 1);
  const v1 = new MavLinkProtocolV1(7, 1);
  const signed = Buffer.from(v2.serialize(hb, 3));
  const withSig = v2.sign(signed, 0, MavLinkPacketSignature.key('fuzz'));
  return [
    Buffer.concat([v2.serialize(hb, 1), v2.serialize(pos, 2), v2.serialize(bat, 3)]),
    Buffer.concat([v1.serialize(hb, 1), v1.serialize(pos, 2)]),
    Buffer.from(withSig),
  ];
}

const mavlinkFrame: FuzzTarget = {
  name: 'mavlink-frame',
  seeds: mavlinkSeeds(),
  dictionary: [[0xfd], [0xfe], [0x01], [0xff], [0x21, 0x00, 0x00]].map((b) => Buffer.from(b)),
  run(data) {
    const frames: Frame[] = [];
    scanDatagram(
      data,
      (f) => frames.push(f),
      () => undefined,
    );
    for (const f of frames) {
      if (f.bytes.buffer !== data.buffer)
        throw new FuzzFinding('mavlink-frame: frame is not a view of the datagram');
      if (f.payload.length > 255) throw new FuzzFinding('mavlink-frame: payload over 255 bytes');
      try {
        decodeFrame(f);
      } catch (e) {
        onlyCoded(e);
      }
    }
  },
};

const LABEL_SEED = `<originatorConfidentialityLabel xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"><ConfidentialityInformation><PolicyIdentifier>NATO</PolicyIdentifier><Classification>RESTRICTED</Classification><Category TagName="Releasable to" Type="PERMISSIVE"><GenericValue>LTU</GenericValue><GenericValue>LVA</GenericValue></Category><Category TagName="EXERCISE" Type="RESTRICTIVE"><GenericValue>BW26</GenericValue></Category></ConfidentialityInformation></originatorConfidentialityLabel>`;

/** Label XML (STANAG 4774) and the CoT label attributes; the first byte picks which. */
const labelParser: FuzzTarget = {
  name: 'label-parser',
  seeds: [
    Buffer.from('x' + LABEL_SEED),
    Buffer.from('c' + 'NATO SECRET\u0000LTU,LVA\u0000EXERCISE:BW26;free text'),
    Buffer.from('c' + 'Undefined\u0000\u0000'),
  ],
  dictionary: [
    '<Category TagName="a" Type="PERMISSIVE">',
    '<GenericValue>',
    '</GenericValue>',
    'UNCLASSIFIED',
    'COSMIC TOP SECRET',
    '\u0000',
    ';',
    ':',
    ',',
    '<!DOCTYPE',
    '&amp;',
  ].map((s) => Buffer.from(s)),
  run(data) {
    const text = data.subarray(1).toString('utf8');
    try {
      if (data[0] === 0x78) {
        const label = labelFromXml(text);
        const again = labelFromXml(labelToXml(label));
        if (JSON.stringify(again) !== JSON.stringify(label))
          throw new FuzzFinding('label-parser: XML round trip is lossy');
      } else {
        const [access, releasableTo, caveat] = text.split('\u0000');
        const label = labelFromCot({ access, releasableTo, caveat });
        if (label) labelToCot(label);
      }
    } catch (e) {
      if (e instanceof FuzzFinding) throw e;
      onlyCoded(e);
    }
  },
};

export const TARGETS: readonly FuzzTarget[] = [
  cotFramer,
  cotScanner,
  takFramer,
  takMessage,
  mavlinkFrame,
  labelParser,
];
