// `npm run bench:ingest -- [--candidates 50] [--storage local|s3] [--seconds 30] [--answers 10] [--rounds 2] [--levels 10,50,100]`
//
// Recording ingest benchmark. Starts the server as a child process (scripts/bench/bench-server.ts, SQLite and
// storage in a temp dir, s3rver as another child process with --storage s3) and measures, in one run:
//  - chunk throughput through the server: N candidates at once, each PUTting a real recorder-style WebM in
//    one-second chunks, one after the other, as fast as the server accepts them;
//  - the direct throughput: the same bytes, keys and concurrency written straight to the same storage
//    driver (createStorage) from this process, without the server; and their ratio;
//  - for reference, the same uploads through a bare node:http server that only stores each body with the same
//    driver (scripts/bench/bare-upload-server.ts): what HTTP alone allows on this machine, so the platform's own
//    overhead is server/bare (the client shares the machine's cores with whichever server it talks to);
//  - the server process's peak RSS (VmHWM, /proc sampled every 100 ms) at 10, N and 100 candidates, each
//    level in a fresh server process, and its process.memoryUsage() (heap, V8 old/new space, external, array
//    buffers) at its highest sampled RSS;
//  - p50/p95 from submit to `ready` for two-minute answers, one at a time, and beside each the bare ffmpeg
//    remux + thumbnail commands on the same recording;
//  - extractThumbnail at 1 s on a remuxed 30-second and 10-minute answer (fast seek: same time).
// Prints a table with the goals and PASS/MISS, and as its last line a machine-readable `ingest …` summary.
// Exits 0 when a goal is missed (the figures say so); 1 only when the benchmark itself failed.
// Generated media is cached in /tmp/bench-media (BENCH_MEDIA_DIR) so re-runs start at once.
// The server process gets the node flags `npm start` gives the server (package.json's "start" script, read at
// run time: one place for both); BENCH_SERVER_NODE_ARGS adds node flags after them (to the server and to the bare
// HTTP server), e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof', or '--heap-growing-percent=0' to measure with V8's own heap growing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chunkKey } from '../server/answers/recording-limits.ts';
import { remuxAnswer } from '../server/media/answer-remux.ts';
import { extractThumbnail } from '../server/media/answer-thumbnail.ts';
import { probeMedia } from '../server/media/media-probe.ts';
import { createStorage, type StorageOptions } from '../server/storage/create-storage.ts';
import type { MediaStorage } from '../server/storage/media-storage.ts';
import { spawnServerScript } from '../tests/support/server-process.ts';
import { cpuBetween, cpuSnapshot } from './bench/machine-cpu.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MEDIA_DIR = process.env.BENCH_MEDIA_DIR || path.join(os.tmpdir(), 'bench-media');
const MiB = 1024 * 1024;

// Goals from the issue. The two "same"/"little" goals need a number: these are ours.
const GOAL_RATIO = 0.85;
const GOAL_PEAK_RSS_MB = 250;
/** "Grows little from 10 to 100 candidates": 90 more candidates may add at most this much peak RSS. */
const GOAL_RSS_GROWTH_MB = 30;
const GOAL_FINALIZE_RATIO = 1.3;
/** "Takes the same time": within timing noise of ~100 ms ffmpeg runs. */
const GOAL_THUMB_RATIO = 1.25;

const FINALIZE_SECONDS = 120;
const THUMB_SHORT_SECONDS = 30;
const THUMB_LONG_SECONDS = 600;
const THUMB_RUNS = 5;
const POLL_MS = 10;
const RECORDER_MIME = 'video/webm;codecs=vp8,opus';

// ---------------------------------------------------------------------------------------------- options

const usage = `Usage: tsx scripts/bench-ingest.ts [--candidates 50] [--storage local|s3] [--seconds 30] [--answers 10] [--rounds 2] [--levels 10,N,100]
  --candidates N   simultaneous candidates of the headline run (ratio, peak RSS)
  --storage        local (default) or s3 (an s3rver child process)
  --seconds S      length of each candidate's recording = chunks per candidate (one-second chunks)
  --answers K      two-minute answers finalised one at a time for the submit-to-ready p50/p95
  --rounds R       alternating direct/server rounds at N candidates (best of R each); 1 at other levels
  --levels         candidate counts measured, each in a fresh server process (default 10,N,100)`;

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        candidates: { type: 'string', default: '50' },
        storage: { type: 'string', default: 'local' },
        seconds: { type: 'string', default: '30' },
        answers: { type: 'string', default: '10' },
        rounds: { type: 'string', default: '2' },
        levels: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`error: --${name} must be an integer from ${min} to ${max}\n${usage}`);
      process.exit(2);
    }
    return n;
  };
  const candidates = int('candidates', values.candidates!, 1, 1000);
  if (values.storage !== 'local' && values.storage !== 's3') {
    console.error(`error: --storage must be local or s3\n${usage}`);
    process.exit(2);
  }
  const levels = values.levels
    ? values.levels.split(',').map((v) => int('levels', v.trim(), 1, 1000))
    : [10, candidates, 100];
  if (!levels.includes(candidates)) levels.push(candidates);
  return {
    candidates,
    storage: values.storage as 'local' | 's3',
    seconds: int('seconds', values.seconds!, 2, 600),
    answers: int('answers', values.answers!, 1, 100),
    rounds: int('rounds', values.rounds!, 1, 10),
    levels: [...new Set(levels)].sort((a, b) => a - b),
  };
}

