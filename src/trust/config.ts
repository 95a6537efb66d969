/** Configuration of trust: PKI, enrollment, the mTLS API, labels and audit. Owned by the trust module. */
import { z } from 'zod';
import { CLASSIFICATIONS } from '../model/label.js';

const classification = z.enum(CLASSIFICATIONS);
const nation = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 3166 alpha-3 code in capitals (LTU, LVA, EST, DEU, POL …)');

/** A label as configuration writes it: friendlier than the model's category list. */
export const labelSpec = z.object({
  policy: z.string().min(1).default('NATO'),
  classification: classification.default('UNCLASSIFIED'),
  /** Nations (and category values such as NATO, EU) the data is releasable to; absent = releasable to all. */
  releasableTo: z.array(z.string().min(1)).optional(),
  /** Restrictive categories: tag -> values a recipient must hold all of. */
  restrictive: z.record(z.string(), z.array(z.string().min(1))).default({}),
});
export type LabelSpec = z.infer<typeof labelSpec>;

/**
 * One labelling rule: which sources it matches, the label their unlabelled events get, the floor their own labels may
 * not go below and the highest classification they may publish. The most specific matching rule wins (most match
 * keys; ties go to the first listed).
 */
export const labelRule = z.object({
  match: z
    .object({
      /** Identity id (certificate CN or user name). */
      identity: z.string().optional(),
      nation: nation.optional(),
      /** Transport of the connection: tcp, tls, udp, websocket, internal. */
      transport: z.string().optional(),
      /** Source protocol of the event: cot-xml, takproto, mavlink, web, sim, federation. */
      source: z.string().optional(),
      /** Identity kind: user, unit, device, operator, anonymous, federate. */
      kind: z.string().optional(),
    })
    .prefault({}),
  default: labelSpec.prefault({}),
  /** Defaults to `default`: a source may tighten its label, never loosen it below this. */
  floor: labelSpec.optional(),
  /** Defaults to the sender's clearance. */
  ceiling: classification.optional(),
});
export type LabelRule = z.infer<typeof labelRule>;

/**
 * National classification markings -> NATO level, as read from `access` attributes and 4774 labels.
 * These equivalences follow the published NATO/national tables; each nation's security authority should confirm them.
 */
const DEFAULT_MARKINGS: Record<string, (typeof CLASSIFICATIONS)[number]> = {
  'RIBOTO NAUDOJIMO': 'RESTRICTED',
  KONFIDENCIALIAI: 'CONFIDENTIAL',
  SLAPTAI: 'SECRET',
  'VISIŠKAI SLAPTAI': 'TOP SECRET',
  'DIENESTA VAJADZĪBĀM': 'RESTRICTED',
  KONFIDENCIĀLI: 'CONFIDENTIAL',
  SLEPENI: 'SECRET',
  'SEVIŠĶI SLEPENI': 'TOP SECRET',
  PIIRATUD: 'RESTRICTED',
  KONFIDENTSIAALNE: 'CONFIDENTIAL',
  SALAJANE: 'SECRET',
  'TÄIESTI SALAJANE': 'TOP SECRET',
  'VS-NUR FÜR DEN DIENSTGEBRAUCH': 'RESTRICTED',
  'VS-VERTRAULICH': 'CONFIDENTIAL',
  GEHEIM: 'SECRET',
  'STRENG GEHEIM': 'TOP SECRET',
  ZASTRZEŻONE: 'RESTRICTED',
  POUFNE: 'CONFIDENTIAL',
  TAJNE: 'SECRET',
  'ŚCIŚLE TAJNE': 'TOP SECRET',
};

export const trustConfig = z
  .object({
    pki: z
      .object({
        /** Where the CA, server certificate and CRL live; relative to the data directory. */
        dir: z.string().default('pki'),
        caName: z.string().min(1).default('Baltic Wall CA'),
        /** Host names and addresses put in the server certificate (besides localhost and 127.0.0.1). */
        hosts: z.array(z.string().min(1)).default([]),
        /** The host clients are told to connect to (data packages, enrollment links). Defaults to hosts[0]. */
        publicHost: z.string().optional(),
        caValidityDays: z.number().int().min(1).default(3650),
        serverValidityDays: z.number().int().min(1).default(825),
        clientValidityDays: z.number().int().min(1).default(365),
        /** A new CRL is published this often even without revocations (its nextUpdate is twice this). */
        crlRefreshHours: z.number().min(1).default(24),
        /** Password of the PKCS#12 files we write (ATAK's customary default; packages carry it in clear). */
        p12Password: z.string().min(4).default('atakatak'),
        /** Subject O and OU that /Marti/api/tls/config asks clients to put in their CSR. */
        organization: z.string().default('Baltic Wall'),
        organizationalUnit: z.string().default('Coalition'),
      })
      .prefault({}),
    enrollment: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8446),
        /** Largest request body (a CSR is ~1 KiB). */
        bodyLimit: z
          .number()
          .int()
          .min(1024)
          .default(64 * 1024),
        tokenTtlMinutes: z
          .number()
          .int()
          .min(1)
          .default(24 * 60),
        /** Failed logins before the account is locked, and for how long. */
        maxFailures: z.number().int().min(1).default(5),
        lockoutMinutes: z.number().int().min(1).default(15),
        /** Failed sign-ins one client address may make per minute (any user names) before it gets 429. */
        failuresPerAddressPerMinute: z.number().int().min(1).default(30),
      })
      .prefault({}),
    api: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8443),
      })
      .prefault({}),
    labels: z
      .object({
        /** Policies an event may carry; others are rejected at ingress. */
        policies: z.array(z.string().min(1)).default(['NATO']),
        markings: z.record(z.string(), classification).default(DEFAULT_MARKINGS),
        /** The label of an event no rule matches and that carries none. */
        default: labelSpec.prefault({}),
        rules: z.array(labelRule).default([]),
      })
      .prefault({}),
    audit: z
      .object({
        /** Audit records buffered before a write; beyond this, records are dropped and counted. */
        bufferLimit: z.number().int().min(16).default(10_000),
        flushMs: z.number().int().min(10).default(250),
        /** Egress denials are collected this long and written as one row per (who, uid, rule, path) with a count. */
        denyWindowMs: z.number().int().min(10).default(60_000),
      })
      .prefault({}),
  })
  .prefault({});

export type TrustConfig = z.infer<typeof trustConfig>;
