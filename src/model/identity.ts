/**
 * Who is on the other end of a connection: the identity every egress decision is made for.
 */
import type { Classification } from './label.js';

export interface Identity {
  /** Stable id: certificate subject, user name, or a local operator id. */
  id: string;
  kind: 'user' | 'unit' | 'device' | 'operator' | 'anonymous' | 'federate';
  /** ISO 3166 alpha-3 (LTU, LVA, EST, DEU, POL …). */
  nation?: string;
  clearance: Classification;
  /** Extra category values the identity holds (e.g. NATO, EU, a restrictive category). */
  categories: string[];
  /** Server-side groups (channels) the identity reads and writes. */
  groups: string[];
  /** Certificate serial when the identity came from a client certificate. */
  certSerial?: string;
}

/** The identity that plain local connections get unless the configuration says otherwise. */
export function localOperator(groups: string[] = ['__ANON__']): Identity {
  return { id: 'local-operator', kind: 'operator', clearance: 'UNCLASSIFIED', categories: [], groups };
}
