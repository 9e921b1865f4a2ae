import { Worker } from 'node:worker_threads';

/** A worker thread running the TypeScript module at `module`; it reads `data` as `workerData.data`. */
export function startTypeScriptWorker(module: URL, data: unknown): Worker {
  return new Worker(new URL('./typescript-worker.mjs', import.meta.url), { workerData: { module: module.href, data } });
}
