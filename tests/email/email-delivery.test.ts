import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { createPosition, freePort, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface ReceivedMail {
  mailFrom: string;
  rcptTo: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it accepts; it can refuse recipients, or be down altogether. */
class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** When set, every RCPT TO gets this reply, as from a mail server that is busy (4xx) or refuses (5xx). */
  refuseRecipients: { code: number; message: string } | null = null;
  private server: SMTPServer | null = null;

  constructor(readonly port: number) {}

  get running(): boolean {
    return this.server !== null;
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.rcptTo.includes(address));
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (_address, _session, callback) => {
        if (!this.refuseRecipients) return callback();
        const error = Object.assign(new Error(this.refuseRecipients.message), { responseCode: this.refuseRecipients.code });
        callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.received.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('latin1'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface ParsedMail {
  headers: Record<string, string>;
  text: string;
  html: string;
}

/** RFC 2047 encoded words (=?utf-8?Q?...?= and =?utf-8?B?...?=), adjacent ones joined before decoding. */
function decodeHeader(value: string): string {
  let out = '';
  let pending: Buffer[] = [];
  const flush = () => {
    out += Buffer.concat(pending).toString('utf8');
    pending = [];
  };
  for (const token of value.split(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)/)) {
    const word = token.match(/^=\?[^?]+\?([bBqQ])\?([^?]*)\?=$/);
    if (word) {
      const [, encoding, text] = word;
      pending.push(encoding!.toUpperCase() === 'B' ? Buffer.from(text!, 'base64') : qpBytes(text!.replace(/_/g, ' ')));
    } else if (pending.length && /^\s*$/.test(token)) {
      continue;
    } else {
      flush();
      out += token;
    }
  }
  flush();
  return out;
}

function qpBytes(s: string): Buffer {
  return Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  return { headers: parseHeaders(head), body };
}

/** Just enough MIME for what nodemailer sends: nested multiparts, quoted-printable, base64, 7bit. */
function parseMail(raw: string): ParsedMail {
  const top = splitEntity(raw);
  const mail: ParsedMail = { headers: Object.fromEntries(Object.entries(top.headers).map(([k, v]) => [k, decodeHeader(v)])), text: '', html: '' };
  const walk = (headers: Record<string, string>, body: string) => {
    const type = (headers['content-type'] ?? 'text/plain').toLowerCase();
    const boundary = (headers['content-type'] ?? '').match(/boundary="?([^";]+)"?/i)?.[1];
    if (type.startsWith('multipart/') && boundary) {
      const parts = body.split(`--${boundary}`).slice(1);
      for (const part of parts) {
        if (part.startsWith('--')) break;
        const entity = splitEntity(part.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
        walk(entity.headers, entity.body);
      }
      return;
    }
    const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
    const bytes = encoding === 'quoted-printable' ? qpBytes(body) : encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : Buffer.from(body, 'latin1');
    const decoded = bytes.toString('utf8');
    if (type.startsWith('text/plain')) mail.text += decoded;
    else if (type.startsWith('text/html')) mail.html += decoded;
  };
  walk(top.headers, top.body);
  return mail;
}

describe.each(databaseKinds)('email delivery over SMTP on %s', (kind) => {
  let smtp: SmtpSink;
  let t: TestPlatform;
  let ws: TestWorkspace;
  let counter = 0;
  const candidateEmail = (label: string) => `${label}.${++counter}@candidates.example`;

  beforeAll(async () => {
    smtp = new SmtpSink(await freePort());
    await smtp.start();
    t = await startTestPlatform(kind, { env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Acme Hiring <hiring@acme.test>' } });
    ws = await t.createWorkspace('Acme');
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.stop();
  });
  beforeEach(async () => {
    smtp.refuseRecipients = null;
    if (!smtp.running) await smtp.start();
  });

  const emailsOf = async (interviewId: string) => {
    const res = await ws.api.get(`/api/emails?interviewId=${interviewId}`);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };
  const sendJobOf = (emailId: string) =>
    t.database.db.selectFrom('jobs').selectAll().where('unique_key', '=', `email:${emailId}`).executeTakeFirstOrThrow();
  /** Moves the clock to the send job's next try and runs what is due then. */
  const untilNextTry = async (emailId: string) => {
    const job = await sendJobOf(emailId);
    expect(job.status).toBe('queued');
    t.clock.advance(Math.max(0, job.run_at - t.clock.now()));
    await t.drainJobs();
  };
  const inviteOne = async (positionName: string, email: string, name = 'Grace Hopper') => {
    const p = await createPosition(ws.api, positionName);
    const res = await ws.api.post(`/api/positions/${p.id}/interviews`, { name, email });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('delivers the invitation to the candidate, and its link opens the candidate page', async () => {
    const positionName = 'Café Barista — Night Shift';
    const email = candidateEmail('grace');
    const interview = await inviteOne(positionName, email);
    expect(smtp.to(email)).toEqual([]);
    expect((await emailsOf(interview.id))[0]).toMatchObject({ status: 'queued', transport: null, attempts: 0 });

    await t.drainJobs();
    const delivered = smtp.to(email);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.mailFrom).toBe('hiring@acme.test');
    expect(delivered[0]!.rcptTo).toEqual([email]);

    const mail = parseMail(delivered[0]!.raw);
    expect(mail.headers.to).toContain(email);
    expect(mail.headers.from).toContain('hiring@acme.test');
    expect(mail.headers.subject).toContain(positionName);
    expect(mail.text).toContain('Hi Grace,');
    expect(mail.text).toContain(positionName);
    expect(mail.html).toContain(positionName);

    const links = mail.text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    const link = links[0]!;
    expect([interview.url.public, interview.url.short]).toContain(link);
    expect(mail.html).toContain(link);
    // Follows the short link's redirect if that is what the email carries.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.url).toBe(interview.url.public);
    const html = await page.text();
    expect(html).toContain(positionName);

    const [sent] = await emailsOf(interview.id);
    expect(sent).toMatchObject({ kind: 'invitation', to: email, status: 'sent', transport: 'smtp', attempts: 1, lastError: null, sentAt: t.clock.now() });
    expect(mail.headers.subject).toBe(sent.subject);

    t.clock.advance(HOUR);
    await t.drainJobs();
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('retries with growing backoff while the mail server refuses or is down, then delivers exactly once', async () => {
    smtp.refuseRecipients = { code: 451, message: 'Requested action aborted: try again later' };
    const email = candidateEmail('retry');
    const interview = await inviteOne('Night Porter', email);
    await t.drainJobs();

    let [queued] = await emailsOf(interview.id);
    expect(queued).toMatchObject({ status: 'queued', attempts: 1, transport: null, sentAt: null });
    expect(queued.lastError).toContain('451');
    const first = await sendJobOf(queued.id);
    expect(first).toMatchObject({ status: 'queued', attempts: 1 });
    const firstDelay = first.run_at - t.clock.now();
    expect(firstDelay).toBeGreaterThan(0);
    expect(smtp.to(email)).toEqual([]);

    // Not due yet: nothing is tried again.
    await t.drainJobs();
    expect((await sendJobOf(queued.id)).attempts).toBe(1);

    // Now the server is down altogether.
    await smtp.stop();
    await untilNextTry(queued.id);
    [queued] = await emailsOf(interview.id);
    expect(queued).toMatchObject({ status: 'queued', attempts: 2 });
    expect(queued.lastError).toMatch(/ECONNREFUSED|connect/i);
    const second = await sendJobOf(queued.id);
    expect(second.run_at - t.clock.now()).toBeGreaterThan(firstDelay);

    // It comes back and takes the email.
    smtp.refuseRecipients = null;
    await smtp.start();
    await untilNextTry(queued.id);
    const [sent] = await emailsOf(interview.id);
    expect(sent).toMatchObject({ status: 'sent', transport: 'smtp', attempts: 3, lastError: null, sentAt: t.clock.now() });
    expect(smtp.to(email)).toHaveLength(1);
    expect(parseMail(smtp.to(email)[0]!.raw).headers.subject).toContain('Night Porter');
    expect(await sendJobOf(queued.id)).toMatchObject({ status: 'done', attempts: 3 });

    t.clock.advance(DAY);
    await t.drainJobs();
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('keeps trying through a day-long outage and still delivers', async () => {
    await smtp.stop();
    const email = candidateEmail('outage');
    const interview = await inviteOne('Lighthouse Keeper', email);
    const start = t.clock.now();
    await t.drainJobs();
    const [queued] = await emailsOf(interview.id);
    // Each try at the time the queue set for it, as a running worker would.
    while (t.clock.now() - start < DAY) await untilNextTry(queued.id);
    const [stillQueued] = await emailsOf(interview.id);
    expect(stillQueued.status).toBe('queued');
    expect(stillQueued.attempts).toBeGreaterThan(10);
    expect(stillQueued.lastError).toEqual(expect.any(String));

    await smtp.start();
    await untilNextTry(queued.id);
    expect(smtp.to(email)).toHaveLength(1);
    expect((await emailsOf(interview.id))[0]).toMatchObject({ status: 'sent', transport: 'smtp', lastError: null });
  });

  it('gives up after its retry window and marks the email failed', async () => {
    await smtp.stop();
    const email = candidateEmail('bounce');
    const interview = await inviteOne('Ship Captain', email);
    const start = t.clock.now();
    await t.drainJobs();
    const [queued] = await emailsOf(interview.id);
    let tries = 1;
    while ((await sendJobOf(queued.id)).status === 'queued' && tries < 500) {
      await untilNextTry(queued.id);
      tries++;
    }
    const job = await sendJobOf(queued.id);
    expect(job.status).toBe('failed');
    expect(t.clock.now() - start).toBeGreaterThanOrEqual(DAY);
    const [failed] = await emailsOf(interview.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: job.attempts, sentAt: null });
    expect(failed.lastError).toEqual(expect.any(String));

    // A mail server that comes back later does not get an email the platform gave up on.
    await smtp.start();
    t.clock.advance(DAY);
    await t.drainJobs();
    expect(smtp.to(email)).toEqual([]);
    expect((await emailsOf(interview.id))[0].status).toBe('failed');
  });

  it('marks the email failed, not queued for ever, when the worker of its last try died', async () => {
    const email = candidateEmail('lost');
    const interview = await inviteOne('Lighthouse Keeper', email);
    const [queued] = await emailsOf(interview.id);
    const job = await sendJobOf(queued.id);
    await t.database.db.updateTable('jobs').set({ status: 'running', attempts: job.max_attempts, locked_by: 'killed-worker', locked_until: t.clock.now() - 1 }).where('id', '=', job.id).execute();
    await t.drainJobs();
    expect(smtp.to(email)).toEqual([]);
    expect((await emailsOf(interview.id))[0]).toMatchObject({ status: 'failed', attempts: job.max_attempts, lastError: expect.stringMatching(/stopped before it finished/) });
  });

  it('keeps an email sent when its job is given up after a worker sent it (a run that outlived its lease)', async () => {
    const email = candidateEmail('sent-then-lost');
    const interview = await inviteOne('Harbour Pilot', email);
    await t.drainJobs();
    const [sent] = await emailsOf(interview.id);
    expect(sent.status).toBe('sent');
    const job = await sendJobOf(sent.id);
    await t.database.db.updateTable('jobs').set({ status: 'running', attempts: job.max_attempts, locked_by: 'killed-worker', locked_until: t.clock.now() - 1 }).where('id', '=', job.id).execute();
    await t.drainJobs();
    expect(smtp.to(email)).toHaveLength(1);
    expect((await emailsOf(interview.id))[0]).toMatchObject({ status: 'sent', lastError: null });
  });
});

describe.each(databaseKinds)('email outbox without SMTP on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace('Outbox Co');
  });
  afterAll(() => t.stop());

  it('keeps the email in the outbox, marked sent by the outbox transport', async () => {
    const p = await createPosition(ws.api, 'Outbox role');
    const email = 'outbox.candidate@example.com';
    const interview = (await ws.api.post(`/api/positions/${p.id}/interviews`, { name: 'Otto Box', email })).body;

    const before = await ws.api.get(`/api/emails?interviewId=${interview.id}`);
    expect(before.status).toBe(200);
    expect(before.body.items).toHaveLength(1);
    expect(before.body.items[0]).toMatchObject({ kind: 'invitation', to: email, status: 'queued', transport: null, sentAt: null });

    await t.drainJobs();
    const after = await ws.session.get(`/api/emails?interviewId=${interview.id}`);
    expect(after.status).toBe(200);
    const [sent] = after.body.items;
    expect(sent).toMatchObject({ kind: 'invitation', to: email, status: 'sent', transport: 'outbox', attempts: 1, lastError: null, sentAt: t.clock.now() });
    expect(sent.subject).toContain('Outbox role');
    expect(sent.text).toContain(interview.url.public);
    expect(sent.html).toContain(interview.url.public);
    const byAddress = await ws.api.get(`/api/emails?to=${encodeURIComponent(email)}`);
    expect(byAddress.body.items.map((e: any) => e.id)).toEqual([sent.id]);
  });

  it('shows the outbox to owners and admins only, and only their own workspace', async () => {
    const p = await createPosition(ws.api, 'Private role');
    const interview = (await ws.api.post(`/api/positions/${p.id}/interviews`, { name: 'Private Pat', email: 'private.pat@example.com' })).body;
    await t.drainJobs();

    const other = await t.createWorkspace('Elsewhere');
    const theirs = await other.api.get('/api/emails');
    expect(theirs.status).toBe(200);
    expect(JSON.stringify(theirs.body)).not.toContain('private.pat@example.com');
    expect((await other.api.get(`/api/emails?interviewId=${interview.id}`)).body.items).toEqual([]);

    const reviewerEmail = 'outbox.reviewer@example.com';
    const invitation = await t.running.platform.services.members.invite(ws.workspaceId, ws.ownerId, reviewerEmail, 'reviewer', 'owner');
    const token = new URL(invitation.acceptUrl).searchParams.get('token')!;
    expect((await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Rae Viewer', password: 'reviewer password 1' })).status).toBe(200);
    const reviewer = t.anonymous();
    expect((await reviewer.login(reviewerEmail, 'reviewer password 1')).body.role).toBe('reviewer');
    const refused = await reviewer.get('/api/emails');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(JSON.stringify(refused.body)).not.toContain('private.pat@example.com');
    expect((await reviewer.get(`/api/interviews/${interview.id}`)).status).toBe(200);

    // The member invitation itself went through the same outbox.
    await t.drainJobs();
    const memberMail = (await ws.api.get(`/api/emails?to=${encodeURIComponent(reviewerEmail)}`)).body.items;
    expect(memberMail).toEqual([expect.objectContaining({ kind: 'member_invitation', status: 'sent', transport: 'outbox' })]);
    expect((await t.anonymous().get('/api/emails')).status).toBe(401);
  });
});
