/**
 * Scale-out and failover on NATS JetStream (docs/cluster.md): many hub processes, one picture. Off unless
 * `cluster.nats.servers` is configured; the composition root (src/app) starts a {@link ClusterNode} then.
 */
export { clusterConfig, type ClusterConfig } from './config.js';
export { ClusterNode, type ClusterDeps, type ClusterStatus } from './node.js';
