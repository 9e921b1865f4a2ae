import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Logger } from '../shared/logger.ts';

/** A take is recorded, submitted and finalised within minutes; copies this old were never read and go. */
export const CHUNK_SPOOL_MAX_AGE_MS = 2 * 24 * 3600_000;
const SWEEP_EVERY_MS = 3600_000;
/** A disk that keeps failing would otherwise log once per chunk. */
const WARN_EVERY_MS = 60_000;
const MAX_FILE_NAME_BYTES = 255;
/**
 * Bytes gathered into one write: an upload arrives in 16-64 KiB reads, and each write is a round trip to
 * libuv's thread pool.
 */
const WRITE_BATCH_BYTES = 256 * 1024;
/** Bytes a copy may have waiting for the disk; past it the disk is not keeping up and the copy is given up. */
const MAX_UNWRITTEN_BYTES = 2 * 1024 * 1024;

/**
 * Local copies of recording chunks the S3 driver stores, so that the finaliser on this machine hands them to
 * ffmpeg as files instead of reading every chunk back from S3. A cache: S3 holds the durable copy, and a
 * copy that fails, is missing or has another size only means the finaliser reads from S3.
 * A key's copy is `<dir>/<folder of the key, percent-encoded>/<last segment>`: one folder per take, so
 * concurrent uploads do not all contend for one directory. A copy appears only once S3 has the object.
 */
export class ChunkSpool {
  readonly dir: string;
  private sweeper?: NodeJS.Timeout;
  private lastWarningAt = -Infinity;
  private unreportedFailures = 0;

  constructor(
    dir: string,
    private readonly logger: Logger,
    private readonly maxAgeMs = CHUNK_SPOOL_MAX_AGE_MS,
  ) {
    this.dir = path.resolve(dir);
  }

  /** Begins a copy of `key`: pass the bytes through `tee`, then keep() once S3 has them, or drop(). Null when there is none. */
  async copy(key: string): Promise<ChunkCopy | null> {
    const place = this.placeOf(key);
    if (!place) return null;
    // A dot-led name is never a key's last segment (see assertValidKey).
    const temp = path.join(place.folder, `.${randomUUID()}.part`);
    let handle: FileHandle;
    try {
      handle = await this.create(place.folder, temp);
    } catch (error) {
      this.reportFailure(key, error);
      return null;
    }
    return new ChunkCopy(handle, temp, place.file, (error) => this.reportFailure(key, error));
  }

  /** The copy of `key` if it holds exactly `size` bytes, else null. */
  async fileOf(key: string, size: number): Promise<string | null> {
    const place = this.placeOf(key);
    if (!place) return null;
    try {
      const stats = await stat(place.file);
      return stats.isFile() && stats.size === size ? place.file : null;
    } catch {
      return null;
    }
  }

