import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseRetryAfter } from '../../server/shared/retry-after.ts';
import { nextAttemptDelay } from '../../server/webhooks/delivery-schedule.ts';
import { assertWebhookUrlAllowed, guardedLookup, isPrivateAddress, type Resolver } from '../../server/webhooks/webhook-url-guard.ts';
import { WebhookSender } from '../../server/webhooks/webhook-sender.ts';
import { WebhookReceiver, fixtureMismatches, hireflixFixture } from './webhook-receiver.ts';

// Units without a database: the SSRF guard at connection time, the sender, the retry schedule, and the
// fixture comparison the API suites rely on. The API-level SSRF checks run on both databases in
// webhook-management.api.test.ts.

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::7f00:1',
    'not an address',
    '',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('guardedLookup', () => {
  type Answer = { error: NodeJS.ErrnoException | null; address?: string | LookupAddress[]; family?: number };
  const lookup = (allowPrivate: boolean, host: string, options: object = {}) =>
    new Promise<Answer>((resolve) => guardedLookup(allowPrivate)(host, options as any, (error, address, family) => resolve({ error, address, family })));

  it('refuses a name that resolves to a loopback address', async () => {
    const answer = await lookup(false, 'localhost');
    expect(answer.error).toMatchObject({ code: 'EPRIVATE', message: expect.stringMatching(/refused: localhost resolves to a private address/) });
    expect((await lookup(false, 'localhost', { all: true })).error?.code).toBe('EPRIVATE');
  });

  it('refuses private addresses and passes public ones, in both answer shapes', async () => {
    expect((await lookup(false, '169.254.169.254')).error?.code).toBe('EPRIVATE');
    expect((await lookup(false, '10.1.2.3')).error?.code).toBe('EPRIVATE');
    expect(await lookup(false, '93.184.215.14')).toEqual({ error: null, address: '93.184.215.14', family: 4 });
    expect(await lookup(false, '93.184.215.14', { all: true })).toMatchObject({ error: null, address: [{ address: '93.184.215.14', family: 4 }] });
  });

  it('lets everything through when the operator allows private addresses', async () => {
    expect(await lookup(true, 'localhost')).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });

  it('passes resolver errors on', async () => {
    expect((await lookup(false, 'no-such-host.invalid')).error?.code).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});

describe('names that resolve to private addresses', () => {
  // No DNS server of ours answers here, so the names are given to the guard as a resolver would answer them.
  const names = new Map<string, LookupAddress[]>([
    ['intranet.example', [{ address: '10.0.0.5', family: 4 }]],
    ['ula.example', [{ address: 'fd12:3456:789a::1', family: 6 }]],
    ['metadata.example', [{ address: '169.254.169.254', family: 4 }]],
    ['mixed.example', [{ address: '93.184.215.14', family: 4 }, { address: '192.168.1.20', family: 4 }]],
    ['public.example', [{ address: '93.184.215.14', family: 4 }]],
  ]);
  const resolver = ((host: string, _options: object, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
    const addresses = names.get(host);
    if (addresses) callback(null, addresses);
    else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
  }) as unknown as Resolver;
  const connect = (host: string, options: object = {}) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address?: string | LookupAddress[] }>((resolve) =>
      guardedLookup(false, resolver)(host, options as any, (error, address) => resolve({ error, address })));

  it('refuses them at registration, one private address among public ones included', async () => {
    for (const host of ['intranet.example', 'ula.example', 'metadata.example', 'mixed.example']) {
      await expect(assertWebhookUrlAllowed(`https://${host}/hooks`, false, resolver), host).rejects.toMatchObject({
        code: 'validation_failed',
        message: expect.stringContaining(`the host ${host} resolves to a private, loopback or link-local address`),
      });
    }
    expect((await assertWebhookUrlAllowed('https://public.example/hooks', false, resolver)).hostname).toBe('public.example');
    expect((await assertWebhookUrlAllowed('https://intranet.example/hooks', true, resolver)).hostname).toBe('intranet.example');
  });

  it('refuses them at delivery, after a name registered as public moved to a private address', async () => {
    expect(await connect('public.example')).toEqual({ error: null, address: '93.184.215.14' });
    names.set('public.example', [{ address: '10.9.8.7', family: 4 }]);
    expect((await connect('public.example')).error?.code).toBe('EPRIVATE');
    expect((await connect('ula.example', { all: true })).error?.code).toBe('EPRIVATE');
    // Of a mixed answer only the public address is ever connected to.
    expect(await connect('mixed.example', { all: true })).toEqual({ error: null, address: [{ address: '93.184.215.14', family: 4 }] });
  });
});

describe('WebhookSender', () => {
  let receiver: WebhookReceiver;
  let other: WebhookReceiver;
  const strict = new WebhookSender(false, 4);
  const lenient = new WebhookSender(true, 4);

  beforeAll(async () => {
    receiver = await WebhookReceiver.start(() => Date.now());
    other = await WebhookReceiver.start(() => Date.now());
  });
  afterAll(async () => {
    strict.close();
    lenient.close();
    await receiver.down();
    await other.down();
  });

  it.each(['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]'])('refuses to connect to a private receiver at %s when private URLs are not allowed', async (host) => {
    const before = receiver.received.length;
    const result = await strict.send(`http://${host}:${receiver.port}/hook`, '{"event":"x"}', { 'webhook-id': 'msg_1' });
    expect(result).toMatchObject({ statusCode: null, responseExcerpt: null, error: expect.stringMatching(/refused/) });
    expect(receiver.received.length).toBe(before);
  });

  it('delivers the exact body with the given headers when allowed', async () => {
    const body = '{"event":"interview.create","data":{"id":"1"},"date":1}';
    const result = await lenient.send(`http://localhost:${receiver.port}/hook`, body, { 'webhook-id': 'msg_2', 'x-hireflix-signature': 'abc' });
    expect(result).toMatchObject({ statusCode: 200, responseExcerpt: 'ok', error: null });
    const got = receiver.received.at(-1)!;
    expect(got.body).toBe(body);
    expect(got.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'webhook-id': 'msg_2', 'x-hireflix-signature': 'abc' });
  });

  it('does not follow a redirect and keeps only the start of a long answer', async () => {
    receiver.reply = () => ({ status: 307, headers: { location: `${other.url}/elsewhere`, 'retry-after': '30' }, body: 'x'.repeat(5000) });
    const result = await lenient.send(`${receiver.url}/hook`, '{}', {});
    receiver.reply = () => ({ status: 200, body: 'ok' });
    expect(result).toMatchObject({ statusCode: 307, retryAfter: '30', error: null });
    expect(result.responseExcerpt).toBe('x'.repeat(1024));
    expect(other.received).toEqual([]);
  });

  it('gives up on a receiver that does not answer within 15 s', async () => {
    let release!: () => void;
    receiver.reply = () => ({ status: 200, hold: new Promise<void>((resolve) => (release = resolve)) });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const sending = lenient.send(`${receiver.url}/slow`, '{}', {});
      // setImmediate is not faked: poll on it until the request is in (vi.waitFor would move the fake clock).
      const deadline = performance.now() + 5000;
      while (receiver.received.at(-1)?.path !== '/slow' && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      expect(receiver.received.at(-1)?.path).toBe('/slow');
      await vi.advanceTimersByTimeAsync(14_999);
      let settled = false;
      void sending.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await sending).toMatchObject({ statusCode: null, error: 'no answer within 15 s' });
    } finally {
      vi.useRealTimers();
      release();
      receiver.reply = () => ({ status: 200, body: 'ok' });
    }
  });

  it('reports a refused connection as an error without a status', async () => {
    const gone = await WebhookReceiver.start(() => Date.now());
    const port = gone.port;
    await gone.down();
    const result = await lenient.send(`http://127.0.0.1:${port}/hook`, '{}', {});
    expect(result).toMatchObject({ statusCode: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('delivery schedule', () => {
  it('retries over about three days with ±10% jitter, then gives up', () => {
    const base = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000];
    base.forEach((ms, i) => {
      expect(nextAttemptDelay(i + 1, null, () => 0)).toBe(Math.round(ms * 0.9));
      expect(nextAttemptDelay(i + 1, null, () => 0.5)).toBe(ms);
      expect(nextAttemptDelay(i + 1, null, () => 1)).toBe(Math.round(ms * 1.1));
    });
    expect(nextAttemptDelay(base.length + 1, null)).toBeNull();
    const total = base.reduce((a, b) => a + b, 0);
    expect(total / 86_400_000).toBeGreaterThan(2.9);
    expect(total / 86_400_000).toBeLessThan(3.2);
  });

  it('waits at least as long as Retry-After asks, up to a day', () => {
    expect(nextAttemptDelay(1, 120_000, () => 0.5)).toBe(120_000);
    expect(nextAttemptDelay(2, 1_000, () => 0.5)).toBe(300_000);
    expect(nextAttemptDelay(1, 30 * 86_400_000, () => 0.5)).toBe(86_400_000);
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', 0)).toBe(7_000);
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter(new Date(now - 90_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('fixture comparison used by the API suites', () => {
  it('accepts the fixture itself and catches a missing key, a wrong type and an undocumented null', () => {
    const create = hireflixFixture('interview.create');
    expect(fixtureMismatches(create, create)).toEqual([]);
    const { hash: _hash, ...withoutHash } = create.data;
    expect(fixtureMismatches(create, { ...create, data: withoutHash })).toEqual(['data.hash: missing']);
    expect(fixtureMismatches(create, { ...create, data: { ...create.data, createdAt: '2025-10-27' } })).toEqual(['data.createdAt: expected number, got string']);
    expect(fixtureMismatches(create, { ...create, data: { ...create.data, candidate: { ...create.data.candidate, email: null } } })).toEqual(['data.candidate.email: expected string, got null']);
    expect(fixtureMismatches(create, { ...create, data: { ...create.data, completed: '1' } })).toEqual(['data.completed: expected null or number, got string']);
    expect(fixtureMismatches(create, { ...create, data: { ...create.data, score: { value: 3 }, thumbnail: 'https://x/y.jpg' } })).toEqual([]);
  });
});
