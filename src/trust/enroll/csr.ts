/** Reading the CSR a TAK client posts: PEM, or bare base64 of the DER (what ATAK and iTAK send). */
import { x509 } from '../pki/crypto.js';

/** Stable reasons a CSR is refused (src/errors.ts has no codes for them yet). */
export type CsrErrorCode = 'BW_CSR_MALFORMED' | 'BW_CSR_BAD_SIGNATURE' | 'BW_CSR_IDENTITY';

export class CsrError extends Error {
  override name = 'CsrError';
  constructor(
    readonly code: CsrErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const MAX_CSR = 16 * 1024;

/** Parse and verify (proof of possession) a CSR. */
export async function readCsr(body: string): Promise<x509.Pkcs10CertificateRequest> {
  if (body.length > MAX_CSR) throw new CsrError('BW_CSR_MALFORMED', 'CSR larger than 16 KiB');
  // Some clients post the CSR form-encoded (%2B, %2F, %3D for + / =): undo that first.
  if (/%[0-9A-F]{2}/i.test(body)) {
    try {
      body = decodeURIComponent(body);
    } catch {
      throw new CsrError('BW_CSR_MALFORMED', 'CSR is not valid form encoding');
    }
  }
  const b64 = body
    .replace(/-----(BEGIN|END)[ +](NEW[ +])?CERTIFICATE[ +]REQUEST-----/g, '')
    .replace(/\\n/g, '')
    .replace(/\s+/g, '');
  if (!b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64))
    throw new CsrError('BW_CSR_MALFORMED', 'CSR is not PEM or base64');
  let csr: x509.Pkcs10CertificateRequest;
  try {
    const der = Buffer.from(b64, 'base64');
    csr = new x509.Pkcs10CertificateRequest(
      der.buffer.slice(der.byteOffset, der.byteOffset + der.length) as ArrayBuffer,
    );
  } catch (e) {
    throw new CsrError('BW_CSR_MALFORMED', `CSR does not decode: ${(e as Error).message}`);
  }
  const valid = await csr.verify().catch(() => false);
  if (!valid) throw new CsrError('BW_CSR_BAD_SIGNATURE', 'CSR signature does not verify');
  return csr;
}

/** The CSR must be for the authenticated user: its CN equals the user name. */
export function checkCsrIdentity(csr: x509.Pkcs10CertificateRequest, username: string): void {
  const cn = csr.subjectName.getField('CN');
  if (cn.length !== 1 || cn[0] !== username) {
    throw new CsrError('BW_CSR_IDENTITY', `CSR is for "${cn.join(',')}", not for the authenticated user`);
  }
}
