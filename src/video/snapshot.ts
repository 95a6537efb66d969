/**
 * Snapshot to marker, as WebTAK and ATAK users expect: a viewer sends the frame it is looking at (a JPEG grabbed
 * from its video element); the hub keeps the image under its SHA-256 in `<dataDir>/video/snapshots/` with the
 * feed's label at that moment, and drops an image marker at the point the camera looks at (events.ts,
 * snapshotEvent) through the feed's own hub session, so routing, the store and the egress gate treat it like the
 * feed's other events. The image is served only through the gate, to whoever may see that label: the COP at
 * `/api/video/snapshots/<sha256>`, TAK clients at `/Marti/sync/content?hash=<sha256>` (where TAK Server serves the
 * files markers attach). Bounded: images up to MAX_SNAPSHOT_BYTES, at most MAX_SNAPSHOTS kept (oldest deleted).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { egress } from '../hub/gate.js';
import type { Identity } from '../model/identity.js';
import type { Label } from '../model/index.js';

export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;
export const MAX_SNAPSHOTS = 2000;
const HASH = /^[0-9a-f]{64}$/;

export interface SnapshotMeta {
  feed: string;
  label: Label;
  groups: string[];
  by: string;
  at: string;
  marker: string;
}

/** A JPEG starts with SOI and a marker (FF D8 FF). */
export const isJpeg = (b: Buffer): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

export class SnapshotStore {
  constructor(private readonly dir: string) {}

  /** Keep `jpeg` with its metadata; returns its SHA-256 (hex). */
  put(jpeg: Buffer, meta: SnapshotMeta): string {
    mkdirSync(this.dir, { recursive: true });
    const sha = createHash('sha256').update(jpeg).digest('hex');
    writeFileSync(join(this.dir, `${sha}.jpg`), jpeg);
    writeFileSync(join(this.dir, `${sha}.json`), JSON.stringify(meta));
    this.prune();
    return sha;
  }

  /**
   * The image for `who`, or undefined when there is none or the gate refuses it (the same answer: a refused
   * reader learns nothing about what exists).
   */
  get(sha: string, who: Identity): Buffer | undefined {
    if (!HASH.test(sha)) return undefined;
    let meta: SnapshotMeta;
    try {
      meta = JSON.parse(readFileSync(join(this.dir, `${sha}.json`), 'utf8')) as SnapshotMeta;
    } catch {
      return undefined;
    }
    if (!egress({ label: meta.label, groups: meta.groups }, who, 'video', meta.feed).allow) return undefined;
    try {
      return readFileSync(join(this.dir, `${sha}.jpg`));
    } catch {
      return undefined;
    }
  }

  private prune(): void {
    const jpgs = readdirSync(this.dir).filter((n) => n.endsWith('.jpg'));
    if (jpgs.length <= MAX_SNAPSHOTS) return;
    const byAge = jpgs
      .map((n) => ({ n, t: statSync(join(this.dir, n)).mtimeMs }))
      .sort((a, b) => a.t - b.t)
      .slice(0, jpgs.length - MAX_SNAPSHOTS);
    for (const { n } of byAge) {
      unlinkSync(join(this.dir, n));
      unlinkSync(join(this.dir, n.replace(/\.jpg$/, '.json')));
    }
  }
}
