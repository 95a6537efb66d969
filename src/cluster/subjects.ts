/**
 * Names on NATS: subjects, the event stream, the picture bucket and the bindings bucket. Events are published on a subject that names
 * the server-side group they were published into, so a node that serves only some groups consumes only theirs
 * (NATS filters on the server; docs/cluster.md says why groups and not nations).
 *
 *   bw.<cluster>.ev.g.<group>   an event published into exactly one group
 *   bw.<cluster>.ev.m           an event published into several groups, or none
 *   bw.<cluster>.ev.d           directed: marti dest or chat members (any node may hold the recipient)
 */

const SAFE_TOKEN = /^[A-Za-z0-9_-]+$/;
const SAFE_KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** A group name as one subject token: as is when it is safe, otherwise `=` and its base64url. */
export function groupToken(group: string): string {
  return SAFE_TOKEN.test(group) ? group : '=' + Buffer.from(group).toString('base64url');
}

/** A uid as a bucket key (keys allow letters, digits, `-_=` and inner dots): as is when safe, else `=` + base64url. */
export function uidKey(uid: string): string {
  return SAFE_KEY.test(uid) ? uid : '=' + Buffer.from(uid).toString('base64url');
}

export class Names {
  readonly prefix: string;
  readonly stream: string;
  readonly bucket: string;
  /** Cluster-wide uid bindings (bindings.ts). */
  readonly bindings: string;

  constructor(cluster: string) {
    this.prefix = `bw.${cluster}.ev`;
    this.stream = `BW_${cluster}_EVENTS`;
    this.bucket = `bw_${cluster}_latest`;
    this.bindings = `bw_${cluster}_bindings`;
  }

  /** Every event subject (the stream's subjects, and the filter of a node that serves all groups). */
  get all(): string {
    return `${this.prefix}.>`;
  }

  get multi(): string {
    return `${this.prefix}.m`;
  }

  get directed(): string {
    return `${this.prefix}.d`;
  }

  /** The subject a bucket key's value is written to (the KV's own stream). */
  bucketSubject(key: string): string {
    return `$KV.${this.bucket}.${key}`;
  }

  group(g: string): string {
    return `${this.prefix}.g.${groupToken(g)}`;
  }

  /** The subject of one event. */
  subjectOf(groups: readonly string[] | undefined, directed: boolean): string {
    if (directed) return this.directed;
    return groups?.length === 1 ? this.group(groups[0]!) : this.multi;
  }

  /** What a node consumes: everything, or its groups' subjects and the shared ones. */
  filters(groups: readonly string[] | undefined): string[] {
    if (!groups) return [this.all];
    return [...new Set(groups.map((g) => this.group(g))), this.multi, this.directed];
  }
}