// ---------------------------------------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => quantile(xs, 0.5);
/** Nearest-rank quantile. */
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'NaN');
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs at most `limit` of the tasks at once. */
async function inParallel<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** Every process we start, so a crash or Ctrl-C still stops them (by their own pid). */
const children = new Set<ChildProcess>();
let interrupted = false;

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitForExit(child, 30_000))) {
    child.kill('SIGKILL');
    await waitForExit(child, 5_000);
  }
}

/** Runs a command to completion; rejects with its stderr on a non-zero exit. `stdoutFile` receives stdout. */
function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdoutFile?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, args, { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const written = options.stdoutFile
      ? new Promise<void>((done, failed) => child.stdout!.pipe(createWriteStream(options.stdoutFile!)).on('finish', done).on('error', failed))
      : (child.stdout!.setEncoding('utf8').on('data', (t: string) => (stdout += t)), Promise.resolve());
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${stderr.slice(-4000)}`));
      written.then(() => resolve(stdout), reject);
    });
  });
}

// ---------------------------------------------------------------------------------------------- media

const quiet = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];

const making = new Map<string, Promise<string>>();

/** Made once into MEDIA_DIR; written under a temp name and renamed so an interrupted run leaves nothing half-made. */
function cachedMedia(name: string, make: (file: string) => Promise<void>): Promise<string> {
  let made = making.get(name);
  if (!made) {
    made = (async () => {
      const file = path.join(MEDIA_DIR, name);
      if (existsSync(file)) return file;
      await mkdir(MEDIA_DIR, { recursive: true });
      const part = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
      log(`making ${name} (cached in ${MEDIA_DIR})`);
      try {
        await make(part);
        await rename(part, file);
      } finally {
        await rm(part, { force: true });
      }
      return file;
    })();
    making.set(name, made);
  }
  return made;
}

/**
 * Ten seconds of camera-like WebM (VP8 + Opus, keyframe every 3 s), seekable. The noise keeps VP8 at its
 * target bitrate, as a real camera image does; the plain test pattern would compress to a third.
 */
function baseClip(quality: 'webcam' | 'small'): Promise<string> {
  const q = quality === 'webcam'
    ? { size: '640x480', fps: 30, video: '2M', audio: '64k', noise: ',noise=alls=12:allf=t' }
    : { size: '320x240', fps: 15, video: '150k', audio: '32k', noise: '' };
  return cachedMedia(`base-${q.size}-${q.video}-10s.webm`, (file) =>
    run('ffmpeg', [
      ...quiet,
      '-f', 'lavfi', '-i', `testsrc2=size=${q.size}:rate=${q.fps}:duration=10`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:duration=10',
      '-vf', `format=yuv420p${q.noise}`,
      '-c:v', 'libvpx', '-b:v', q.video, '-deadline', 'realtime', '-cpu-used', '8', '-g', String(q.fps * 3),
      '-c:a', 'libopus', '-b:a', q.audio, '-shortest', '-f', 'webm', file,
    ]).then(() => undefined));
}

/**
 * `seconds` of the base clip looped by stream copy, written through pipe:1 with its metadata dropped: no
 * duration and no cues, like MediaRecorder's output. (An output `-t` would make the muxer write a duration.)
 */
async function recorderWebm(quality: 'webcam' | 'small', seconds: number): Promise<string> {
  const base = await baseClip(quality);
  return cachedMedia(`recorder-${path.basename(base, '.webm')}-${seconds}s.webm`, (file) =>
    run('ffmpeg', [...quiet, '-stream_loop', '-1', '-t', String(seconds), '-i', base, '-map_metadata', '-1', '-c', 'copy', '-f', 'webm', 'pipe:1'], { stdoutFile: file })
      .then(() => undefined));
}

/** About one piece per second: MediaRecorder's timeslice chunks are consecutive byte ranges like these. */
function oneSecondChunks(whole: Buffer, seconds: number): Buffer[] {
  const pieceSize = Math.ceil(whole.byteLength / seconds);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < whole.byteLength; offset += pieceSize) chunks.push(whole.subarray(offset, offset + pieceSize));
  return chunks;
}

// ---------------------------------------------------------------------------------------------- HTTP client

interface Reply {
  status: number;
  body: any;
}

/** Keep-alive client over node:http (undici's Agent is not a dependency); one socket per simultaneous candidate. */
class Client {
  readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
    sockets = 16,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(method: string, urlPath: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply> {
    const headers: Record<string, string | number> = { ...extraHeaders };
    if (this.apiKey) headers['x-api-key'] = this.apiKey;
    let payload: Buffer | undefined;
    if (body instanceof Uint8Array) {
      payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      headers['content-type'] ??= 'application/octet-stream';
    } else if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      headers['content-type'] = 'application/json';
    }
    headers['content-length'] = payload?.byteLength ?? 0;
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.baseUrl}${urlPath}`, { method, headers, agent: this.agent }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (p: Buffer) => parts.push(p));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let parsed: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text) {
            try {
              parsed = JSON.parse(text);
            } catch {
              // keep the text
            }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async expect(status: number | number[], method: string, urlPath: string, body?: unknown): Promise<any> {
    const reply = await this.request(method, urlPath, body);
    const ok = Array.isArray(status) ? status.includes(reply.status) : reply.status === status;
    if (!ok) throw new Error(`${method} ${urlPath.replace(/\/candidate\/[^/]+/, '/candidate/…')}: HTTP ${reply.status} ${JSON.stringify(reply.body).slice(0, 500)}`);
    return reply.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------- processes

/** VmRSS and VmHWM (peak) of a process, in MB (10^6 bytes: the unit of the goals). */
function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: (kb('VmRSS') * 1024) / 1e6, hwmMb: (kb('VmHWM') * 1024) / 1e6 };
  } catch {
    return null;
  }
}

