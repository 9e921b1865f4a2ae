// The floor for scripts/bench-ingest.ts: a bare node:http server that stores each PUT body with the same storage
// driver as the platform (createStorage from the same environment) and answers 201 with a small JSON body, with no
// routing, validation, database or token check. Its throughput shows what HTTP itself costs on this machine, so the
// platform's own overhead is the gap between it and the platform. Prints `{"ready":true,"url":…,"pid":…}` when
// it listens; SIGTERM stops it.
import http from 'node:http';
import { loadConfig } from '../../server/config.ts';
import { createStorage } from '../../server/storage/create-storage.ts';

const storage = createStorage(loadConfig().storage);

const server = http.createServer((req, res) => {
  const key = decodeURIComponent((req.url ?? '/').slice(1));
  const length = Number(req.headers['content-length']);
  storage.put(key, req, { contentType: 'application/octet-stream', contentLength: length }).then(
    ({ size }) => {
      const body = JSON.stringify({ seq: 0, size, duplicate: false });
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    },
    (error: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message);
    },
  );
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`);
});
process.once('SIGTERM', () => server.close(() => void storage.close().then(() => process.exit(0))));
