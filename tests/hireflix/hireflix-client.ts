import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, type TestPlatform } from '../support/test-platform.ts';

export interface GraphqlResponse {
  status: number;
  body: any;
}

/** What an ATS does: a plain POST of {query, variables} to /me with the key in X-API-KEY. */
export async function graphql(
  baseUrl: string,
  apiKey: string | null,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphqlResponse> {
  const res = await fetch(`${baseUrl}/me`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The data of a response that must have no errors. */
export function dataOf(res: GraphqlResponse): any {
  if (res.status !== 200 || res.body.errors) throw new Error(`GraphQL request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export interface ReceivedEvent {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { event: string; data: any; date: number };
}

/** An ATS's webhook endpoint on loopback, answering 200 and keeping every request. */
export async function startReceiver(): Promise<{ url: string; received: ReceivedEvent[]; close(): Promise<void> }> {
  const received: ReceivedEvent[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hireflix-events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const WEBM = 'video/webm;codecs=vp8,opus';

/**
 * The candidate records every question through the candidate API with real MediaRecorder-like chunks; jobs then
 * finalise, `processingMs` (on the test clock) after the submit.
 */
export async function completeInterview(t: TestPlatform, publicUrl: string, chunks: Buffer[], seconds: number, processingMs = 0): Promise<void> {
  const token = publicUrl.split('/i/')[1]!;
  const candidate = new ApiClient(t.url);
  const state = await candidate.get(`/api/candidate/${token}`);
  if (state.status !== 200) throw new Error(`candidate link: ${state.status} ${JSON.stringify(state.body)}`);
  for (const question of state.body.questions as { id: string }[]) {
    const take = await candidate.post(`/api/candidate/${token}/questions/${question.id}/takes`, { mimeType: WEBM });
    if (take.status !== 201) throw new Error(`take: ${take.status} ${JSON.stringify(take.body)}`);
    for (const [seq, chunk] of chunks.entries()) {
      const put = await candidate.request('PUT', `/api/candidate/${token}/answers/${take.body.answerId}/chunks/${seq}`, chunk, { 'content-type': 'application/octet-stream' });
      if (put.status !== 201) throw new Error(`chunk: ${put.status} ${JSON.stringify(put.body)}`);
    }
    const submit = await candidate.post(`/api/candidate/${token}/answers/${take.body.answerId}/submit`, { chunkCount: chunks.length, recordedMs: seconds * 1000 });
    if (submit.status !== 200) throw new Error(`submit: ${submit.status} ${JSON.stringify(submit.body)}`);
  }
  t.clock.advance(processingMs);
  await t.drainJobs();
}