let clockTicks: number | undefined;

/** User + system CPU time a process has used so far, in ms (/proc/<pid>/stat utime + stime). */
function cpuMsOf(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return NaN;
  }
}

class RssSampler {
  maxRssMb = 0;
  private timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  private sample(): void {
    const m = memoryOf(this.pid);
    if (m && m.rssMb > this.maxRssMb) this.maxRssMb = m.rssMb;
  }

  /** The kernel's high-water mark covers the moments between samples too. */
  stop(): { peakMb: number; sampledMaxMb: number } {
    clearInterval(this.timer);
    this.sample();
    const m = memoryOf(this.pid);
    return { peakMb: Math.max(m?.hwmMb ?? 0, this.maxRssMb), sampledMaxMb: this.maxRssMb };
  }
}

/** process.memoryUsage() of the server at its highest sampled RSS, in MB (printed by bench-server.ts on exit). */
interface MemoryAtPeak {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** V8 heap spaces (bench-server.ts also prints the others). */
  old?: number;
  new?: number;
}

interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** Known once stopped (bench-server.ts only). */
  memoryAtPeak(): MemoryAtPeak | undefined;
}

/**
 * The node flags `npm start` runs the server with: package.json's "start" script is
 * `node [--flag …] --import tsx scripts/start.ts`, and the bench's server gets the same flags from there.
 */
function productionNodeFlags(): string[] {
  const start: unknown = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts?.start;
  const match = typeof start === 'string' ? /^node((?:\s+--[^\s=]+(?:=\S+)?)*?)\s+--import\s+tsx\s+scripts\/start\.ts$/.exec(start.trim()) : null;
  if (!match) throw new Error(`package.json's start script is not \`node [--flag …] --import tsx scripts/start.ts\`: ${JSON.stringify(start)}`);
  return match[1]!.split(/\s+/).filter(Boolean);
}
const SERVER_NODE_FLAGS = productionNodeFlags();
/** BENCH_SERVER_NODE_ARGS: node flags added after those, to the server and to the bare HTTP server. */
const EXTRA_NODE_FLAGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

/** The server alone in a child node process (not a tsx wrapper), so /proc/<pid> is the server itself. */
async function startServerProcess(env: NodeJS.ProcessEnv, script = 'scripts/bench/bench-server.ts'): Promise<ServerProcess> {
  // The platform's server runs with production's node flags; the bare HTTP server, the reference, with node's defaults.
  // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server (written when it stops).
  const nodeArgs = [
    ...(script === 'scripts/bench/bench-server.ts' ? SERVER_NODE_FLAGS : []),
    ...EXTRA_NODE_FLAGS,
  ];
  let memoryAtPeak: MemoryAtPeak | undefined;
  const { child, url } = await spawnServerScript({
    script,
    env,
    nodeArgs,
    onSpawn: track,
    onOutput: (line) => {
      if (line.startsWith('{"memoryAtPeak"')) memoryAtPeak = JSON.parse(line).memoryAtPeak;
      process.stderr.write(`[server] ${line}\n`);
    },
  });
  return { url, pid: child.pid!, stop: () => stopChild(child), memoryAtPeak: () => memoryAtPeak };
}

