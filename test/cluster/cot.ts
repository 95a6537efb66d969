/** CoT XML the cluster tests send: a client's own position, a marker, a GeoChat to a contact, a delete. */
const iso = (ms: number) => new Date(ms).toISOString();

function times(staleS: number): string {
  const now = Date.now();
  return `time="${iso(now)}" start="${iso(now)}" stale="${iso(now + staleS * 1000)}"`;
}

/** A TAK client's own position report (tells the hub its uid and callsign). */
export function selfReport(uid: string, callsign: string, staleS = 600): string {
  return (
    `<event version="2.0" uid="${uid}" type="a-f-G-U-C" how="m-g" ${times(staleS)}>` +
    `<point lat="54.9" lon="23.9" hae="10" ce="5" le="5"/><detail>` +
    `<contact callsign="${callsign}" endpoint="*:-1:stcp"/><__group name="Cyan" role="Team Member"/>` +
    `<takv device="test" platform="ATAK-CIV" os="34" version="5.4"/></detail></event>`
  );
}

/** A marker; `attrs` adds event attributes (releasableTo="LTU"). */
export function marker(uid: string, staleS = 600, attrs = '', lat = 54.9): string {
  return (
    `<event version="2.0" uid="${uid}" type="a-h-G" how="h-g-i-g-o" ${times(staleS)}${attrs ? ' ' + attrs : ''}>` +
    `<point lat="${lat}" lon="23.9" hae="10" ce="5" le="5"/><detail><contact callsign="${uid}"/>` +
    `<remarks>marker ${uid}</remarks><custom_thing a="1"><inner b="2"/></custom_thing></detail></event>`
  );
}

/** A GeoChat from one contact to another, addressed by marti dest (as ATAK sends a direct chat). */
export function chat(
  from: string,
  fromCs: string,
  to: string,
  toCs: string,
  id: string,
  text: string,
): string {
  return (
    `<event version="2.0" uid="GeoChat.${from}.${to}.${id}" type="b-t-f" how="h-g-i-g-o" ${times(60)}>` +
    `<point lat="0" lon="0" hae="9999999" ce="9999999" le="9999999"/><detail>` +
    `<__chat parent="RootContactGroup" groupOwner="false" chatroom="${toCs}" id="${to}" senderCallsign="${fromCs}">` +
    `<chatgrp uid0="${from}" uid1="${to}" id="${to}"/></__chat>` +
    `<link uid="${from}" type="a-f-G-U-C" relation="p-p"/>` +
    `<remarks source="BAO.F.ATAK.${from}" to="${to}" time="${iso(Date.now())}">${text}</remarks>` +
    `<marti><dest callsign="${toCs}"/></marti></detail></event>`
  );
}

/** A delete (t-x-d-d) of `target`. */
export function del(target: string): string {
  return (
    `<event version="2.0" uid="del-${target}-${Date.now()}" type="t-x-d-d" how="h-g-i-g-o" ${times(20)}>` +
    `<point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/>` +
    `<detail><link uid="${target}" relation="none" type="none"/><__forcedelete/></detail></event>`
  );
}
