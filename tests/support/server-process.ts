import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(import.meta.dirname, '../..');

/** The environment of a child process: ours without the database variables, then `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL;
  delete inherited.SQLITE_PATH;
  return { ...inherited, LOG_LEVEL: 'silent', ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npx tsx scripts/create-workspace.ts ...args` with only the database variables we give it. */
export function createWorkspaceCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/create-workspace.ts', ...args], { cwd: root, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServerScriptOptions {
  /** Relative to the repository root. Default scripts/bench/bench-server.ts: the server as `npm start` runs it, without demo data. */
  script?: string;
  env: NodeJS.ProcessEnv;
  /** Node flags before `--import tsx`. */
  nodeArgs?: string[];
  /** Called with the child at once, before it is ready (to track it for clean-up). */
  onSpawn?(child: ChildProcess): void;
  /** Each line on stderr, and each stdout line that is not the ready line. */
  onOutput?(line: string): void;
}

/**
 * A server script in a node process of its own (not a tsx wrapper, so the pid is the server's), resolved once it prints
 * its `{"ready":true,"url":…}` line; rejects if it exits first or takes over 60 s. Used by the tests and bench:ingest.
 */
export async function spawnServerScript(options: ServerScriptOptions): Promise<{ child: ChildProcess; url: string }> {
  const { script = 'scripts/bench/bench-server.ts', env, nodeArgs = [], onSpawn, onOutput } = options;
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(root, script)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(child);
  let stderr = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr = `${stderr}${line}\n`.slice(-4000);
    onOutput?.(line);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 60 s\n${stderr}`)), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let printed: { ready?: boolean; url?: string } | undefined;
      try {
        printed = JSON.parse(line);
      } catch {
        // not the ready line
      }
      if (printed?.ready && printed.url) {
        clearTimeout(timer);
        resolve(printed.url);
      } else onOutput?.(line);
    });
  });
  return { child, url };
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Sends the signal and resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The server in a process of its own, configured from `env` like `npm start`, so a test can kill it for real. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  let exited!: Promise<void>;
  const { child, url } = await spawnServerScript({
    env: childEnv({ HOST: '127.0.0.1', PORT: '0', ...env }),
    onSpawn: (spawned) => (exited = new Promise<void>((resolve) => spawned.once('exit', () => resolve()))),
  });
  return {
    url,
    pid: child.pid!,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
