/**
 * Honest lag: how old the data on the page is. Every entity update's age is the page's clock minus the event's
 * `time`, corrected by the offset between the page's and the hub's clocks (measured at `hello`, lowered by any
 * update that arrives sooner than it allows). Ages over ten
 * minutes (replays, wrong clocks) and the first sighting of each uid (the first picture holds positions sent
 * long ago) say nothing about lag and are left out: only updates of what the page already holds count. `behindMs` is the median age of the last two seconds of updates; the header says "behind by N s" when
 * it passes LAG_WARN_MS.
 */
export const LAG_WARN_MS = 3000;
const WINDOW_MS = 2000;
const IGNORE_OVER_MS = 600_000;

export class DataAge {
  /** Page clock minus hub clock (ms). */
  private offset = 0;
  private readonly times: number[] = [];
  private readonly ages: number[] = [];
  /** All ages measured since load, bounded (the bench reads p95). */
  readonly history: number[] = [];

  private readonly seen = new Set<string>();

  /** The hub's clock at hello; `at` is the page's clock then. A new connection sends the picture again. */
  sync(hubNow: number | undefined, at = Date.now()): void {
    if (hubNow !== undefined && Number.isFinite(hubNow)) this.offset = at - hubNow;
    this.seen.clear();
  }

  note(uid: string, eventTime: number, now = Date.now()): void {
    // The hello may have been read late (a busy page): an update that is "younger" than the offset allows shows
    // the offset was too large. Corrections are bounded so one sender with a fast clock cannot skew it far.
    const raw = now - eventTime;
    if (raw < this.offset && this.offset - raw < 10_000) this.offset = raw;
    if (!this.seen.has(uid)) {
      if (this.seen.size < 300_000) this.seen.add(uid);
      return;
    }
    const age = Math.max(0, now - this.offset - eventTime);
    if (age > IGNORE_OVER_MS) return;
    this.times.push(now);
    this.ages.push(age);
    this.history.push(age);
    if (this.history.length > 200_000) this.history.splice(0, 100_000);
    if (this.times.length > 50_000) this.trim(now);
  }

  private trim(now: number): void {
    let i = 0;
    while (i < this.times.length && this.times[i]! < now - WINDOW_MS) i++;
    this.times.splice(0, i);
    this.ages.splice(0, i);
  }

  /** Median age of the last two seconds of updates (0 when none arrived). */
  behindMs(now = Date.now()): number {
    this.trim(now);
    if (!this.ages.length) return 0;
    const s = [...this.ages].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  }
}

/** The header's text for a lag, or '' when the page is current. */
export function lagText(ms: number): string {
  return ms > LAG_WARN_MS ? `behind by ${Math.round(ms / 1000)} s` : '';
}
