/**
 * The streaming and bad-input suites once more with `decode.threads: 0`: CoT XML decoded on the hub's own thread
 * (the path a hub takes when its decode threads cannot start). The default runs use a decode thread.
 */
process.env['BW_TEST_DECODE_THREADS'] = '0';
await import('./stream.test.js');
await import('./bad-input.test.js');
