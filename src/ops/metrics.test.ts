import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('metrics', () => {
  it('exports the default process metrics except those that walk every handle or descriptor on each scrape', async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).toContain('bw_process_cpu_user_seconds_total');
    expect(text).toContain('bw_nodejs_heap_size_used_bytes');
    expect(text).toContain('bw_event_loop_lag_seconds');
    for (const costly of ['bw_process_open_fds', 'bw_nodejs_active_handles', 'bw_nodejs_active_resources']) {
      expect(text).not.toMatch(new RegExp(`^${costly}`, 'm'));
    }
  });
});
