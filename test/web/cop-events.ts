/**
 * CoT events shaped exactly as ATAK sends them, for the COP's end-to-end tests: emergencies (ATAK's
 * EmergencyManager: uid `<device>-9-1-1`, `link relation="p-p"` to the caller, `<emergency type>` with the caller's
 * callsign, and the cancel `b-a-o-can` with `cancel="true"`), and drawings ATAK makes that the captures in
 * test/fixtures/cot do not cover (rectangle, range-and-bearing line, bullseye, telestration, geo-fence). Field
 * names and layout follow ATAK's public CoT (see docs/cop.md); the coordinates are ours.
 */
const iso = (ms: number) => new Date(ms).toISOString();

function times(staleS = 600, timeOffsetMs = 0): string {
  const now = Date.now();
  return `time="${iso(now - timeOffsetMs)}" start="${iso(now - timeOffsetMs)}" stale="${iso(now + staleS * 1000)}"`;
}

export function pli(uid: string, callsign: string, lat: number, lon: number, extra = '', timeOffsetMs = 0) {
  return (
    `<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="m-g" ${times(600, timeOffsetMs)}${extra}>` +
    `<point lat="${lat}" lon="${lon}" hae="120" ce="5" le="9999999"/><detail>` +
    `<contact callsign="${callsign}" endpoint="*:-1:stcp"/><__group name="Cyan" role="Team Member"/>` +
    `<track course="90" speed="0.0"/><takv device="test" platform="ATAK-CIV" os="34" version="5.4"/></detail></event>`
  );
}

/** ATAK's emergency types and the `<emergency type>` text it writes for them. */
export const EMERGENCIES = {
  '911 Alert': 'b-a-o-tbl',
  'Ring The Bell': 'b-a-o-pan',
  'Troops In Contact': 'b-a-o-opn',
  'Geo-fence Breached': 'b-a-g',
} as const;

export function emergency(
  caller: string,
  callsign: string,
  kind: keyof typeof EMERGENCIES,
  lat: number,
  lon: number,
) {
  return (
    `<event version="2.0" uid="${caller}-9-1-1" type="${EMERGENCIES[kind]}" how="m-g" ${times(120)}>` +
    `<point lat="${lat}" lon="${lon}" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail>` +
    `<link uid="${caller}" type="a-f-G-U-C" relation="p-p"/><contact callsign="${callsign}-Alert"/>` +
    `<emergency type="${kind}">${callsign}</emergency></detail></event>`
  );
}

export function emergencyCancel(caller: string, callsign: string, lat: number, lon: number) {
  return (
    `<event version="2.0" uid="${caller}-9-1-1" type="b-a-o-can" how="m-g" ${times(20)}>` +
    `<point lat="${lat}" lon="${lon}" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail>` +
    `<link uid="${caller}" type="a-f-G-U-C" relation="p-p"/><contact callsign="${callsign}-Alert"/>` +
    `<emergency cancel="true">${callsign}</emergency></detail></event>`
  );
}

const style = (stroke: number, fill: number | undefined, labels: boolean) =>
  `<strokeColor value="${stroke}"/><strokeWeight value="3.0"/><strokeStyle value="solid"/>` +
  (fill !== undefined ? `<fillColor value="${fill}"/>` : '') +
  `<labels_on value="${labels}"/><archive/>`;

/** `u-d-r`: four corners as bare `link point` elements, not closed (ATAK closes it when drawing). */
export function rectangle(uid: string, name: string, corners: [number, number][], extra = '') {
  const [clat, clon] = [corners.reduce((s, c) => s + c[0], 0) / 4, corners.reduce((s, c) => s + c[1], 0) / 4];
  return (
    `<event version="2.0" uid="${uid}" type="u-d-r" how="h-e" ${times()}>` +
    `<point lat="${clat}" lon="${clon}" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail>` +
    corners.map(([la, lo]) => `<link point="${la},${lo}"/>`).join('') +
    `<contact callsign="${name}"/>${style(-16776961, 1677721855, true)}${extra}</detail></event>`
  );
}

/** A geo-fence: a drawn shape carrying `__geofence`. */
export function geofence(uid: string, name: string, corners: [number, number][]) {
  return rectangle(
    uid,
    name,
    corners,
    '<__geofence elevationMonitored="false" minElevation="" monitor="All" trigger="Entry" tracking="true" maxElevation="" boundingSphere="5000.0"/>',
  );
}

/** `u-rb-a`: start point, `range` (m) and `bearing` (degrees) elements. */
export function rangeBearing(
  uid: string,
  name: string,
  lat: number,
  lon: number,
  range: number,
  bearing: number,
) {
  return (
    `<event version="2.0" uid="${uid}" type="u-rb-a" how="h-e" ${times()}>` +
    `<point lat="${lat}" lon="${lon}" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail>` +
    `<range value="${range}"/><bearing value="${bearing}"/><inclination value="0.0"/><rangeUnits value="1"/>` +
    `<bearingUnits value="0"/><northRef value="1"/><strokeColor value="-65536"/><strokeWeight value="3.0"/>` +
    `<contact callsign="${name}"/><remarks></remarks><archive/><labels_on value="false"/><color value="-65536"/>` +
    `</detail></event>`
  );
}

export function bullseyeEvent(uid: string, name: string, lat: number, lon: number, distance: number) {
  return (
    `<event version="2.0" uid="${uid}" type="u-r-b-bullseye" how="h-g-i-g-o" ${times()}>` +
    `<point lat="${lat}" lon="${lon}" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail><archive/>` +
    `<bullseye mils="false" distance="${distance}" bearingRef="M" bullseyeUID="${uid}" distanceUnits="m" ` +
    `edgeToCenter="false" rangeRingVisible="true" title="${name}" hasRangeRings="true" ringDist="${distance / 4}"/>` +
    `<contact callsign="${name}"/><remarks></remarks></detail></event>`
  );
}

/** `u-d-f-m` at point 0,0: each `link line` holds a whole escaped `u-d-f` event with the stroke's points. */
export function telestration(uid: string, strokes: [number, number][][]) {
  const esc = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
  const lines = strokes.map((pts, i) => {
    const inner =
      `<?xml version='1.0' encoding='UTF-8' standalone='yes'?><event version='2.0' uid='${uid}-${i}' type='u-d-f' ` +
      `${times().replace(/"/g, "'")} how='h-e'><point lat='${pts[0]![0]}' lon='${pts[0]![1]}' hae='9999999.0' ` +
      `ce='9999999.0' le='9999999.0' /><detail>` +
      pts.map(([la, lo]) => `<link point='${la},${lo}'/>`).join('') +
      `<strokeColor value='-256'/><strokeWeight value='4.0'/></detail></event>`;
    return `<link line='${esc(inner)}'/>`;
  });
  return (
    `<event version="2.0" uid="${uid}" type="u-d-f-m" how="h-e" ${times()}>` +
    `<point lat="0.0" lon="0.0" hae="9999999.0" ce="9999999.0" le="9999999.0"/><detail>${lines.join('')}` +
    `<strokeColor value="-256"/><strokeWeight value="4.0"/><contact callsign="Telestration 1"/>` +
    `<labels_on value="false"/><archive/></detail></event>`
  );
}
