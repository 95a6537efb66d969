/**
 * How a certificate binds a coalition identity. Documented in docs/trust.md:
 * - Subject: CN = identity id (user or unit name), O = organisation, OU = one per group (the TAK Server convention,
 *   so other TAK tools see the groups too).
 * - A non-critical extension, OID {@link IDENTITY_OID}, whose value is a DER UTF8String holding JSON:
 *   {"v":1,"kind":"user","nation":"LTU","clearance":"SECRET","categories":["NATO"],"groups":["Blue"]}.
 * The extension is the authority; a certificate of our CA without it gets the subject's CN and OUs and the lowest
 * clearance, so an old or foreign-made certificate never gains access it was not explicitly given.
 */
import { X509Certificate as NodeX509 } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { x509 } from './crypto.js';
import type { Identity } from '../../model/identity.js';
import { CLASSIFICATIONS, isClassification } from '../../model/label.js';

/**
 * Provisional private OID of the identity extension. A UUID OID (2.25.<uuid>, X.667) would need no registration, but
 * @peculiar/x509's asn1js 3 cannot encode arcs above 2^53; replace this with an arc under the project's own IANA
 * private enterprise number before fielding (old certificates then fall back to the subject binding).
 */
export const IDENTITY_OID = '1.3.6.1.4.1.64991.4774.1';

const KINDS: Identity['kind'][] = ['user', 'unit', 'device', 'operator', 'anonymous', 'federate'];

/** What is bound into a client certificate. */
export interface IdentitySpec {
  id: string;
  kind: Identity['kind'];
  nation?: string;
  clearance: Identity['clearance'];
  categories: string[];
  groups: string[];
}

/** The identity extension for a certificate. */
export function identityExtension(spec: IdentitySpec): x509.Extension {
  const json = JSON.stringify({
    v: 1,
    kind: spec.kind,
    nation: spec.nation,
    clearance: spec.clearance,
    categories: spec.categories,
    groups: spec.groups,
  });
  return new x509.Extension(IDENTITY_OID, false, derUtf8(json));
}

/** Subject DN for a client certificate; escapes the characters RFC 4514 reserves. */
export function identitySubject(spec: IdentitySpec, organization: string): string {
  const esc = (s: string) => s.replace(/([,+"\\<>;=#])/g, '\\$1');
  const parts = [`CN=${esc(spec.id)}`, `O=${esc(organization)}`];
  for (const g of spec.groups) parts.push(`OU=${esc(g)}`);
  return parts.join(', ');
}

/** DER UTF8String (tag 12). Short and long length forms; values are far below 64 KiB. */
function derUtf8(text: string): ArrayBuffer {
  const body = Buffer.from(text, 'utf8');
  if (body.length > 0xffff) throw new RangeError('identity binding too large');
  const len =
    body.length < 0x80
      ? [body.length]
      : body.length <= 0xff
        ? [0x81, body.length]
        : [0x82, body.length >> 8, body.length & 0xff];
  const der = Buffer.concat([Buffer.from([0x0c, ...len]), body]);
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.length) as ArrayBuffer;
}

function readDerUtf8(raw: ArrayBuffer): string | undefined {
  const b = Buffer.from(raw);
  if (b[0] !== 0x0c || b.length < 2) return undefined;
  let len = b[1]!;
  let off = 2;
  if (len === 0x81) [len, off] = [b[2]!, 3];
  else if (len === 0x82) [len, off] = [(b[2]! << 8) | b[3]!, 4];
  else if (len > 0x7f) return undefined;
  if (off + len !== b.length) return undefined;
  return b.subarray(off).toString('utf8');
}

function parseExtension(raw: ArrayBuffer): Partial<IdentitySpec> | undefined {
  try {
    const o = JSON.parse(readDerUtf8(raw) ?? '') as Record<string, unknown>;
    if (o['v'] !== 1) return undefined;
    const strings = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    return {
      kind: KINDS.includes(o['kind'] as Identity['kind']) ? (o['kind'] as Identity['kind']) : 'user',
      nation: typeof o['nation'] === 'string' && /^[A-Z]{3}$/.test(o['nation']) ? o['nation'] : undefined,
      clearance:
        typeof o['clearance'] === 'string' && isClassification(o['clearance'])
          ? o['clearance']
          : CLASSIFICATIONS[0],
      categories: strings(o['categories']),
      groups: strings(o['groups']),
    };
  } catch {
    return undefined;
  }
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** The identity a certificate binds (PEM, DER, or the peer certificate of a TLS socket). */
export function identityFromCert(
  cert: string | Uint8Array | PeerCertificate | x509.X509Certificate,
): Identity {
  let c: x509.X509Certificate;
  if (cert instanceof x509.X509Certificate) c = cert;
  else if (typeof cert === 'string') c = new x509.X509Certificate(cert);
  else c = new x509.X509Certificate(toArrayBuffer(cert instanceof Uint8Array ? cert : cert.raw));
  const cn = c.subjectName.getField('CN')[0] ?? c.subject;
  const ous = c.subjectName.getField('OU');
  const ext = c.getExtension(IDENTITY_OID);
  const bound = ext ? parseExtension(ext.value) : undefined;
  return {
    id: cn,
    kind: bound?.kind ?? 'user',
    nation: bound?.nation,
    clearance: bound?.clearance ?? CLASSIFICATIONS[0],
    categories: bound?.categories ?? [],
    groups: bound?.groups?.length ? bound.groups : ous.length ? ous : ['__ANON__'],
    certSerial: c.serialNumber.toLowerCase(),
  };
}

/** Alias under the name the lead asked for. */
export const identityFromPeerCert = identityFromCert;

/** Serial (lower-case hex) of a PEM/DER certificate as Node reports it. */
export function serialOf(pem: string): string {
  return new NodeX509(pem).serialNumber.toLowerCase();
}
