/**
 * The PKCS#12 that TAK Server's `signClient` (v1) answers: the signed certificate under the alias `signedCert` and
 * each CA certificate under `ca0`, `ca1`…, no private key (the client kept its own), password `atakatak` (TAK
 * Server's fixed keystore password, which clients know). Certificate bags carry a friendlyName (the alias) and
 * Java's trusted-key-usage attribute, so Java's and Bouncy Castle's key stores both list them as trusted entries.
 * Written with node-forge's ASN.1 and PKCS#12 key derivation; forge's own writer gives all certificates one name.
 */
import forge from 'node-forge';

/** TAK Server's keystore password for signClient answers (CertManagerApi's DEFAULT_PASSWORD). */
export const SIGN_CLIENT_P12_PASSWORD = 'atakatak';

const { asn1, pki } = forge;
const seq = (v: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, v);
const oid = (o: string) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const explicit0 = (v: forge.asn1.Asn1[]) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, v);
const int = (n: number) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const der = (a: forge.asn1.Asn1) => asn1.toDer(a).getBytes();

/** Oracle's attribute that marks a trusted certificate entry; its value is anyExtendedKeyUsage. */
const TRUSTED_KEY_USAGE = '2.16.840.1.113894.746875.1.1';
const ANY_EKU = '2.5.29.37.0';
const ITERATIONS = 2048;

function certBag(pem: string, alias: string): forge.asn1.Asn1 {
  const cert = pki.certificateToAsn1(pki.certificateFromPem(pem));
  return seq([
    oid(pki.oids['certBag']!),
    explicit0([seq([oid(pki.oids['x509Certificate']!), explicit0([octets(der(cert))])])]),
    set([
      seq([
        oid(pki.oids['friendlyName']!),
        set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, alias)]),
      ]),
      seq([oid(TRUSTED_KEY_USAGE), set([oid(ANY_EKU)])]),
    ]),
  ]);
}

/** A certificates-only PKCS#12: each entry under its alias, integrity-protected by an HMAC-SHA1 with `password`. */
export function certificatesP12(entries: { alias: string; pem: string }[], password: string): Buffer {
  const safeContents = seq(entries.map((e) => certBag(e.pem, e.alias)));
  const authSafe = der(seq([seq([oid(pki.oids['data']!), explicit0([octets(der(safeContents))])])]));
  const salt = forge.random.getBytesSync(20);
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, ITERATIONS, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', key);
  hmac.update(authSafe);
  const mac = hmac.digest().getBytes();
  const pfx = seq([
    int(3),
    seq([oid(pki.oids['data']!), explicit0([octets(authSafe)])]),
    seq([
      seq([
        seq([oid(pki.oids['sha1']!), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]),
        octets(mac),
      ]),
      octets(salt),
      int(ITERATIONS),
    ]),
  ]);
  return Buffer.from(der(pfx), 'binary');
}
