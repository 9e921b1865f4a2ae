import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

/** The ConfigError loadConfig throws for `env`, or a failure if it does not throw one. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The variables a ConfigError message complains about, one per line. */
const namedIn = (error: ConfigError) => [...error.message.matchAll(/^\s+([A-Z0-9_]+):/gm)].map((m) => m[1]);

describe('loadConfig', () => {
  it('runs with no environment at all: SQLite and local storage under data/', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      publicBaseUrl: 'http://localhost:3000',
      database: { kind: 'sqlite', path: 'data/interviews.sqlite' },
      dataDir: 'data',
      secretKey: undefined,
      storage: { driver: 'local', dir: 'data/media' },
      smtpUrl: undefined,
      mailFrom: 'Interviews <no-reply@localhost>',
      sessionTtlMs: 14 * 86400_000,
      reminderBeforeExpiryMs: 24 * 3600_000,
      worker: { enabled: true, pollMs: 500, expirySweepMs: 60_000 },
      webhooks: { allowPrivateUrls: false, concurrency: 32, pollMs: 250 },
      logLevel: 'info',
    });
  });

  it('treats empty and blank variables as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', SMTP_URL: '', PUBLIC_BASE_URL: '' });
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'sqlite', path: 'data/interviews.sqlite' });
    expect(config.smtpUrl).toBeUndefined();
    // A blank PORT must not become port 0 (a random port nobody knows).
    expect(loadConfig({ PORT: '  ' }).port).toBe(3000);
  });

  it('reads a full environment', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: 'https://interviews.example.com/',
      DATABASE_URL: 'postgresql://app:pw@db:5432/interviews',
      DATA_DIR: '/var/lib/interviews',
      SECRET_KEY: 'k'.repeat(32),
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'media',
      S3_ACCESS_KEY_ID: 'AKIA',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      SMTP_URL: 'smtps://user:pw@mail.example.com:465',
      SESSION_TTL_HOURS: '12',
      WORKER_ENABLED: 'no',
      EXPIRY_SWEEP_SECONDS: '5',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicBaseUrl: 'https://interviews.example.com',
      database: { kind: 'postgres', url: 'postgresql://app:pw@db:5432/interviews' },
      secretKey: 'k'.repeat(32),
      storage: { driver: 's3', bucket: 'media', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', accessKeyId: 'AKIA', secretAccessKey: 'secret', forcePathStyle: true, prefix: '' },
      smtpUrl: 'smtps://user:pw@mail.example.com:465',
      sessionTtlMs: 12 * 3600_000,
      worker: { enabled: false, pollMs: 500, expirySweepMs: 5000 },
      logLevel: 'warn',
    });
    expect(loadConfig({ PORT: '4000' }).publicBaseUrl).toBe('http://localhost:4000');
    expect(loadConfig({ DATA_DIR: '/srv/d' }).storage).toEqual({ driver: 'local', dir: '/srv/d/media' });
    expect(config.storage).toMatchObject({ chunkSpoolDir: '/var/lib/interviews/chunk-spool' });
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db' }).database.kind).toBe('postgres');
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['SMTP_URL', { SMTP_URL: 'http://x' }],
    ['S3_BUCKET', { STORAGE_DRIVER: 's3', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' }],
    ['STORAGE_DRIVER', { STORAGE_DRIVER: 'ftp' }],
    ['SECRET_KEY', { SECRET_KEY: 'too-short' }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'ftp://x' }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'not a url' }],
    ['WORKER_ENABLED', { WORKER_ENABLED: 'maybe' }],
    ['SESSION_TTL_HOURS', { SESSION_TTL_HOURS: '0' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
  ])('refuses a bad %s and names it', (variable, env) => {
    const error = configError(env);
    expect(error.message).toContain(variable);
    expect(namedIn(error)).toEqual([variable]);
  });

  it('spools S3 chunks locally unless S3_CHUNK_SPOOL=false', () => {
    const s3 = { STORAGE_DRIVER: 's3', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret', DATA_DIR: '/srv/d' };
    expect(loadConfig(s3).storage).toMatchObject({ chunkSpoolDir: '/srv/d/chunk-spool' });
    expect(loadConfig({ ...s3, S3_CHUNK_SPOOL_DIR: '/fast/spool' }).storage).toMatchObject({ chunkSpoolDir: '/fast/spool' });
    expect(loadConfig({ ...s3, S3_CHUNK_SPOOL: 'false' }).storage).toMatchObject({ chunkSpoolDir: undefined });
    expect(namedIn(configError({ ...s3, S3_CHUNK_SPOOL: 'off' }))).toEqual(['S3_CHUNK_SPOOL']);
  });

  it('names every missing S3 variable when STORAGE_DRIVER=s3', () => {
    expect(namedIn(configError({ STORAGE_DRIVER: 's3' })).sort()).toEqual(['S3_ACCESS_KEY_ID', 'S3_BUCKET', 'S3_SECRET_ACCESS_KEY']);
  });

  it('names every bad variable at once, not just the first', () => {
    const error = configError({ PORT: 'abc', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://x', SECRET_KEY: 'short', PUBLIC_BASE_URL: 'ftp://x' });
    expect(namedIn(error).sort()).toEqual(['DATABASE_URL', 'PORT', 'PUBLIC_BASE_URL', 'SECRET_KEY', 'SMTP_URL']);
  });

  it('does not echo secrets it refuses', () => {
    const error = configError({ SECRET_KEY: 'hunter2-short', DATABASE_URL: 'mysql://root:s3cr3tpw@db/x' });
    expect(error.message).not.toContain('hunter2-short');
    expect(error.message).not.toContain('s3cr3tpw');
  });
});