  /** Removes the copies and the folders they leave empty. Never fails: what is left behind is the sweep's. */
  async remove(keys: string[]): Promise<void> {
    const folders = new Set<string>();
    await Promise.all(keys.map(async (key) => {
      const place = this.placeOf(key);
      if (!place) return;
      folders.add(place.folder);
      try {
        await unlink(place.file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.reportFailure(key, error);
      }
    }));
    await Promise.all([...folders].map((folder) => removeIfEmpty(folder)));
  }

  /**
   * Removes copies and temp files (of interrupted uploads) older than the bound, and the folders left empty:
   * chunks finalised on another machine, or never submitted.
   */
  async sweep(now = Date.now()): Promise<number> {
    let removed = 0;
    for (const folder of await listOrNothing(this.dir)) {
      const folderPath = path.join(this.dir, folder);
      for (const name of await listOrNothing(folderPath)) {
        const file = path.join(folderPath, name);
        try {
          const stats = await lstat(file);
          if (stats.isFile() && now - stats.mtimeMs > this.maxAgeMs) {
            await unlink(file);
            removed++;
          }
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      await removeIfEmpty(folderPath);
    }
    return removed;
  }

  /** Sweeps now and every hour in this process: the spool is this machine's, so no shared job could sweep it. */
  startSweeping(): void {
    if (this.sweeper) return;
    const sweep = () => {
      this.sweep().catch((error: unknown) => this.logger.warn('chunk spool sweep failed', { dir: this.dir, error: String(error) }));
    };
    this.sweeper = setInterval(sweep, SWEEP_EVERY_MS).unref();
    sweep();
  }

  close(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Null for a key with no folder, or a name too long for the file system. */
  private placeOf(key: string): { folder: string; file: string } | null {
    const slash = key.lastIndexOf('/');
    if (slash <= 0) return null;
    let folderName: string;
    try {
      folderName = encodeURIComponent(key.slice(0, slash));
    } catch {
      return null; // a lone surrogate
    }
    const name = key.slice(slash + 1);
    if (Buffer.byteLength(folderName) > MAX_FILE_NAME_BYTES || Buffer.byteLength(name) > MAX_FILE_NAME_BYTES) return null;
    const folder = path.join(this.dir, folderName);
    return { folder, file: path.join(folder, name) };
  }

  /** Makes the folder only when the file cannot be made without it: a mkdir per chunk would lock the spool directory each time. */
  private async create(folder: string, file: string): Promise<FileHandle> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await open(file, 'wx');
      } catch (error) {
        // A sweep may remove the folder between the mkdir and the open: one more try.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 2) throw error;
        await mkdir(folder, { recursive: true });
      }
    }
  }

  private reportFailure(key: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarningAt < WARN_EVERY_MS) {
      this.unreportedFailures++;
      return;
    }
    this.logger.warn('chunk spool failed; the chunk is in S3 and finalisation reads it from there', {
      dir: this.dir,
      key,
      error: error instanceof Error ? error.message : String(error),
      ...(this.unreportedFailures ? { failuresSinceLastWarning: this.unreportedFailures } : {}),
    });
    this.lastWarningAt = now;
    this.unreportedFailures = 0;
  }
}

async function listOrNothing(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
    throw error;
  }
}

async function removeIfEmpty(folder: string): Promise<void> {
  await rmdir(folder).catch(() => {
    // Not empty (a take still recording), already gone, or not a folder.
  });
}

/** One chunk on its way into the spool: a temp file written as the bytes pass, renamed into place by keep(). */
export class ChunkCopy {
  /** Passes every byte on at once, unchanged: the local copy never slows down or fails the upload. */
  readonly tee: Transform;
  private file: WriteStream | null;
  private readonly closed: Promise<void>;
  private failed = false;

  constructor(
    handle: FileHandle,
    private readonly temp: string,
    private readonly target: string,
    private readonly onFailure: (error: unknown) => void,
  ) {
    // No flush: the copy is a cache, S3 is the durable store.
    const file = createWriteStream(temp, { fd: handle });
    this.file = file;
    file.on('error', (error) => this.fail(error));
    this.closed = new Promise((resolve) => file.once('close', () => resolve()));
    file.cork();
    this.tee = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        if (this.file) {
          // The file shares the buffer with the upload, no copy; corked writes go out as one writev per batch.
          this.file.write(chunk);
          if (this.file.writableLength >= WRITE_BATCH_BYTES) {
            this.file.uncork();
            this.file.cork();
          }
          if (this.file.writableLength > MAX_UNWRITTEN_BYTES) this.fail(new Error(`the disk is more than ${MAX_UNWRITTEN_BYTES} bytes behind`));
        }
        callback(null, chunk);
      },
    });
  }

  /** Call once S3 has the object, and all bytes went through `tee`. */
  async keep(): Promise<void> {
    const file = this.file;
    if (file && !this.failed) {
      file.end();
      try {
        await finished(file);
      } catch (error) {
        this.fail(error);
      }
    }
    if (this.failed) return this.removeTemp();
    try {
      await rename(this.temp, this.target);
    } catch (error) {
      this.fail(error);
      await this.removeTemp();
    }
  }

  /** Call when the upload failed: S3 has no object, so the spool keeps none. */
  async drop(): Promise<void> {
    this.closeFile();
    await this.removeTemp();
  }

  private fail(error: unknown): void {
    // Once the file is closed on purpose (drop), its errors are ours, not the disk's.
    if (this.failed || !this.file) return;
    this.failed = true;
    this.onFailure(error);
    this.closeFile();
  }

  private closeFile(): void {
    this.file?.destroy();
    this.file = null;
  }

  private async removeTemp(): Promise<void> {
    await this.closed;
    await rm(this.temp, { force: true }).catch(() => {});
  }
}
