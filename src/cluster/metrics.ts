/** The cluster's Prometheus metrics (bw_cluster_*, listed in docs/operations.md). */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ClusterMetrics {
  connected: Gauge;
  published: Counter;
  received: Counter;
  retries: Counter;
  dropped: Counter<'kind'>;
  pictureLoaded: Counter;
}

export function clusterMetrics(registry: Registry, outbox: () => number): ClusterMetrics {
  new Gauge({
    name: 'bw_cluster_outbox_messages',
    help: 'Accepted events waiting to be acknowledged by JetStream (grows while NATS is unreachable)',
    registers: [registry],
    collect() {
      this.set(outbox());
    },
  });
  return {
    connected: new Gauge({
      name: 'bw_cluster_connected',
      help: '1 while this node is connected to NATS and its stream and bucket are ready, 0 while degraded',
      registers: [registry],
    }),
    published: new Counter({
      name: 'bw_cluster_published_total',
      help: 'Events this node published and JetStream acknowledged',
      registers: [registry],
    }),
    received: new Counter({
      name: 'bw_cluster_received_total',
      help: 'Events of other nodes received from the bus and handed to this node',
      registers: [registry],
    }),
    retries: new Counter({
      name: 'bw_cluster_publish_retries_total',
      help: 'Publishes that failed (NATS unreachable, no acknowledgement in time) and were queued again',
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'bw_cluster_outbox_dropped_total',
      help: 'Events not published because the outbox was full (cluster.outboxLimit)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    pictureLoaded: new Counter({
      name: 'bw_cluster_picture_loaded_total',
      help: 'Entities loaded from the shared picture (the JetStream bucket) when the node joined the bus',
      registers: [registry],
    }),
  };
}
