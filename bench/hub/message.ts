/**
 * The bench's traffic: ATAK-style self-position reports (shape of fixtures/cot/atak-position-anonymised.xml) with a
 * unique uid and callsign per client and a send timestamp in a `<bw_bench t="…"/>` detail element, which a hub must
 * keep losslessly (it is unknown detail) and which survives the XML <-> TAK protobuf conversion inside xmlDetail.
 */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** What makes one client's reports its own. */
export interface ClientIdentity {
  uid: string;
  callsign: string;
  /** ATAK team (`__group name`); the hub can scope by it (routing.teamScoped) and the baseline learns it once. */
  team: string;
  lat: number;
  lon: number;
}

/** Wall clock in ms with µs fraction, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

let isoCacheMs = -1;
let isoCache = '';
let staleCache = '';
const STALE_MS = 6 * 60_000;

/** ISO times are cached per millisecond: a generator sending 100 k events/s would otherwise spend time in Date. */
function isoTimes(ms: number): [string, string] {
  const whole = Math.floor(ms);
  if (whole !== isoCacheMs) {
    isoCacheMs = whole;
    isoCache = new Date(whole).toISOString();
    staleCache = new Date(whole + STALE_MS).toISOString();
  }
  return [isoCache, staleCache];
}

function escapeAttr(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Pre-rendered pieces of one client's XML report; only times, position and the stamp change per send. */
export class XmlReport {
  private readonly head: string;
  private readonly tail: string;

  constructor(readonly id: ClientIdentity) {
    const cs = escapeAttr(id.callsign);
    this.head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><event version="2.0" uid="${escapeAttr(id.uid)}" type="a-f-G-U-C" how="m-g" time="`;
    this.tail =
      `" hae="-25.7" ce="9.9" le="9999999.0"/><detail>` +
      `<takv os="29" version="4.0.0.0 (bench).1-CIV" device="Bench Device" platform="ATAK-CIV"/>` +
      `<contact xmppUsername="${cs}@bench" endpoint="*:-1:stcp" callsign="${cs}"/><uid Droid="${cs}"/>` +
      `<precisionlocation altsrc="GPS" geopointsrc="GPS"/><__group role="Team Member" name="${escapeAttr(id.team)}"/>` +
      `<status battery="78"/><track course="80.24833892285461" speed="1.5"/><bw_bench t="`;
  }

  /** One event as a string, stamped with `t` (ms, from {@link nowMs}); `seq` moves the point a little. */
  render(t: number, seq: number): string {
    const [iso, stale] = isoTimes(t);
    const lat = (this.id.lat + (seq % 100) * 1e-5).toFixed(6);
    return `${this.head}${iso}" start="${iso}" stale="${stale}"><point lat="${lat}" lon="${this.id.lon.toFixed(6)}${this.tail}${t.toFixed(3)}"/></detail></event>`;
  }
}

/**
 * The same report as a TAK Protocol v1 stream frame (0xbf, varint length, TakMessage). Hand-encoded from the field
 * numbers of TAK Protocol v1 (ATAK-CIV `takproto/*.proto`) so the bench does not depend on the codec it measures. Typed detail
 * sub-messages carry what maps exactly; the rest (uid Droid, bw_bench) goes in xmlDetail.
 */
export function encodeTakFrame(id: ClientIdentity, t: number, seq: number): Uint8Array {
  const ms = Math.floor(t);
  const xmlDetail = `<uid Droid="${escapeAttr(id.callsign)}"/><bw_bench t="${t.toFixed(3)}"/>`;
  const w = new BinaryWriter();
  w.tag(2, WireType.LengthDelimited).fork(); // cotEvent
  w.tag(1, WireType.LengthDelimited).string('a-f-G-U-C');
  w.tag(5, WireType.LengthDelimited).string(id.uid);
  w.tag(6, WireType.Varint).uint64(ms);
  w.tag(7, WireType.Varint).uint64(ms);
  w.tag(8, WireType.Varint).uint64(ms + STALE_MS);
  w.tag(9, WireType.LengthDelimited).string('m-g');
  w.tag(10, WireType.Bit64).double(Number((id.lat + (seq % 100) * 1e-5).toFixed(6)));
  w.tag(11, WireType.Bit64).double(id.lon);
  w.tag(12, WireType.Bit64).double(-25.7);
  w.tag(13, WireType.Bit64).double(9.9);
  w.tag(14, WireType.Bit64).double(9999999);
  w.tag(15, WireType.LengthDelimited).fork(); // detail
  w.tag(1, WireType.LengthDelimited).string(xmlDetail);
  w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('*:-1:stcp');
  w.tag(2, WireType.LengthDelimited).string(id.callsign).join();
  w.tag(3, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(id.team);
  w.tag(2, WireType.LengthDelimited).string('Team Member').join();
  w.tag(4, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('GPS');
  w.tag(2, WireType.LengthDelimited).string('GPS').join();
  w.tag(5, WireType.LengthDelimited).fork().tag(1, WireType.Varint).uint32(78).join();
  w.tag(6, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string('Bench Device');
  w.tag(2, WireType.LengthDelimited).string('ATAK-CIV');
  w.tag(3, WireType.LengthDelimited).string('29');
  w.tag(4, WireType.LengthDelimited).string('4.0.0.0 (bench).1-CIV').join();
  w.tag(7, WireType.LengthDelimited).fork().tag(1, WireType.Bit64).double(1.5);
  w.tag(2, WireType.Bit64).double(80.24833892285461).join();
  w.join(); // detail
  w.join(); // cotEvent
  const payload = w.finish();
  const head = new BinaryWriter().uint32(payload.length).finish();
  const frame = new Uint8Array(1 + head.length + payload.length);
  frame[0] = 0xbf;
  frame.set(head, 1);
  frame.set(payload, 1 + head.length);
  return frame;
}

/** The protocol request a client sends after the server's `t-x-takp-v` offer (same uid as the offer). */
export function takRequestXml(offerUid: string, version: number): string {
  const [iso, stale] = isoTimes(nowMs());
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><event version="2.0" uid="${escapeAttr(offerUid)}" ` +
    `type="t-x-takp-q" how="m-g" time="${iso}" start="${iso}" stale="${stale}">` +
    `<point lat="0.0" lon="0.0" hae="0.0" ce="999999" le="999999"/>` +
    `<detail><TakControl><TakRequest version="${version}"/></TakControl></detail></event>`
  );
}
