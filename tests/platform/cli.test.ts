import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/main.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/test-databases.ts';
import { createWorkspaceCli } from '../support/server-process.ts';
import { ApiClient, freePort } from '../support/test-platform.ts';

interface Printed {
  workspaceId: string;
  owner: { id: string; email: string; password: string };
  apiKey: { id: string; name: string; key: string } | null;
  baseUrl: string;
}

describe.each(databaseKinds)('scripts/create-workspace.ts on %s', (kind) => {
  let dir: string;
  let database: TestDatabase | undefined;
  let dbEnv: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-cli-'));
    if (kind === 'sqlite') {
      dbEnv = { SQLITE_PATH: path.join(dir, 'fresh', 'interviews.sqlite') };
    } else {
      database = await createTestDatabase('postgres');
      if (database.target.kind !== 'postgres') throw new Error('expected a PostgreSQL target');
      dbEnv = { DATABASE_URL: database.target.url };
      // The CLI opens its own connections; ours is not needed.
      await database.db.destroy();
    }
  });
  afterAll(async () => {
    await database?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a workspace, its owner and an API key that a server on the same database accepts', async () => {
    const first = await createWorkspaceCli(['--workspace', 'Acme', '--email', 'Ops@Acme.test'], dbEnv);
    expect(first.code, first.stderr).toBe(0);
    const acme = JSON.parse(first.stdout) as Printed;
    expect(acme).toMatchObject({ workspaceId: expect.any(String), owner: { id: expect.any(String), email: 'ops@acme.test' }, apiKey: { name: 'ATS' } });
    expect(acme.owner.password.length).toBeGreaterThanOrEqual(10);
    expect(acme.apiKey!.key).toMatch(/^owk_/);

    // The same person again: a second workspace, the account (and its password) kept.
    const second = await createWorkspaceCli(['--workspace', 'Globex', '--email', 'ops@acme.test', '--api-key-name', 'Greenhouse', '--password', 'ignored for existing'], dbEnv);
    expect(second.code, second.stderr).toBe(0);
    const globex = JSON.parse(second.stdout) as Printed;
    expect(globex.workspaceId).not.toBe(acme.workspaceId);
    expect(globex.owner.id).toBe(acme.owner.id);
    expect(globex.owner.password).not.toBe('ignored for existing');
    expect(globex.apiKey!.name).toBe('Greenhouse');

    const port = await freePort();
    const running = await startServer(
      loadConfig({ ...dbEnv, PORT: String(port), HOST: '127.0.0.1', WORKER_ENABLED: 'false', LOG_LEVEL: 'silent', DATA_DIR: path.join(dir, 'data') }),
    );
    try {
      const acmeKey = new ApiClient(running.url, acme.apiKey!.key);
      const positions = await acmeKey.get('/api/positions');
      expect(positions.status).toBe(200);
      expect(positions.body.items).toEqual([]);
      const created = await acmeKey.post('/api/positions', { name: 'Made by the ATS', questions: [{ title: 'q' }] });
      expect(created.status).toBe(201);
      const globexKey = new ApiClient(running.url, globex.apiKey!.key);
      expect((await globexKey.get('/api/positions')).body.items).toEqual([]);
      expect((await globexKey.get('/api/api-keys')).body.items.map((k: any) => k.name)).toEqual(['Greenhouse']);

      const owner = new ApiClient(running.url);
      const login = await owner.login('ops@acme.test', acme.owner.password);
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ user: { id: acme.owner.id, name: 'ops' }, workspaceId: acme.workspaceId, role: 'owner' });
      expect(login.body.workspaces.map((w: any) => [w.name, w.role]).sort()).toEqual([
        ['Acme', 'owner'],
        ['Globex', 'owner'],
      ]);
      expect((await owner.get('/api/positions')).body.items.map((p: any) => p.name)).toEqual(['Made by the ATS']);
      expect((await new ApiClient(running.url).login('ops@acme.test', 'ignored for existing')).status).toBe(401);
    } finally {
      await running.stop();
    }
  });
});

describe('scripts/create-workspace.ts usage', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-cli-usage-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sqlitePath = () => path.join(dir, 'never-created.sqlite');

  it('--help prints the usage and exits 0', async () => {
    const res = await createWorkspaceCli(['--help'], { SQLITE_PATH: sqlitePath() });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('--workspace NAME --email EMAIL');
    expect(fs.existsSync(sqlitePath())).toBe(false);
  });

  it('exits 2 with the usage when --email is missing, touching no database', async () => {
    const res = await createWorkspaceCli(['--workspace', 'Acme'], { SQLITE_PATH: sqlitePath() });
    expect(res.code).toBe(2);
    expect(res.stdout + res.stderr).toContain('Usage:');
    expect(fs.existsSync(sqlitePath())).toBe(false);
  });

  it('exits 2 on an email nobody could log in with, creating nothing', async () => {
    const res = await createWorkspaceCli(['--workspace', 'Acme', '--email', 'not-an-email'], { SQLITE_PATH: sqlitePath() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--email');
    expect(res.stdout).not.toContain('"apiKey"');
    expect(fs.existsSync(sqlitePath())).toBe(false);
  });

  it('exits 2 on an unknown option, with a message instead of a stack trace', async () => {
    const res = await createWorkspaceCli(['--workspace', 'Acme', '--email', 'a@b.test', '--bogus'], { SQLITE_PATH: sqlitePath() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--bogus');
    expect(res.stderr).toContain('Usage:');
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(sqlitePath())).toBe(false);
  });
});
