/**
 * One-step onboarding.
 * - Connection data package (zip) for ATAK/WinTAK: MANIFEST/manifest.xml (MissionPackageManifest v2), a .pref file
 *   with the `cot_streams` connection (host:port:ssl) and the app preferences pointing at the truststore and the
 *   client certificate, and both .p12 files. Imported once, the client is connected. iTAK reads the same .pref and
 *   .p12 files from a flat zip (flavor 'itak').
 * - Enrollment package: the same without a client certificate, with `enrollForCertificateWithTrust0` so the client
 *   enrolls itself over 8446 with its user name and password/token.
 * - Enrollment link/QR: `tak://com.atakmap.app/enroll?host=…&username=…&token=…` (ATAK; port 8089/8446 implied),
 *   and iTAK's server QR "description,host,port,ssl".
 * File names include the server and user so two servers' packages never clash on the device (WinTAK refuses a
 * second file of the same name).
 */
import { randomUUID } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import qrcode from 'qrcode-generator';
import { clientP12, truststoreP12 } from './pki/p12.js';

export interface ConnectionTarget {
  /** Host name or address the client connects to. */
  host: string;
  /** Streaming TLS port (8089). */
  port: number;
  /** Shown in the client's server list. */
  description: string;
}

export interface PackageFiles {
  caPem: string;
  /** Client certificate and key; absent for an enrollment package. */
  client?: { name: string; certPem: string; keyPem: string };
  password: string;
}

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'x';

function entry(key: string, cls: 'String' | 'Boolean' | 'Integer', value: string | number | boolean): string {
  return `    <entry key="${esc(key)}" class="class java.lang.${cls}">${esc(String(value))}</entry>\n`;
}

/** The .pref file: connection 0 and where the certificates are. `certDir` is how the client refers to them. */
export function preferenceXml(
  t: ConnectionTarget,
  files: { ca: string; client?: string },
  password: string,
  certDir = 'cert',
): string {
  let streams =
    entry('count', 'Integer', 1) +
    entry('description0', 'String', t.description) +
    entry('enabled0', 'Boolean', true) +
    entry('connectString0', 'String', `${t.host}:${t.port}:ssl`);
  let app = entry('displayServerConnectionWidget', 'Boolean', true);
  app += entry('caLocation', 'String', `${certDir}/${files.ca}`) + entry('caPassword', 'String', password);
  if (files.client) {
    app +=
      entry('certificateLocation', 'String', `${certDir}/${files.client}`) +
      entry('clientPassword', 'String', password);
  } else {
    streams +=
      entry('caLocation0', 'String', `${certDir}/${files.ca}`) +
      entry('caPassword0', 'String', password) +
      entry('enrollForCertificateWithTrust0', 'Boolean', true) +
      entry('useAuth0', 'Boolean', true) +
      entry('cacheCreds0', 'String', 'Cache credentials');
  }
  return (
    "<?xml version='1.0' encoding='ASCII' standalone='yes'?>\n<preferences>\n" +
    `  <preference version="1" name="cot_streams">\n${streams}  </preference>\n` +
    `  <preference version="1" name="com.atakmap.app_preferences">\n${app}  </preference>\n</preferences>\n`
  );
}

/** MANIFEST/manifest.xml listing `entries`. */
export function manifestXml(uid: string, name: string, entries: string[]): string {
  const contents = entries.map((e) => `    <Content ignore="false" zipEntry="${esc(e)}"/>\n`).join('');
  return (
    '<MissionPackageManifest version="2">\n  <Configuration>\n' +
    `    <Parameter name="uid" value="${esc(uid)}"/>\n    <Parameter name="name" value="${esc(name)}"/>\n` +
    '    <Parameter name="onReceiveDelete" value="true"/>\n  </Configuration>\n' +
    `  <Contents>\n${contents}  </Contents>\n</MissionPackageManifest>\n`
  );
}

/** Build the zip. `flavor` 'atak' (also WinTAK) has a MANIFEST and a certs/ folder; 'itak' is flat. */
export function buildConnectionPackage(
  t: ConnectionTarget,
  f: PackageFiles,
  flavor: 'atak' | 'itak' = 'atak',
  uid: string = randomUUID(),
): Uint8Array {
  const server = safe(t.host);
  const ca = `truststore-${server}.p12`;
  const client = f.client ? `${safe(f.client.name)}-${server}.p12` : undefined;
  const pref = flavor === 'itak' ? 'config.pref' : `${server}.pref`;
  const dir = flavor === 'itak' ? '' : 'certs/';
  const files: Record<string, Uint8Array> = {};
  files[dir + pref] = strToU8(preferenceXml(t, { ca, client }, f.password));
  files[dir + ca] = truststoreP12([f.caPem], f.password, `truststore-${server}`);
  if (f.client && client) {
    files[dir + client] = clientP12(f.client.certPem, f.client.keyPem, [f.caPem], f.password, f.client.name);
  }
  if (flavor === 'atak') {
    const name = f.client ? `${t.description} (${f.client.name})` : `${t.description} enrollment`;
    files['MANIFEST/manifest.xml'] = strToU8(manifestXml(uid, name, Object.keys(files)));
  }
  return zipSync(files, { level: 6, mtime: new Date() });
}

/** ATAK's enrollment link: scanned or tapped, the client enrolls over 8446 and connects on 8089. */
export function enrollmentLink(host: string, username: string, token: string): string {
  const q = (s: string) => encodeURIComponent(s);
  return `tak://com.atakmap.app/enroll?host=${q(host)}&username=${q(username)}&token=${q(token)}`;
}

/** iTAK's server QR text: "description,host,port,ssl". */
export function itakServerQr(t: ConnectionTarget): string {
  return `${t.description.replace(/,/g, ' ')},${t.host},${t.port},ssl`;
}

function qr(text: string) {
  const q = qrcode(0, 'M');
  q.addData(text, 'Byte');
  q.make();
  return q;
}

/** QR code of `text` as a standalone SVG document. */
export function qrSvg(text: string): string {
  return qr(text).createSvgTag({ cellSize: 6, margin: 4, scalable: true });
}

/** QR code of `text` for a terminal (two rows per line with half blocks, dark on light). */
export function qrTerminal(text: string): string {
  const q = qr(text);
  const n = q.getModuleCount();
  const dark = (r: number, c: number) => r >= 0 && c >= 0 && r < n && c < n && q.isDark(r, c);
  const lines: string[] = [];
  for (let r = -2; r < n + 2; r += 2) {
    let line = '';
    for (let c = -2; c < n + 2; c++) {
      const top = dark(r, c);
      const bottom = dark(r + 1, c);
      line += top && bottom ? ' ' : top ? '▄' : bottom ? '▀' : '█';
    }
    lines.push(line);
  }
  return lines.join('\n');
}
