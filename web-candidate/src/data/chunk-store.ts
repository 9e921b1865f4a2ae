// IndexedDB keeps every recorded piece until the server has acknowledged it, so a reload, a crash or a
// lost connection never loses an answer. Takes are kept until they are submitted or replaced.

export interface StoredTake {
  answerId: string;
  /** The interview link's token: one device may hold takes of several interviews. */
  interviewToken: string;
  questionId: string;
  take: number;
  mimeType: string;
  /** Known once recording stopped. */
  chunkCount: number | null;
  recordedMs: number | null;
  submitRequested: boolean;
  /** Progress written while recording, for a take recovered after a reload mid-answer. */
  chunksSoFar: number;
  recordedSoFarMs: number;
  createdAt: number;
}

export interface StoredChunk {
  answerId: string;
  seq: number;
  blob: Blob;
  size: number;
}

const dbName = 'oneway-candidate';
const dbVersion = 1;

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export class ChunkStore {
  private constructor(private readonly db: IDBDatabase) {}

  static open(name = dbName): Promise<ChunkStore> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(name, dbVersion);
      request.onupgradeneeded = () => {
        const db = request.result;
        const takes = db.createObjectStore('takes', { keyPath: 'answerId' });
        takes.createIndex('byInterview', 'interviewToken');
        db.createObjectStore('chunks', { keyPath: ['answerId', 'seq'] });
      };
      request.onsuccess = () => resolve(new ChunkStore(request.result));
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    });
  }

  async putTake(take: StoredTake): Promise<void> {
    const tx = this.db.transaction('takes', 'readwrite');
    tx.objectStore('takes').put(take);
    await done(tx);
  }

  async getTake(answerId: string): Promise<StoredTake | undefined> {
    return promised(this.db.transaction('takes').objectStore('takes').get(answerId));
  }

  /** Read-modify-write in one transaction; no-op when the take is gone. */
  async updateTake(answerId: string, patch: Partial<Omit<StoredTake, 'answerId'>>): Promise<StoredTake | undefined> {
    const tx = this.db.transaction('takes', 'readwrite');
    const store = tx.objectStore('takes');
    const current = await promised<StoredTake | undefined>(store.get(answerId));
    let updated: StoredTake | undefined;
    if (current) {
      updated = { ...current, ...patch };
      store.put(updated);
    }
    await done(tx);
    return updated;
  }

  async takesOf(interviewToken: string): Promise<StoredTake[]> {
    const takes = await promised<StoredTake[]>(this.db.transaction('takes').objectStore('takes').index('byInterview').getAll(interviewToken));
    return takes.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The take and every chunk of it. */
  async deleteTake(answerId: string): Promise<void> {
    const tx = this.db.transaction(['takes', 'chunks'], 'readwrite');
    tx.objectStore('takes').delete(answerId);
    tx.objectStore('chunks').delete(chunkRange(answerId));
    await done(tx);
  }

  async putChunk(chunk: StoredChunk): Promise<void> {
    const tx = this.db.transaction('chunks', 'readwrite');
    tx.objectStore('chunks').put(chunk);
    await done(tx);
  }

  /** Stores a piece and the take's progress together, so a reload finds both or neither. */
  async putChunkWithProgress(chunk: StoredChunk, progress: Pick<StoredTake, 'chunksSoFar' | 'recordedSoFarMs'>): Promise<void> {
    const tx = this.db.transaction(['chunks', 'takes'], 'readwrite');
    tx.objectStore('chunks').put(chunk);
    const takes = tx.objectStore('takes');
    const take = await promised<StoredTake | undefined>(takes.get(chunk.answerId));
    if (take) takes.put({ ...take, chunksSoFar: Math.max(take.chunksSoFar, progress.chunksSoFar), recordedSoFarMs: Math.max(take.recordedSoFarMs, progress.recordedSoFarMs) });
    await done(tx);
  }

  async getChunk(answerId: string, seq: number): Promise<StoredChunk | undefined> {
    return promised(this.db.transaction('chunks').objectStore('chunks').get([answerId, seq]));
  }

  async deleteChunk(answerId: string, seq: number): Promise<void> {
    const tx = this.db.transaction('chunks', 'readwrite');
    tx.objectStore('chunks').delete([answerId, seq]);
    await done(tx);
  }

  async deleteChunks(answerId: string, seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    const tx = this.db.transaction('chunks', 'readwrite');
    const store = tx.objectStore('chunks');
    for (const seq of seqs) store.delete([answerId, seq]);
    await done(tx);
  }

  /** Sequence numbers held locally for a take, ascending. */
  async chunkSeqs(answerId: string): Promise<number[]> {
    const keys = await promised(this.db.transaction('chunks').objectStore('chunks').getAllKeys(chunkRange(answerId)));
    return keys.map((key) => (key as [string, number])[1]).sort((a, b) => a - b);
  }

  /** Chunks held locally for a take, ascending by seq. */
  async chunksOf(answerId: string): Promise<StoredChunk[]> {
    const chunks = await promised<StoredChunk[]>(this.db.transaction('chunks').objectStore('chunks').getAll(chunkRange(answerId)));
    return chunks.sort((a, b) => a.seq - b.seq);
  }

  close(): void {
    this.db.close();
  }
}

function chunkRange(answerId: string): IDBKeyRange {
  return IDBKeyRange.bound([answerId, 0], [answerId, Number.MAX_SAFE_INTEGER]);
}
