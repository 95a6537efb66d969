/** Configuration of the browser COP and its APIs (proposed `web` section of the root schema). */
import { z } from 'zod';

/**
 * A map the COP can draw: a local file the hub serves (a `.pmtiles` or `.mbtiles` file, or a directory of
 * `{z}/{x}/{y}.<ext>` tiles), or an XYZ / WMTS REST URL template the browser fetches itself.
 */
export const mapSourceConfig = z
  .object({
    name: z.string().min(1).max(80),
    file: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
    /** Opacity when drawn (overlays: over the basemap). */
    opacity: z.number().min(0).max(1).default(1),
    attribution: z.string().max(200).optional(),
  })
  .refine((m) => (m.file === undefined) !== (m.url === undefined), {
    message: 'give exactly one of file or url',
  });

export type MapSourceConfig = z.infer<typeof mapSourceConfig>;

export const webConfig = z
  .object({
    enabled: z.boolean().default(true),
    /**
     * Also serve the COP and its APIs over HTTPS on the trust module's API listener (`trust.api`, 8443), with the
     * hub's server certificate, next to the TAK clients' Marti routes (which keep requiring a client certificate).
     */
    https: z.boolean().default(true),
    /** On HTTPS, a browser presenting a valid client certificate of the hub's CA is signed in as its identity. */
    certificateSignIn: z.boolean().default(true),
    /**
     * Development sign-in: anyone may sign in as any user, nation and clearance, with no password. Off by default;
     * when on, every page shows a warning strip and the hub logs a warning at start.
     */
    devMode: z.boolean().default(false),
    /** Server-side groups given to development-mode identities. */
    devGroups: z.array(z.string()).default(['__ANON__']),
    /** Built web app (vite output). */
    staticDir: z.string().default('dist/web'),
    /** Optional raster tile URL template ({z}/{x}/{y}) for detail over the offline basemap. */
    tiles: z.string().optional(),
    /** Optional local raster PMTiles archive served to signed-in pages for detail (see pmtiles.ts). */
    pmtiles: z.string().min(1).optional(),
    /** Basemaps the page can switch to (the bundled offline Natural Earth map is always there). */
    basemaps: z.array(mapSourceConfig).max(20).default([]),
    /** Raster overlays drawn over the basemap (XYZ/WMTS services, or local tiles served by the hub). */
    overlays: z.array(mapSourceConfig).max(20).default([]),
    /** Sign-in sessions: lifetime and how many may exist at once (oldest evicted). */
    sessionTtlMs: z
      .number()
      .int()
      .min(60_000)
      .default(12 * 3600_000),
    maxSessions: z.number().int().min(1).default(10_000),
    /** Failed sign-ins one address may make per minute; past that /api/login answers 429 for the rest of it. */
    signInFailuresPerMinute: z.number().int().min(1).default(30),
    /** Messages per second one page may send (markers, chat …), and its burst. */
    messageRate: z.number().min(1).default(20),
    messageBurst: z.number().min(1).default(100),
    /**
     * Bytes buffered for a browser before the hub stops writing and lets positions coalesce per uid: small, so a
     * page that falls behind gets the latest state instead of seconds of backlog.
     */
    socketHighWater: z
      .number()
      .int()
      .min(16_384)
      .default(256 * 1024),
    /** Characters of messages a page that uses flow control may have unprocessed before the hub coalesces. */
    flowWindow: z
      .number()
      .int()
      .min(16_384)
      .default(256 * 1024),
    /** Largest message a page may send, in bytes. */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
  })
  .prefault({});

export type WebConfig = z.infer<typeof webConfig>;
