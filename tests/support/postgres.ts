import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresServer {
  /** Superuser connection URL (database `postgres`, trust auth on 127.0.0.1). */
  url: string;
  /** Fast shutdown, then removes the data directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL server for one test run: temp data dir, free port, no durability. `settings` are
 * extra postgresql.conf lines (a benchmark loads pg_stat_statements this way).
 */
export async function startPostgres(settings: string[] = []): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const asUser = runAsArgs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  if (asUser) chownToPostgres(dir);
  const as = (tool: string, args: string[]): [string, string[]] => {
    const file = path.join(bin, tool);
    return asUser ? ['runuser', [...asUser, file, ...args]] : [file, args];
  };
  const exec = (tool: string, args: string[]) => run(...as(tool, args), { cwd: dir, timeout: 120_000 });

  let started = false;
  const cleanup = () => {
    // Last resort if the run dies without teardown: never leave a server behind.
    if (started) spawnSync(...as('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate']), { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);

  try {
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    fs.appendFileSync(
      path.join(dataDir, 'postgresql.conf'),
      [
        '',
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'max_connections = 300',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        "log_min_messages = 'warning'",
        ...settings,
        '',
      ].join('\n'),
    );
    await exec('pg_ctl', ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile]);
    started = true;
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let stopped = false;
    return {
      url,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await exec('pg_ctl', ['stop', '-w', '-D', dataDir, '-m', 'fast']);
          started = false;
        } finally {
          process.removeListener('exit', cleanup);
          cleanup();
        }
      },
    };
  } catch (error) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
    const stderr = (error as { stderr?: string }).stderr ?? '';
    process.removeListener('exit', cleanup);
    cleanup();
    throw new Error(`Could not start PostgreSQL: ${(error as Error).message}\n${stderr}\n${log}`.trim());
  }
}

/** The directory holding initdb, pg_ctl and postgres, which must come from one version. */
export function findPostgresBin(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'initdb');
    if (dir && isExecutable(candidate)) return path.dirname(fs.realpathSync(candidate));
  }
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => isExecutable(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) return path.join(root, versions[0], 'bin');
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin. ' +
      'Install them with `apt-get install -y postgresql` (npm test does this when run as root), ' +
      'or set TEST_POSTGRES_URL to an existing server.',
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** initdb refuses root, so root runs the server as the `postgres` system user. */
function runAsArgs(): string[] | null {
  if (process.getuid?.() !== 0) return null;
  if (spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`Could not create the postgres user: ${made.stderr}`);
  }
  return ['-u', 'postgres', '--'];
}

function chownToPostgres(dir: string): void {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  fs.chownSync(dir, uid, gid);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
