// The server alone in its own process, for scripts/bench-ingest.ts: configured from the environment like
// `npm start`, but without demo data or banner. Prints one JSON line `{"ready":true,"url":…,"pid":…}` on
// stdout once it listens; SIGTERM/SIGINT drain requests and jobs, then exit.
import { ConfigError, loadConfig } from '../../server/config.ts';
import { startServer, stopOnSignals } from '../../server/main.ts';

async function main() {
  const running = await startServer(loadConfig());
  stopOnSignals(running, (msg) => process.stderr.write(`${msg}\n`));
  process.stdout.write(`${JSON.stringify({ ready: true, url: running.url, pid: process.pid })}\n`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