interface S3Process {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** s3rver in its own process, so neither the server nor this client pays for its CPU inside their event loops. */
async function startS3rver(directory: string): Promise<S3Process> {
  const port = await freePort();
  const bucket = 'media';
  const child = track(spawn(process.execPath, [
    // Paged ListObjectsV2 needs the legacy provider (see FACTS.md); harmless otherwise.
    '--openssl-legacy-provider', path.join(ROOT, 'node_modules/s3rver/bin/s3rver.js'),
    '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent', '--configure-bucket', bucket,
  ], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`s3rver exited with ${child.exitCode}: ${stderr}`);
    const up = await new Promise<boolean>((resolve) => {
      const req = http.get(`${endpoint}/${bucket}`, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`s3rver did not answer within 30 s: ${stderr}`);
    await sleep(100);
  }
  return { endpoint, bucket, stop: () => stopChild(child) };
}

// ---------------------------------------------------------------------------------------------- the platform

interface Candidate {
  interviewId: string;
  token: string;
  answerId: string;
  /** For the bare HTTP server: chunks go to `/${path}/chunks/${seq}` instead of the platform's API. */
  path?: string;
}

class Platform {
  private positionId?: string;
  private counter = 0;

  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly apiKey: string,
    private readonly maxAnswerSeconds: number,
  ) {}

  /** Invites `count` candidates without email (one bulk request) and starts one take each. */
  async candidates(api: Client, count: number, label: string): Promise<Candidate[]> {
    if (!this.positionId) {
      const position = await api.expect(201, 'POST', '/api/positions', {
        name: 'Ingest benchmark',
        questions: [{ title: 'Tell us about yourself', thinkTimeSeconds: 0, maxAnswerSeconds: this.maxAnswerSeconds, retakes: 0 }],
      });
      this.positionId = position.id;
    }
    const rows: any[] = [];
    for (let from = 0; from < count; from += 500) {
      const batch = Array.from({ length: Math.min(500, count - from) }, () => {
        const n = ++this.counter;
        return { name: `Bench Candidate ${n}`, email: `bench-${label}-${n}-${randomBytes(3).toString('hex')}@example.com` };
      });
      const report = await api.expect(200, 'POST', `/api/positions/${this.positionId}/interviews/bulk`, { candidates: batch, sendEmail: false });
      if (report.rejected) throw new Error(`bulk invite rejected rows: ${JSON.stringify(report.rows.filter((r: any) => r.status !== 'created')).slice(0, 500)}`);
      rows.push(...report.rows);
    }
    return inParallel(rows.length, 8, async (i) => {
      const interview = rows[i].interview;
      const token = new URL(interview.url.public).pathname.split('/').pop()!;
      const view = await api.expect(200, 'GET', `/api/candidate/${token}`);
      const take = await api.expect(201, 'POST', `/api/candidate/${token}/questions/${view.questions[0].id}/takes`, { mimeType: RECORDER_MIME });
      return { interviewId: interview.id, token, answerId: take.answerId };
    });
  }
}

interface Run {
  wallMs: number;
  putMs: number[];
  /** CPU the writing process used meanwhile: the server's for uploads, this process's for direct writes. */
  cpuMs: number;
  /** CPU this process used meanwhile as the HTTP client (uploads only): it shares the machine with the server. */
  clientCpuMs: number;
}

/** Each candidate PUTs its chunks one after the other, all candidates at once; returns the wall time and each PUT's time. */
async function uploadAll(client: Client, candidates: Candidate[], chunks: Buffer[], serverPid?: number): Promise<Run> {
  const putMs: number[] = [];
  const cpuBefore = serverPid ? cpuMsOf(serverPid) : NaN;
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    candidates.map(async (c) => {
      for (let seq = 0; seq < chunks.length; seq++) {
        const t0 = performance.now();
        const url = c.path ? `/${c.path}/chunks/${String(seq).padStart(6, '0')}` : `/api/candidate/${c.token}/answers/${c.answerId}/chunks/${seq}`;
        const reply = await client.request('PUT', url, chunks[seq]);
        putMs.push(performance.now() - t0);
        if (reply.status !== 201) throw new Error(`chunk ${seq}: HTTP ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const clientCpu = process.cpuUsage(clientBefore);
  return { wallMs, putMs, cpuMs: serverPid ? cpuMsOf(serverPid) - cpuBefore : NaN, clientCpuMs: (clientCpu.user + clientCpu.system) / 1000 };
}

/** The same bytes and concurrency through the bare HTTP server (scripts/bench/bare-upload-server.ts) into the same driver. */
async function bareHttpAll(client: Client, count: number, chunks: Buffer[], serverPid: number): Promise<Run> {
  const key = () => `interviews/bare${randomUUID().replaceAll('-', '')}/answers/${randomUUID().replaceAll('-', '')}`;
  return uploadAll(client, Array.from({ length: count }, () => ({ interviewId: '', token: '', answerId: '', path: key() })), chunks, serverPid);
}

/** The same bytes, keys and concurrency straight into the storage driver, no server. */
async function directAll(storageOptions: StorageOptions, count: number, chunks: Buffer[]): Promise<Run> {
  const storage = createStorage(storageOptions);
  const putMs: number[] = [];
  const write = async (interviewId: string, answerId: string, seq: number) => {
    const chunk = chunks[seq]!;
    const t0 = performance.now();
    await storage.put(chunkKey(interviewId, answerId, seq, randomBytes(6).toString('hex')), chunk, { contentType: 'application/octet-stream', contentLength: chunk.byteLength });
    return performance.now() - t0;
  };
  try {
    // Warm-up: the client's first connections, the directories.
    await Promise.all(Array.from({ length: Math.min(count, 4) }, () => write(`warmup${randomUUID()}`, randomUUID(), 0)));
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: count }, async () => {
        const interviewId = `direct${randomUUID().replaceAll('-', '')}`;
        const answerId = randomUUID().replaceAll('-', '');
        for (let seq = 0; seq < chunks.length; seq++) putMs.push(await write(interviewId, answerId, seq));
      }),
    );
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    return { wallMs, putMs, cpuMs: (cpu.user + cpu.system) / 1000, clientCpuMs: 0 };
  } finally {
    await storage.close();
  }
}

// ---------------------------------------------------------------------------------------------- phases

interface LevelResult {
  candidates: number;
  rounds: number;
  serverMibS: number;
  directMibS: number;
  ratio: number;
  /** Through a bare node:http server into the same driver (no platform): what HTTP alone allows on this machine. */
  bareMibS: number;
  bareCpuMsPerChunk: number;
  peakRssMb: number;
  idleRssMb: number;
  memoryAtPeak?: MemoryAtPeak;
  serverPutP50: number;
  serverPutP95: number;
  directPutP50: number;
  directPutP95: number;
  /** CPU per chunk: the server process's while it took uploads, this process's while it wrote directly. */
  serverCpuMsPerChunk: number;
  clientCpuMsPerChunk: number;
  directCpuMsPerChunk: number;
  /** The server's CPU use during its fastest round, in % of one core. */
  serverCpuPercent: number;
}

async function throughputLevel(platform: Platform, storageOptions: StorageOptions, count: number, rounds: number, chunks: Buffer[]): Promise<LevelResult> {
  const server = await startServerProcess(platform.env);
  let result: LevelResult;
  try {
    result = await throughputRounds(server, platform, storageOptions, count, rounds, chunks);
  } finally {
    await server.stop();
  }
  return { ...result, memoryAtPeak: server.memoryAtPeak() };
}

async function throughputRounds(server: ServerProcess, platform: Platform, storageOptions: StorageOptions, count: number, rounds: number, chunks: Buffer[]): Promise<LevelResult> {
  const bytes = count * chunks.reduce((n, c) => n + c.byteLength, 0);
  const bare = await startServerProcess(platform.env, 'scripts/bench/bare-upload-server.ts');
  const api = new Client(server.url, platform.apiKey);
  const client = new Client(server.url, undefined, count + 8);
  const bareClient = new Client(bare.url, undefined, count + 8);
  try {
    // Warm-up (JIT, connections, directories), then every candidate's take is started before the clock runs.
    const warm = await platform.candidates(api, 4, `warm${count}`);
    await uploadAll(client, warm, chunks.slice(0, 3));
    await bareHttpAll(bareClient, 4, chunks.slice(0, 3), bare.pid);
    const perRound = [];
    for (let r = 0; r < rounds; r++) perRound.push(await platform.candidates(api, count, `l${count}r${r}`));
    const idleRssMb = memoryOf(server.pid)?.rssMb ?? NaN;
    const sampler = new RssSampler(server.pid);
    const direct: Run[] = [];
    const viaServer: Run[] = [];
    const viaBare: Run[] = [];
    const mibS = (run: Run) => fmt(bytes / MiB / (run.wallMs / 1000));
    for (let r = 0; r < rounds; r++) {
      // Alternating, so drift in the machine's load (or disk write-back) hits every side alike.
      direct.push(await directAll(storageOptions, count, chunks));
      viaServer.push(await uploadAll(client, perRound[r]!, chunks, server.pid));
      viaBare.push(await bareHttpAll(bareClient, count, chunks, bare.pid));
      log(`${count} candidates, round ${r + 1}/${rounds}: direct ${mibS(direct.at(-1)!)} MiB/s, server ${mibS(viaServer.at(-1)!)} MiB/s, bare HTTP ${mibS(viaBare.at(-1)!)} MiB/s`);
    }
    const { peakMb } = sampler.stop();
    const fastest = (runs: Run[]) => runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    const bestServer = fastest(viaServer);
    const bestDirect = fastest(direct);
    const bestBare = fastest(viaBare);
    const bareMibS = bytes / MiB / (bestBare.wallMs / 1000);
    const serverMibS = bytes / MiB / (bestServer.wallMs / 1000);
    const directMibS = bytes / MiB / (bestDirect.wallMs / 1000);
    const chunkCount = count * chunks.length;
    const serverPuts = viaServer.flatMap((x) => x.putMs);
    const directPuts = direct.flatMap((x) => x.putMs);
    return {
      candidates: count,
      rounds,
      serverMibS,
      directMibS,
      ratio: serverMibS / directMibS,
      bareMibS,
      bareCpuMsPerChunk: bestBare.cpuMs / chunkCount,
      peakRssMb: peakMb,
      idleRssMb,
      serverPutP50: median(serverPuts),
      serverPutP95: quantile(serverPuts, 0.95),
      directPutP50: median(directPuts),
      directPutP95: quantile(directPuts, 0.95),
      serverCpuMsPerChunk: bestServer.cpuMs / chunkCount,
      clientCpuMsPerChunk: bestServer.clientCpuMs / chunkCount,
      directCpuMsPerChunk: bestDirect.cpuMs / chunkCount,
      serverCpuPercent: (100 * bestServer.cpuMs) / bestServer.wallMs,
    };
  } finally {
    client.close();
    bareClient.close();
    api.close();
    await bare.stop();
  }
}

/** `ffmpeg -i rec.webm -c copy out.webm` + `ffmpeg -ss 1 -i out.webm -frames:v 1 thumb.jpg`, as plain processes. */
async function bareFfmpeg(recording: string, dir: string, storage?: MediaStorage): Promise<{ ffmpegMs: number; storeMs: number }> {
  const out = path.join(dir, 'bare-out.webm');
  const thumb = path.join(dir, 'bare-thumb.jpg');
  const t0 = performance.now();
  await run('ffmpeg', [...quiet, '-i', recording, '-c', 'copy', out]);
  await run('ffmpeg', [...quiet, '-ss', '1', '-i', out, '-frames:v', '1', thumb]);
  const ffmpegMs = performance.now() - t0;
  // For reference: storing the two files with the same driver, one after the other (what a finaliser cannot skip).
  let storeMs = NaN;
  if (storage) {
    const folder = `bench-reference/${randomUUID()}`;
    const t1 = performance.now();
    await storage.uploadFile(`${folder}/answer.webm`, out, 'video/webm');
    await storage.uploadFile(`${folder}/thumbnail.jpg`, thumb, 'image/jpeg');
    storeMs = performance.now() - t1;
    await storage.delete([`${folder}/answer.webm`, `${folder}/thumbnail.jpg`]);
  }
  await rm(out, { force: true });
  await rm(thumb, { force: true });
  return { ffmpegMs, storeMs };
}

interface FinalizeResult {
  latencies: number[];
  serverSide: number[];
  bare: number[];
  /** Storing bare ffmpeg's two files with the same driver, after it: a reference, not part of the goal's denominator. */
  bareStore: number[];
  peakRssMb: number;
}

/** Two-minute answers submitted one at a time; each is timed from submit to `ready`, then the bare ffmpeg commands run once. */
async function finalisation(platform: Platform, storageOptions: StorageOptions, count: number, recording: string, dir: string): Promise<FinalizeResult> {
  const storage = createStorage(storageOptions);
  const chunks = oneSecondChunks(await readFile(recording), FINALIZE_SECONDS);
  const server = await startServerProcess(platform.env);
  const api = new Client(server.url, platform.apiKey);
  const client = new Client(server.url, undefined, count + 8);
  try {
    const sampler = new RssSampler(server.pid);
    // One more than timed: the first finalisation in a process also pays for fluent-ffmpeg's one-off
    // capability probe (`ffmpeg -formats`…) and a cold page cache, which a long-running server paid long ago.
    const candidates = await platform.candidates(api, count + 1, 'final');
    await uploadAll(client, candidates, chunks);
    await bareFfmpeg(recording, dir, storage);
    const latencies: number[] = [];
    const serverSide: number[] = [];
    const bare: number[] = [];
    const bareStore: number[] = [];
    for (const [i, c] of candidates.entries()) {
      const warmUp = i === 0;
      const t0 = performance.now();
      await client.expect(200, 'POST', `/api/candidate/${c.token}/answers/${c.answerId}/submit`, { chunkCount: chunks.length, recordedMs: FINALIZE_SECONDS * 1000 });
      let answer: any;
      for (;;) {
        answer = (await api.expect(200, 'GET', `/api/interviews/${c.interviewId}/answers`)).items[0].answer;
        if (answer?.status === 'ready' || answer?.status === 'failed' || performance.now() - t0 > 120_000) break;
        await sleep(POLL_MS);
      }
      if (answer?.status !== 'ready') throw new Error(`answer ${c.answerId} ended ${answer?.status}: ${answer?.processingError ?? 'timed out after 120 s'}`);
      if (warmUp) {
        log(`warm-up answer: submit→ready ${Math.round(performance.now() - t0)} ms (not counted)`);
        await sleep(200);
        continue;
      }
      latencies.push(performance.now() - t0);
      serverSide.push(answer.finalizedAt - answer.submittedAt);
      // The chunk clean-up job queued by the finaliser runs now, as it would in production; let it finish.
      await sleep(200);
      const reference = await bareFfmpeg(recording, dir, storage);
      bare.push(reference.ffmpegMs);
      bareStore.push(reference.storeMs);
      log(`answer ${i}/${count}: submit→ready ${Math.round(latencies.at(-1)!)} ms (server clock ${serverSide.at(-1)} ms), bare ffmpeg ${Math.round(reference.ffmpegMs)} ms, then storing its files ${Math.round(reference.storeMs)} ms`);
    }
    return { latencies, serverSide, bare, bareStore, peakRssMb: sampler.stop().peakMb };
  } finally {
    client.close();
    api.close();
    await server.stop();
  }
}

/** extractThumbnail at 1 s, as the finaliser calls it, on remuxed 30 s and 10 min answers, alternating; medians. */
async function thumbnails(dir: string): Promise<{ shortMs: number; longMs: number; ratio: number }> {
  const [short, long] = await Promise.all([recorderWebm('small', THUMB_SHORT_SECONDS), recorderWebm('small', THUMB_LONG_SECONDS)]);
  const remuxedShort = await remuxAnswer(short, path.join(dir, 'thumb-short'));
  const remuxedLong = await remuxAnswer(long, path.join(dir, 'thumb-long'));
  const time = async (remuxed: typeof remuxedShort) => {
    const t0 = performance.now();
    await extractThumbnail(remuxed.file, path.join(dir, 'thumb.jpg'), { atSeconds: 1, durationSeconds: (await probeMedia(remuxed.file)).durationSeconds });
    return performance.now() - t0;
  };
  await time(remuxedShort);
  await time(remuxedLong);
  const shortRuns: number[] = [];
  const longRuns: number[] = [];
  for (let i = 0; i < THUMB_RUNS; i++) {
    shortRuns.push(await time(remuxedShort));
    longRuns.push(await time(remuxedLong));
  }
  const shortMs = median(shortRuns);
  const longMs = median(longRuns);
  return { shortMs, longMs, ratio: longMs / shortMs };
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const options = parseOptions();
  const startedAt = performance.now();
  const loadBefore = os.loadavg();
  // The machine's CPU over the whole run, with the share the hypervisor took (steal): a run that lost much of it is slower for that alone.
  const cpuBefore = cpuSnapshot();
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-ingest-'));
  let s3: S3Process | undefined;
  const cleanup = async () => {
    // Newest first: the server before the s3rver it writes to.
    for (const child of [...children].reverse()) await stopChild(child);
    await rm(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    const recording = await recorderWebm('webcam', options.seconds);
    const longRecording = await recorderWebm('webcam', FINALIZE_SECONDS);
    // Made now so that no phase below waits for an encoder.
    await Promise.all([recorderWebm('small', THUMB_SHORT_SECONDS), recorderWebm('small', THUMB_LONG_SECONDS)]);
    if ((await probeMedia(recording)).durationSeconds !== null) log('warning: the recording has a duration; MediaRecorder output has none');
    const whole = await readFile(recording);
    const chunks = oneSecondChunks(whole, options.seconds);

    const dataDir = path.join(work, 'data');
    await mkdir(dataDir, { recursive: true });
    let storageOptions: StorageOptions;
    const storageEnv: Record<string, string> = {};
    if (options.storage === 's3') {
      s3 = await startS3rver(path.join(work, 's3rver'));
      const s3Options = { bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, prefix: '' };
      storageOptions = { driver: 's3', ...s3Options };
      Object.assign(storageEnv, {
        STORAGE_DRIVER: 's3',
        S3_BUCKET: s3Options.bucket,
        S3_REGION: s3Options.region,
        S3_ENDPOINT: s3Options.endpoint,
        S3_ACCESS_KEY_ID: s3Options.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3Options.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      });
    } else {
      const dir = path.join(work, 'media');
      storageOptions = { driver: 'local', dir };
      Object.assign(storageEnv, { STORAGE_DRIVER: 'local', STORAGE_DIR: dir });
    }

    // The server's environment: ours minus anything that would point it at real data, mail or storage
    // (S3_CHUNK_SPOOL=false passes: the S3 figures without the chunk spool).
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(S3_(?!CHUNK_SPOOL$)|STORAGE_|DATABASE_URL$|SQLITE_PATH$|DATA_DIR$|SMTP_URL$|PORT$|HOST$|PUBLIC_BASE_URL$|SECRET_KEY$|WORKER_|LOG_LEVEL$|SEED_DEMO$)/.test(k)),
    );
    const port = await freePort();
    Object.assign(env, {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SQLITE_PATH: path.join(dataDir, 'interviews.sqlite'),
      DATA_DIR: dataDir,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...storageEnv,
    });

    const created = JSON.parse(await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/create-workspace.ts'), '--workspace', 'Bench', '--email', 'bench@example.com', '--api-key-name', 'bench'], { env }));
    const platform = new Platform(env, created.apiKey.key, Math.min(1800, Math.max(FINALIZE_SECONDS, options.seconds) + 30));

    const levels: LevelResult[] = [];
    for (const count of options.levels) {
      const rounds = count === options.candidates ? options.rounds : 1;
      log(`throughput: ${count} candidates × ${chunks.length} chunks (${fmt((count * whole.byteLength) / MiB)} MiB), ${rounds} round(s)`);
      levels.push(await throughputLevel(platform, storageOptions, count, rounds, chunks));
    }
    log(`finalisation: ${options.answers} two-minute answers, one at a time`);
    const final = await finalisation(platform, storageOptions, options.answers, longRecording, work);
    log('thumbnails: 30 s and 10 min answers');
    const thumbs = await thumbnails(work);

    // ------------------------------------------------------------------------------------------- report
    const atN = levels.find((l) => l.candidates === options.candidates)!;
    const at10 = levels.find((l) => l.candidates === 10);
    const at100 = levels.find((l) => l.candidates === 100);
    const finalizeP50 = median(final.latencies);
    const finalizeP95 = quantile(final.latencies, 0.95);
    const bareMs = median(final.bare);
    const finalizeRatio = finalizeP50 / bareMs;
    const growth = at10 && at100 ? at100.peakRssMb - at10.peakRssMb : NaN;
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

    const out: string[] = [];
    out.push('');
    out.push(`Ingest benchmark: storage=${options.storage}, database=sqlite, ${options.candidates} candidates, ${chunks.length} chunks of ~${fmt(chunks[0]!.byteLength / 1024, 0)} KiB per candidate (${fmt(whole.byteLength / MiB)} MiB, ${fmt((whole.byteLength * 8) / options.seconds / 1e6, 2)} Mbit/s VP8/Opus 640x480), server node flags ${[...SERVER_NODE_FLAGS, ...EXTRA_NODE_FLAGS].join(' ') || '(none)'}, ${os.cpus().length} CPUs, load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} at start`);
    out.push('');
    out.push('candidates  rounds  server MiB/s  direct MiB/s  ratio  bare HTTP MiB/s  server/bare  server PUT p50/p95 ms  direct put p50/p95 ms  server CPU  CPU ms/chunk server+client/bare/direct  RSS before MB  peak RSS MB');
    for (const l of levels) {
      out.push(
        [
          String(l.candidates).padStart(10),
          String(l.rounds).padStart(6),
          fmt(l.serverMibS).padStart(12),
          fmt(l.directMibS).padStart(12),
          fmt(l.ratio, 2).padStart(5),
          fmt(l.bareMibS).padStart(15),
          fmt(l.serverMibS / l.bareMibS, 2).padStart(11),
          `${fmt(l.serverPutP50, 0)}/${fmt(l.serverPutP95, 0)}`.padStart(21),
          `${fmt(l.directPutP50, 0)}/${fmt(l.directPutP95, 0)}`.padStart(21),
          `${fmt(l.serverCpuPercent, 0)}%`.padStart(10),
          `${fmt(l.serverCpuMsPerChunk, 2)}+${fmt(l.clientCpuMsPerChunk, 2)}/${fmt(l.bareCpuMsPerChunk, 2)}/${fmt(l.directCpuMsPerChunk, 2)}`.padStart(38),
          fmt(l.idleRssMb).padStart(13),
          fmt(l.peakRssMb).padStart(11),
        ].join('  '),
      );
    }
    out.push('server memory at its highest sampled RSS (process.memoryUsage(), MB): rss / heapTotal / heapUsed (old space, new space) / external / arrayBuffers');
    for (const l of levels) {
      const m = l.memoryAtPeak;
      out.push(`${String(l.candidates).padStart(10)}  ${m ? `${fmt(m.rss)} / ${fmt(m.heapTotal)} / ${fmt(m.heapUsed)} (${fmt(m.old ?? NaN)}, ${fmt(m.new ?? NaN)}) / ${fmt(m.external)} / ${fmt(m.arrayBuffers)}` : 'not reported'}`);
    }
    out.push('');
    out.push(`finalisation of ${final.latencies.length} two-minute answers (${fmt((await readFile(longRecording)).byteLength / MiB)} MiB, ${FINALIZE_SECONDS} chunks), one at a time, polled every ${POLL_MS} ms:`);
    out.push(`  submit → ready     p50 ${fmt(finalizeP50, 0)} ms  p95 ${fmt(finalizeP95, 0)} ms  (server clock submittedAt→finalizedAt p50 ${fmt(median(final.serverSide), 0)} ms)`);
    out.push(`  bare ffmpeg        median ${fmt(bareMs, 0)} ms  (ffmpeg -i rec.webm -c copy out.webm + ffmpeg -ss 1 -i out.webm -frames:v 1 thumb.jpg)`);
    const storeMs = median(final.bareStore);
    out.push(`  storing those files with the same driver (uploadFile answer, then thumbnail), for reference: median ${fmt(storeMs, 0)} ms; finalisation / (bare ffmpeg + storing) ${fmt(finalizeP50 / (bareMs + storeMs), 2)}`);
    out.push(`  server peak RSS during finalisation ${fmt(final.peakRssMb)} MB`);
    out.push(`thumbnail at 1 s (extractThumbnail, median of ${THUMB_RUNS}): 30 s answer ${fmt(thumbs.shortMs, 0)} ms, 10 min answer ${fmt(thumbs.longMs, 0)} ms`);
    out.push('');
    const goals: [string, string, boolean][] = [
      [`server/direct throughput ≥ ${GOAL_RATIO} at ${options.candidates}`, `${fmt(atN.ratio, 2)} (${fmt(atN.serverMibS)} / ${fmt(atN.directMibS)} MiB/s)`, atN.ratio >= GOAL_RATIO],
      [`peak RSS < ${GOAL_PEAK_RSS_MB} MB at ${options.candidates}`, `${fmt(atN.peakRssMb)} MB`, atN.peakRssMb < GOAL_PEAK_RSS_MB],
    ];
    if (at10 && at100) goals.push([`peak RSS grows ≤ ${GOAL_RSS_GROWTH_MB} MB from 10 to 100`, `${growth >= 0 ? '+' : ''}${fmt(growth)} MB (${fmt(at10.peakRssMb)} → ${fmt(at100.peakRssMb)})`, growth <= GOAL_RSS_GROWTH_MB]);
    goals.push(
      [`finalisation p50 ≤ ${GOAL_FINALIZE_RATIO} × bare ffmpeg`, `${fmt(finalizeRatio, 2)} (${fmt(finalizeP50, 0)} / ${fmt(bareMs, 0)} ms)`, finalizeRatio <= GOAL_FINALIZE_RATIO],
      [`thumbnail 10 min / 30 s ≤ ${GOAL_THUMB_RATIO}`, `${fmt(thumbs.ratio, 2)} (${fmt(thumbs.longMs, 0)} / ${fmt(thumbs.shortMs, 0)} ms)`, thumbs.ratio <= GOAL_THUMB_RATIO],
    );
    const width = Math.max(...goals.map((g) => g[0].length));
    const figureWidth = Math.max(...goals.map((g) => g[1].length));
    out.push(`${'goal'.padEnd(width)}  ${'figure'.padEnd(figureWidth)}  result`);
    for (const [goal, figure, ok] of goals) out.push(`${goal.padEnd(width)}  ${figure.padEnd(figureWidth)}  ${verdict(ok)}`);
    out.push('');
    const machine = cpuBetween(cpuBefore, cpuSnapshot());
    out.push(
      `(${fmt((performance.now() - startedAt) / 1000, 0)} s; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at end; ` +
        `machine ${fmt(machine.busyShare * 100, 0)}% busy, ${fmt(machine.stealShare * 100, 0)}% of its CPU stolen by the host)`,
    );
    const num = (n: number | undefined, digits: number) => (n === undefined || !Number.isFinite(n) ? 'NaN' : n.toFixed(digits));
    // The issue's six figures first, in its order; ours after them.
    out.push(
      [
        'ingest',
        `ratio=${num(atN.ratio, 2)}`,
        `direct_mib_s=${num(atN.directMibS, 1)}`,
        `server_mib_s=${num(atN.serverMibS, 1)}`,
        `peak_rss_mb=${num(atN.peakRssMb, 1)}`,
        `finalize_ratio=${num(finalizeRatio, 2)}`,
        `thumb_ratio_10min_30s=${num(thumbs.ratio, 2)}`,
        `bare_http_mib_s=${num(atN.bareMibS, 1)}`,
        `server_bare_ratio=${num(atN.serverMibS / atN.bareMibS, 2)}`,
        `peak_rss_mb_10=${num(at10?.peakRssMb, 1)}`,
        `peak_rss_mb_100=${num(at100?.peakRssMb, 1)}`,
        `finalize_p50_ms=${num(finalizeP50, 0)}`,
        `finalize_p95_ms=${num(finalizeP95, 0)}`,
        `finalize_store_ms=${num(median(final.bareStore), 0)}`,
      ].join(' '),
    );
    console.log(out.join('\n'));
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    if (interrupted) return;
    console.error('bench-ingest failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
