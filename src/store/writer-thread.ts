/**
 * The store's writer thread: it owns a connection to the database file and runs the latest-state write-behind's
 * transactions (latest-rows.ts), so the hub's event loop never waits on the disk (writer.ts says why). One batch at
 * a time, in the order they were posted; each is answered with its id, and an error's message if it failed.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { prepareLatestWrite } from './latest-rows.js';
import type { FromWriter, ToWriter, WriterData } from './writer-protocol.js';

const data = workerData as WriterData;
const port = parentPort!;
const db = new Database(data.file);
db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
db.pragma('synchronous = NORMAL');
const write = prepareLatestWrite(db);

port.on('message', (m: ToWriter) => {
  if (m.k === 'close') {
    db.close();
    port.close();
    return;
  }
  const t0 = performance.now();
  let reply: FromWriter;
  try {
    write(m.batch);
    reply = { id: m.id, ms: performance.now() - t0 };
  } catch (e) {
    reply = { id: m.id, ms: performance.now() - t0, error: String((e as Error)?.message ?? e) };
  }
  port.postMessage(reply);
});
