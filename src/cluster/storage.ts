/**
 * The cluster's JetStream storage: the event stream (every accepted event, kept `cluster.retainS`, de-duplicated by
 * message id) and the picture bucket (a KV: the latest state per uid, one revision kept). Created by the first
 * node that finds them missing; every node binds the same ones. And the picture load of a node joining the bus.
 */
import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { Event } from '../model/event.js';
import type { ClusterConfig } from './config.js';
import { readEvent, readHeader } from './message.js';
import type { Names } from './subjects.js';

const NS = 1_000_000_000;

/** Make sure the stream exists with our settings; returns the sequence a new consumer starts at (live from now). */
export async function ensureStorage(
  jsm: JetStreamManager,
  names: Names,
  cfg: ClusterConfig,
): Promise<number> {
  const config = {
    name: names.stream,
    subjects: [names.all],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: cfg.retainS * NS,
    duplicate_window: 120 * NS,
    num_replicas: cfg.replicas,
  };
  let info;
  try {
    info = await jsm.streams.info(names.stream);
  } catch {
    info = await jsm.streams.add(config);
  }
  if (info.config.max_age !== config.max_age) info = await jsm.streams.update(names.stream, config);
  return info.state.last_seq + 1;
}

/** Create or bind the picture bucket. */
export function openBucket(js: JetStreamClient, names: Names, cfg: ClusterConfig): Promise<KV> {
  return new Kvm(js).create(names.bucket, { history: 1, replicas: cfg.replicas, storage: StorageType.File });
}

export interface LoadDeps {
  groups: readonly string[] | undefined;
  maxEventBytes: number;
  now(): number;
  apply(e: Event, groups: readonly string[] | undefined, xml: Uint8Array): void;
  bad(err: unknown): void;
}

/**
 * Hand every live entity of the bucket to the hub (the groups this node serves only). Entries gone stale whose
 * node died before deleting them are deleted here, guarded by their revision.
 */
export async function loadPicture(kv: KV, d: LoadDeps): Promise<number> {
  const status = await kv.status();
  if (status.values === 0) return 0;
  const serve = d.groups ? new Set(d.groups) : undefined;
  let n = 0;
  const w = await kv.watch();
  for await (const entry of w) {
    if (entry.operation === 'PUT') {
      try {
        const { header, xml } = readHeader(entry.value);
        const inScope = !serve || !header.g || header.g.some((g) => serve.has(g));
        if (inScope) {
          const e = readEvent(header, xml, d.maxEventBytes);
          if (e.stale <= d.now()) {
            kv.delete(entry.key, { previousSeq: entry.revision }).catch(() => undefined);
          } else {
            d.apply(e, header.g ?? undefined, xml);
            n++;
          }
        }
      } catch (err) {
        d.bad(err);
      }
    }
    if (entry.delta === 0) break;
  }
  w.stop();
  return n;
}
