// Runs SQLite's WAL checkpoints on its own thread and connection (see startWalCheckpoints in database.ts), so the
// server's thread never waits for the checkpoint's writes and fsync. Plain JavaScript: worker threads get no
// TypeScript loader under every runner (tsx, vitest).
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const db = new SQLite(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    // PASSIVE: copies what it can without waiting for or blocking readers and writers.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next round or SQLite's own auto-checkpoint catches up.
  }
}, workerData.everyMs);

parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
