/** Minimal reader of the Prometheus text exposition format: enough to sum counters by name for a bench report. */

/** Parsed samples: metric name -> list of { labels, value }. */
export type PromSamples = Map<string, { labels: string; value: number }[]>;

/** Parse exposition text; comment and malformed lines are skipped. */
export function parseProm(text: string): PromSamples {
  const out: PromSamples = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (Number.isNaN(value)) continue;
    const list = out.get(m[1]!) ?? [];
    list.push({ labels: m[2] ?? '', value });
    out.set(m[1]!, list);
  }
  return out;
}

/** Sum of all samples whose name matches; undefined when none matched (the metric does not exist). */
export function sumMatching(samples: PromSamples, match: (name: string) => boolean): number | undefined {
  let total: number | undefined;
  for (const [name, list] of samples) {
    if (!match(name)) continue;
    for (const s of list) total = (total ?? 0) + s.value;
  }
  return total;
}

/** GET a /metrics page over loopback; undefined on any failure (the bench still reports without it). */
export async function scrape(url: string, timeoutMs = 15_000): Promise<PromSamples | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    return parseProm(await res.text());
  } catch {
    return undefined;
  }
}
