/**
 * Federation configuration (`federation.*`): the v2 listener and the peers, each with who it is at our border
 * (nations, clearance, categories), its group maps, its default inbound label, its bandwidth and its TLS material.
 * Peers come from the config file and from `<dataDir>/federation/peers.json` (written by `balticwall federation
 * add|remove`, read by a running hub without a restart).
 */
import { z } from 'zod';

const classification = z.enum(['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET']);

export const peerConfig = z.strictObject({
  /** Unique name; for an inbound peer enrolled here also the CN of its certificate. */
  name: z.string().regex(/^[\w.@-]{1,64}$/, '1-64 letters, digits, . _ - @'),
  /** inbound: the peer connects to our federation port; outbound: we connect to its port. */
  role: z.enum(['inbound', 'outbound']).default('inbound'),
  enabled: z.boolean().default(true),
  /** Outbound: TAK Server Federation v2 (gRPC, port 9001) or v1 (FederatedEvent frames over TLS, port 9000). */
  protocol: z.enum(['v2', 'v1']).default('v2'),
  /** Outbound: the peer's federation host and port. */
  host: z.string().optional(),
  port: z.number().int().min(1).max(65535).default(9001),
  /** The nations the peer's hub serves (ISO 3166 alpha-3): the first is its nation at our gate, the others categories. */
  nations: z.array(z.string().regex(/^[A-Z]{3}$/)).default([]),
  clearance: classification.default('UNCLASSIFIED'),
  /** Further category values the peer holds at our gate (NATO, EU …). */
  categories: z.array(z.string()).default([]),
  /** Our groups whose data may go to the peer -> the group name the peer sees (FederatedEvent.federateGroups). */
  groupsOut: z.record(z.string(), z.string()).default({ __ANON__: '__ANON__' }),
  /** The peer's group names -> our groups its events are published into. */
  groupsIn: z.record(z.string(), z.string()).default({}),
  /** Our groups for a peer event none of whose groups is mapped. */
  groupsInDefault: z.array(z.string()).default(['__ANON__']),
  /** Label given to an unlabelled event from this peer (a foreign TAK Server sends none). */
  defaultLabel: z
    .strictObject({
      classification: classification.default('UNCLASSIFIED'),
      releasableTo: z.array(z.string()).default([]),
    })
    .optional(),
  /** Outbound bandwidth cap in kbit/s (0: none). */
  bandwidthKbps: z.number().min(0).default(0),
  /**
   * Entities this peer's events may hold in our picture (its own bound instead of limits.maxEntitiesPerIdentity;
   * default federation.maxEntitiesPerPeer). A new uid past it is refused (BW_PICTURE_FULL).
   */
  maxEntities: z.number().int().min(1).optional(),
  /** Hubs an event may have passed (ours included) and still be sent to this peer. */
  maxHops: z.number().int().min(1).default(3),
  /** PEM file of the peer's CA, trusted for this peer only (a TAK Server's own CA). */
  ca: z.string().optional(),
  /** Outbound: our client certificate and key (PEM files) for this peer; default our server certificate. */
  cert: z.string().optional(),
  key: z.string().optional(),
  /** Outbound: the TLS name to expect in the peer's server certificate, when it is not `host`. */
  serverName: z.string().optional(),
});

export type PeerConfig = z.infer<typeof peerConfig>;

export const federationConfig = z
  .strictObject({
    enabled: z.boolean().default(false),
    host: z.string().default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(9001),
    /** Federation v1 listener (TAK Server's older protocol): any inbound peer may use it instead of v2. */
    v1: z
      .strictObject({
        enabled: z.boolean().default(false),
        port: z.number().int().min(0).max(65535).default(9000),
      })
      .prefault({}),
    /** Health check interval of every link (also what confirms sent events, see docs/federation.md). */
    healthMs: z.number().int().min(100).default(5000),
    /** Rows a link's durable queue may hold; beyond it positions are dropped (oldest first), nothing else is. */
    queueMaxRows: z.number().int().min(100).default(200_000),
    reconnectMinMs: z.number().int().min(10).default(1000),
    reconnectMaxMs: z.number().int().min(100).default(60_000),
    /**
     * Entities one peer's events may hold in our picture, for every peer without its own `maxEntities`. A national
     * hub federates its whole picture, more than one client identity reports (limits.maxEntitiesPerIdentity); the
     * total bound limits.maxEntities still holds.
     */
    maxEntitiesPerPeer: z.number().int().min(1).default(50_000),
    /** gzip every message on the links. */
    compression: z.boolean().default(true),
    peers: z.array(peerConfig).default([]),
  })
  .prefault({});

export type FederationConfig = z.infer<typeof federationConfig>;
