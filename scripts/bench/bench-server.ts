// The server alone in its own process, for scripts/bench-ingest.ts: configured from the environment like
// `npm start`, but without demo data or banner. Prints one JSON line `{"ready":true,"url":…,"pid":…}` on
// stdout once it listens; SIGTERM/SIGINT drain requests and jobs, then exit. On exit it prints one JSON line
// `{"memoryAtPeak":{rss,heapTotal,heapUsed,external,arrayBuffers}}` on stderr (MB, process.memoryUsage()
// sampled every 100 ms, the sample with the highest RSS): where the peak RSS the bench reports went.
import v8 from 'node:v8';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { startServer, stopOnSignals } from '../../server/main.ts';

const MB = 1e6;
let atPeak: Record<string, number> | undefined;
const sampleMemory = () => {
  const usage: Record<string, number> = { ...process.memoryUsage() };
  if (atPeak && usage.rss! <= atPeak.rss!) return;
  // The V8 heap by space: which kind of object the heap is made of (new, old, large objects, code).
  for (const space of v8.getHeapSpaceStatistics()) usage[space.space_name.replace(/_space$/, '')] = space.space_used_size;
  atPeak = usage;
};
setInterval(sampleMemory, 100).unref();
process.once('exit', () => {
  if (!atPeak) return;
  const inMb = Object.fromEntries(Object.entries(atPeak).map(([k, v]) => [k, Math.round((v / MB) * 10) / 10]));
  // stderr is a pipe to the bench: synchronous on Linux, so the line is out before the process is gone.
  process.stderr.write(`${JSON.stringify({ memoryAtPeak: inMb })}\n`);
});

async function main() {
  const running = await startServer(loadConfig());
  stopOnSignals(running, (msg) => process.stderr.write(`${msg}\n`));
  process.stdout.write(`${JSON.stringify({ ready: true, url: running.url, pid: process.pid })}\n`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
