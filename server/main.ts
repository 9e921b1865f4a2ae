import { serve, type ServerType } from '@hono/node-server';
import { createPlatform, type Platform } from './app.ts';
import type { Config } from './config.ts';
import { createDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';

export interface RunningServer {
  platform: Platform;
  server: ServerType;
  url: string;
  stop(): Promise<void>;
}

/** Migrates, starts the job worker and the HTTP server; `stop` drains both before closing the database. */
export async function startServer(config: Config, overrides: Partial<Parameters<typeof createPlatform>[0]> = {}): Promise<RunningServer> {
  const db = overrides.db ?? createDatabase(config.database);
  await migrateToLatest(db);
  const platform = createPlatform({ config, db, ...overrides });
  if (config.worker.enabled) await platform.startBackground();
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: platform.app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let stopping: Promise<void> | undefined;
  return {
    platform,
    server,
    url: `http://127.0.0.1:${port}`,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive sockets go idle as their last request ends; each would hold close() until its timeout.
        const closeIdle = () => 'closeIdleConnections' in server && server.closeIdleConnections();
        closeIdle();
        const sweep = setInterval(closeIdle, 50);
        await closed;
        clearInterval(sweep);
        await platform.close();
        if (!overrides.db) await db.destroy();
      })();
      return stopping;
    },
  };
}

/** Ends on SIGINT/SIGTERM after in-flight requests and jobs finish. */
export function stopOnSignals(running: RunningServer, log: (msg: string) => void = console.log): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: finishing requests and jobs, then stopping`);
      running.stop().then(
        () => process.exit(0),
        (error) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
}
