/** Configuration of full-motion video (`video:`): feeds, viewers, recording. Owned by the video module. */
import { z } from 'zod';

const classification = z.enum(['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET']);

/** A feed's label when its stream carries no ST 0102 security set (and the floor an ST 0102 label may not go under). */
export const feedLabel = z
  .strictObject({
    classification: classification.default('UNCLASSIFIED'),
    /** Nations (alpha-3) or categories (e.g. NATO) the feed is releasable to; empty = releasable to all. */
    releasableTo: z.array(z.string().regex(/^[A-Z]{3,4}$/)).default([]),
  })
  .prefault({});

export const feedConfig = z.strictObject({
  /** Short id used in URLs: letters, digits, dash, underscore. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, dash and underscore (1-64)'),
  /**
   * Where the stream comes from: `udp://host:port` (unicast listen; `udp://239.1.2.3:port` joins the multicast
   * group), `rtp://host:port` (RTP/MP2T), `rtsp://…` or `srt://…` (pulled through ffmpeg, remux only).
   */
  url: z
    .string()
    .regex(/^(udp|rtp|rtsp|rtsps|srt):\/\//, 'udp://, rtp://, rtsp:// or srt:// URL')
    .max(1024),
  name: z.string().max(128).optional(),
  /** Entity uid of the platform (e.g. MAVLINK-1-1): one entity with its MAVLink track; else KLV-<id>. */
  platformUid: z.string().max(200).optional(),
  /** CoT type of the platform when KLV makes it (default fixed-wing UAV). */
  type: z
    .string()
    .regex(/^[a-z](-[A-Za-z0-9]+)*$/)
    .default('a-f-A-M-F-Q'),
  label: feedLabel,
  /** Server-side groups the feed's entities are published into and that may watch it. */
  groups: z.array(z.string()).default(['__ANON__']),
  /** Keep a recording of this feed (TS segments in the data dir). */
  record: z.boolean().default(false),
  nation: z.string().length(3).optional(),
});
export type FeedConfig = z.infer<typeof feedConfig>;

export const videoConfig = z
  .strictObject({
    enabled: z.boolean().default(true),
    feeds: z.array(feedConfig).default([]),
    /** Feeds at once (configured, added and announced by MAVLink together). */
    maxFeeds: z.number().int().min(1).max(1000).default(64),
    /** Viewers of one feed at once. */
    maxViewersPerFeed: z.number().int().min(1).default(100),
    /** Bytes queued to one viewer before the hub skips whole datagrams for it (the others are not slowed). */
    viewerBufferBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(4 * 1024 * 1024),
    /** A feed with no bytes for this long is stale: its entities go stale as MAVLink's do. */
    staleSeconds: z.number().min(1).default(5),
    /** Most KLV-derived position events per second per feed (the latest KLV wins). */
    maxRateHz: z.number().min(0.1).max(50).default(5),
    /** UDP receive buffer for feed sockets. */
    recvBufferBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(4 * 1024 * 1024),
    /** Base URL clients reach the hub's HTTP API at (for `__video` and the Marti video list); default the HTTP listener. */
    publicUrl: z.string().url().optional(),
    /**
     * Lifetime of the watch tokens in the TAK clients' video lists (a client fetches the list again for new ones);
     * each use also checks the certificate against the CRL and the user's current clearance, nation and groups.
     */
    tokenMinutes: z.number().min(1).max(720).default(10),
    /** ffmpeg used to pull RTSP/SRT sources (remux only). */
    ffmpeg: z.string().default('ffmpeg'),
    /** Ask MAVLink cameras for VIDEO_STREAM_INFORMATION and add the streams they announce as feeds. */
    fromMavlink: z.boolean().default(true),
    /**
     * Which MAVLink announcements are taken (a VIDEO_STREAM_INFORMATION makes the hub listen on a port or start
     * ffmpeg against a URL, so an unchecked sender must not choose it).
     */
    announced: z
      .strictObject({
        /** Only from a frame whose MAVLink 2 signature verified with a configured key (`mavlink.signing.keys`). */
        requireSigned: z.boolean().default(true),
        /** URL schemes an announcement may use. */
        allowSchemes: z
          .array(z.enum(['udp', 'rtp', 'rtsp', 'rtsps', 'srt']))
          .default(['udp', 'rtp', 'rtsp', 'rtsps', 'srt']),
        /**
         * Hosts an announced URL may name: exact names or addresses, or CIDR blocks (`10.20.0.0/16`); empty = any
         * host (of a signed camera).
         */
        allowHosts: z.array(z.string().min(1).max(256)).default([]),
      })
      .prefault({}),
    recording: z
      .strictObject({
        segmentSeconds: z.number().int().min(1).default(60),
        /** Oldest segments of a feed are deleted beyond either limit. */
        maxBytesPerFeed: z
          .number()
          .int()
          .min(1024 * 1024)
          .default(2 * 1024 * 1024 * 1024),
        maxAgeHours: z.number().min(0.01).default(72),
      })
      .prefault({}),
  })
  .prefault({});
export type VideoConfig = z.infer<typeof videoConfig>;
