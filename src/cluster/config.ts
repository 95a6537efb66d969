/**
 * The `cluster` section of the configuration: off unless `cluster.nats.servers` lists NATS URLs. Validated with the
 * rest of the configuration (src/app/config.ts).
 */
import { z } from 'zod';

/** Names that go into NATS subjects, stream and bucket names: one token, no dots or wildcards. */
const token = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-" only (at most 64)');

export const clusterConfig = z
  .strictObject({
    nats: z
      .strictObject({
        /** NATS URLs (nats://host:4222, tls://host:4222). Empty: no cluster, one process on its own. */
        servers: z.array(z.string().min(1)).default([]),
        /** The cluster's name: prefix of its subjects, stream and bucket. Every node of one cluster uses the same. */
        name: token.default('balticwall'),
        user: z.string().optional(),
        password: z.string().optional(),
        token: z.string().optional(),
        /** A file holding an nkey seed (SU...). */
        nkeySeedFile: z.string().optional(),
        /** A NATS credentials file (JWT and nkey seed, `nsc generate creds`). */
        credsFile: z.string().optional(),
        tls: z
          .strictObject({
            caFile: z.string().optional(),
            certFile: z.string().optional(),
            keyFile: z.string().optional(),
          })
          .optional(),
      })
      .prefault({}),
    /** This process's name on the bus (logs, message ids). Default: host name and process id. */
    node: token.optional(),
    /**
     * Serve only sessions of these server-side groups: the node consumes only their subjects (plus multi-group and
     * directed traffic). Default: every group.
     */
    groups: z.array(z.string().min(1)).optional(),
    /** JetStream replicas of the stream and bucket: 1 for one nats-server, 3 for a production NATS cluster. */
    replicas: z.number().int().min(1).max(5).default(1),
    /** How long the event stream keeps events: a node cut off from NATS for less catches up without a gap. */
    retainS: z.number().int().min(60).default(3600),
    /** Events accepted while NATS is unreachable, kept in order until it is back (bounded; see docs/cluster.md). */
    outboxLimit: z.number().int().min(100).default(100_000),
  })
  .prefault({});

export type ClusterConfig = z.infer<typeof clusterConfig>;
