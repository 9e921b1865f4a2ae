import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  assertValidRange,
  boundedBytes,
  checkKnownLength,
  InvalidStorageKeyError,
  StorageNotFoundError,
  StorageRangeError,
  type ByteRange,
  type MediaStorage,
  type ObjectRead,
  type PutOptions,
  type StoredObject,
} from './media-storage.ts';

export interface LocalStorageOptions {
  dir: string;
}

// The file system keeps no content type, so it follows from the key's extension.
const contentTypes: Record<string, string> = {
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.mkv': 'video/x-matroska',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain',
};

const missingCodes = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

function isMissing(error: unknown): boolean {
  return missingCodes.has((error as NodeJS.ErrnoException).code ?? '');
}

/** Objects are files under `dir`; writes land in `dir/.tmp` first and are renamed into place. */
export class LocalMediaStorage implements MediaStorage {
  readonly driver = 'local' as const;
  readonly root: string;
  private readonly tempDir: string;
  private tempDirReady?: Promise<void>;

  constructor(options: LocalStorageOptions) {
    this.root = path.resolve(options.dir);
    this.tempDir = path.join(this.root, '.tmp');
  }

  async put(key: string, body: Readable | Uint8Array, opts?: PutOptions): Promise<StoredObject> {
    const target = this.pathFor(key);
    let size = 0;
    await this.writeAtomically(target, async (temp) => {
      if (body instanceof Uint8Array) {
        checkKnownLength(opts, body.byteLength);
        await writeFile(temp, body, { flush: true });
        size = body.byteLength;
      } else {
        checkKnownLength(opts);
        await pipeline(body, boundedBytes(opts, (n) => (size = n)), createWriteStream(temp, { flush: true }));
      }
    });
    return { size, contentType: this.contentTypeFor(key) };
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const stats = await stat(this.pathFor(key));
      return stats.isFile() ? { size: stats.size, contentType: this.contentTypeFor(key) } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<ObjectRead> {
    if (range) assertValidRange(range);
    const file = this.pathFor(key);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (isMissing(error)) throw new StorageNotFoundError(key, { cause: error });
      throw error;
    }
    try {
      // Size comes from the open file, so a concurrent overwrite (a rename) cannot skew it.
      const stats = await handle.stat();
      if (!stats.isFile()) throw new StorageNotFoundError(key);
      const size = stats.size;
      const start = range?.start ?? 0;
      if (range && start >= size) throw new StorageRangeError(range, `is past the end of a ${size}-byte object`);
      const end = Math.min(range?.end ?? size - 1, size - 1);
      const stream = handle.createReadStream(size === 0 ? { start: 0 } : { start, end });
      return { stream, size, start, end, contentType: this.contentTypeFor(key) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async downloadToFile(key: string, filePath: string): Promise<void> {
    try {
      await copyFile(this.pathFor(key), filePath);
    } catch (error) {
      if (isMissing(error)) throw new StorageNotFoundError(key, { cause: error });
      throw error;
    }
  }

  async uploadFile(key: string, filePath: string): Promise<StoredObject> {
    const target = this.pathFor(key);
    let size = 0;
    await this.writeAtomically(target, async (temp) => {
      await copyFile(filePath, temp);
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
        size = (await handle.stat()).size;
      } finally {
        await handle.close();
      }
    });
    return { size, contentType: this.contentTypeFor(key) };
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) {
      try {
        await unlink(this.pathFor(key));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  }

  async deleteFolder(folder: string): Promise<number> {
    const dir = this.pathFor(folder);
    let entries;
    try {
      entries = await readdir(dir, { recursive: true, withFileTypes: true });
    } catch (error) {
      // Nothing there, or an object named like the folder (which is not under `folder/`).
      if (isMissing(error)) return 0;
      throw error;
    }
    await rm(dir, { recursive: true, force: true });
    return entries.filter((entry) => entry.isFile()).length;
  }

  async localFileOf(key: string): Promise<string> {
    return this.pathFor(key);
  }

  /**
   * Files are written whole through a temp file and a rename, so no object is ever half written; a crash mid-write
   * leaves only the temp file, removed here once last written before `startedBefore` (epoch ms).
   */
  async abortUnfinishedUploads(startedBefore: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.tempDir);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.tempDir, name);
      try {
        if ((await stat(file)).mtimeMs >= startedBefore) continue;
        await unlink(file);
        removed++;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}

  private pathFor(key: string): string {
    assertValidKey(key);
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep)) throw new InvalidStorageKeyError(key, 'resolves outside the storage root');
    return file;
  }

  private contentTypeFor(key: string): string | undefined {
    return contentTypes[path.extname(key).toLowerCase()];
  }

  private async writeAtomically(target: string, write: (tempFile: string) => Promise<void>): Promise<void> {
    // Directories are made once, not on every write: the temp dir when first needed (again if it was removed
    // meanwhile), the target's when the rename finds it missing.
    this.tempDirReady ??= mkdir(this.tempDir, { recursive: true }).then(() => undefined);
    try {
      await this.tempDirReady;
    } catch (error) {
      this.tempDirReady = undefined;
      throw error;
    }
    const temp = path.join(this.tempDir, `${randomUUID()}.part`);
    try {
      await write(temp);
      try {
        await rename(temp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await mkdir(path.dirname(target), { recursive: true });
        await rename(temp, target);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (error as NodeJS.ErrnoException).path === temp) this.tempDirReady = undefined;
      await rm(temp, { force: true });
      throw error;
    }
  }
}
