// The entry of worker threads that run a TypeScript module (startTypeScriptWorker): worker threads get no
// TypeScript loader under every runner (vitest's workers have none), so this registers tsx's, then imports it.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
