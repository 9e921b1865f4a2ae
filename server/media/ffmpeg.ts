import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import ffmpeg, { type FfmpegCommand } from 'fluent-ffmpeg';

export type MediaTool = 'ffmpeg' | 'ffprobe';

export interface MediaToolOptions {
  /** Each ffmpeg/ffprobe process is killed (SIGKILL) once it runs longer than this. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

type LimitedOptions = MediaToolOptions & { timeoutMs: number };

if (process.env.FFMPEG_PATH) ffmpeg.setFfmpegPath(process.env.FFMPEG_PATH);
// fluent-ffmpeg's ffprobe() can be neither killed nor time-limited, so runFfprobe spawns ffprobe itself.
const ffprobePath = process.env.FFPROBE_PATH || 'ffprobe';

const stderrKeptChars = 16 * 1024;
const stderrInMessageChars = 2000;
const stdoutMaxBytes = 16 * 1024 * 1024;

export class MediaProcessingError extends Error {
  /** What we were doing, e.g. 'remux answer'. */
  readonly operation: string;
  readonly tool: MediaTool;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** The last part of the tool's stderr. */
  readonly stderr: string;

  constructor(details: {
    operation: string;
    tool: MediaTool;
    reason: string;
    exitCode?: number | null;
    signal?: NodeJS.Signals | null;
    timedOut?: boolean;
    stderr?: string;
    cause?: unknown;
  }) {
    const stderr = details.stderr?.trim() ?? '';
    const tail = stderr.length > stderrInMessageChars ? `…${stderr.slice(-stderrInMessageChars)}` : stderr;
    super(`${details.operation} failed: ${details.tool} ${details.reason}${tail ? `\n${tail}` : ''}`, { cause: details.cause });
    this.name = 'MediaProcessingError';
    this.operation = details.operation;
    this.tool = details.tool;
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
    this.timedOut = details.timedOut ?? false;
    this.stderr = stderr;
  }
}

interface Ending {
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  stderr?: string;
  /** Set when the process could not be run at all. */
  error?: Error;
}

/** Calls `kill` on timeout or abort; `end` turns how the process ended into the error to reject with, if any. */
function watchProcess(tool: MediaTool, operation: string, options: LimitedOptions, kill: () => void) {
  let killedBecause: 'timeout' | 'abort' | 'stdout' | undefined;
  const stop = (why: NonNullable<typeof killedBecause>) => {
    killedBecause ??= why;
    kill();
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    stop,
    killed: () => killedBecause !== undefined,
    end(ending: Ending): MediaProcessingError | undefined {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const { error, ...exit } = ending;
      const fail = (reason: string, timedOut = false) => new MediaProcessingError({ operation, tool, reason, timedOut, ...exit, cause: error });
      if (error) return fail(`could not run: ${error.message}`);
      if (killedBecause === 'timeout') return fail(`was killed after running longer than ${options.timeoutMs} ms`, true);
      if (killedBecause === 'abort') return fail('was killed: aborted');
      if (killedBecause === 'stdout') return fail(`was killed: wrote more than ${stdoutMaxBytes} bytes to stdout`);
      if (exit.exitCode !== 0) return fail(exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`);
      return undefined;
    },
  };
}

function notStarted(tool: MediaTool, operation: string): MediaProcessingError {
  return new MediaProcessingError({ operation, tool, reason: 'was not started: aborted' });
}

/** What a media tool reads: a file, or a function that streams the bytes (called once per process run). */
export type MediaSource = string | (() => Readable);

/**
 * A fluent-ffmpeg command on one input (a stream goes to ffmpeg's stdin), quiet except for errors and never
 * reading keyboard commands. `loglevel: 'info'` makes ffmpeg describe its input, for fluent-ffmpeg's codecData.
 */
export function ffmpegCommand(input: MediaSource, options: { loglevel?: 'error' | 'info' } = {}): FfmpegCommand {
  // fluent-ffmpeg has no global options; ffmpeg takes them anywhere, so they go with the input.
  return ffmpeg(typeof input === 'string' ? input : input()).inputOptions('-hide_banner', '-nostdin', '-loglevel', options.loglevel ?? 'error');
}

/** Runs a fluent-ffmpeg command; resolves on exit code 0, otherwise rejects, once the process is gone, with its stderr tail. */
export function runFfmpeg(operation: string, command: FfmpegCommand, options: LimitedOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(notStarted('ffmpeg', operation));
    // Not fluent-ffmpeg's `timeout` option: it sends SIGTERM and reports before ffmpeg has exited.
    const watch = watchProcess('ffmpeg', operation, options, () => command.kill('SIGKILL'));
    const settle = (ending: Ending) => {
      const error = watch.end(ending);
      if (error) reject(error);
      else resolve();
    };
    command
      // A limit reached while fluent-ffmpeg was still preparing (it probes ffmpeg's formats once) kills ffmpeg on start.
      .on('start', () => {
        if (watch.killed()) command.kill('SIGKILL');
      })
      .on('end', (_stdout, stderr) => settle({ exitCode: 0, stderr: stderr ?? '' }))
      .on('error', (error, _stdout, stderr) => {
        // fluent-ffmpeg reports how ffmpeg ended only in the message.
        const exited = /^ffmpeg (?:exited with code (\d+)|was killed with signal (\w+))/.exec(error.message);
        if (!exited) return settle({ error, stderr: stderr ?? '' });
        settle({ exitCode: exited[1] ? Number(exited[1]) : null, signal: (exited[2] ?? null) as NodeJS.Signals | null, stderr: stderr ?? '' });
      })
      .run();
  });
}

/** Resolves with ffprobe's stdout on exit code 0; otherwise rejects, once the process is gone, with its stderr tail. */
export function runFfprobe(operation: string, args: string[], options: LimitedOptions & { stdin?: Readable }): Promise<string> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      options.stdin?.destroy();
      return reject(notStarted('ffprobe', operation));
    }

    const child = spawn(ffprobePath, args, { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const watch = watchProcess('ffprobe', operation, options, () => child.kill('SIGKILL'));
    if (options.stdin) {
      const input = options.stdin;
      // ffprobe stops reading once it knows the streams: the rest is not needed (EPIPE is expected).
      child.stdin!.on('error', () => input.destroy());
      input.on('error', () => child.kill('SIGKILL'));
      child.on('close', () => input.destroy());
      input.pipe(child.stdin!);
    }
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      stderr += text;
      if (stderr.length > 2 * stderrKeptChars) stderr = stderr.slice(-stderrKeptChars);
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.byteLength;
      if (stdoutBytes > stdoutMaxBytes) return watch.stop('stdout');
      stdout.push(chunk);
    });

    let settled = false;
    const settle = (ending: Ending) => {
      if (settled) return;
      settled = true;
      const error = watch.end(ending);
      if (error) reject(error);
      else resolve(Buffer.concat(stdout).toString('utf8'));
    };
    child.on('error', (error) => settle({ error, stderr }));
    child.on('close', (exitCode, signal) => settle({ exitCode, signal, stderr }));
  });
}
