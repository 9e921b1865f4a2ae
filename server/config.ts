import { z } from 'zod';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    SQLITE_PATH: z.string().min(1).default('data/interviews.sqlite'),
    DATA_DIR: z.string().min(1).default('data'),
    SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    STORAGE_DIR: z.string().min(1).optional(),
    S3_BUCKET: z.string().min(1).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ENDPOINT: z.url().optional(),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: boolean.default(false),
    S3_PREFIX: z.string().default(''),
    S3_CHUNK_SPOOL: boolean.default(true),
    S3_CHUNK_SPOOL_DIR: z.string().min(1).optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Interviews <no-reply@localhost>'),
    SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(24 * 14),
    REMINDER_HOURS_BEFORE_EXPIRY: z.coerce.number().positive().default(24),
    WORKER_ENABLED: boolean.default(true),
    WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(1).default(60),
    WEBHOOK_ALLOW_PRIVATE_URLS: boolean.default(false),
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(32),
    WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.STORAGE_DRIVER !== 's3') return;
    for (const key of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when STORAGE_DRIVER=s3' });
    }
  });

export type Env = z.infer<typeof schema>;

export interface Config {
  port: number;
  host: string;
  publicBaseUrl: string;
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  dataDir: string;
  secretKey?: string;
  storage:
    | { driver: 'local'; dir: string }
    | {
        driver: 's3';
        bucket: string;
        region: string;
        endpoint?: string;
        accessKeyId: string;
        secretAccessKey: string;
        forcePathStyle: boolean;
        prefix: string;
        /** Recording chunks are also copied here until finalised, so the finaliser reads no chunk back from S3. */
        chunkSpoolDir?: string;
      };
  smtpUrl?: string;
  mailFrom: string;
  sessionTtlMs: number;
  reminderBeforeExpiryMs: number;
  worker: { enabled: boolean; pollMs: number; expirySweepMs: number };
  webhooks: { allowPrivateUrls: boolean; concurrency: number; pollMs: number };
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {}

/** Reads and validates the environment; the message names every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return {
    port: env.PORT,
    host: env.HOST,
    publicBaseUrl,
    database: env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'sqlite', path: env.SQLITE_PATH },
    dataDir: env.DATA_DIR,
    secretKey: env.SECRET_KEY,
    storage:
      env.STORAGE_DRIVER === 's3'
        ? {
            driver: 's3',
            bucket: env.S3_BUCKET!,
            region: env.S3_REGION,
            endpoint: env.S3_ENDPOINT,
            accessKeyId: env.S3_ACCESS_KEY_ID!,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
            prefix: env.S3_PREFIX,
            chunkSpoolDir: env.S3_CHUNK_SPOOL ? (env.S3_CHUNK_SPOOL_DIR ?? `${env.DATA_DIR}/chunk-spool`) : undefined,
          }
        : { driver: 'local', dir: env.STORAGE_DIR ?? `${env.DATA_DIR}/media` },
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    sessionTtlMs: env.SESSION_TTL_HOURS * 3600_000,
    reminderBeforeExpiryMs: env.REMINDER_HOURS_BEFORE_EXPIRY * 3600_000,
    worker: { enabled: env.WORKER_ENABLED, pollMs: env.WORKER_POLL_MS, expirySweepMs: env.EXPIRY_SWEEP_SECONDS * 1000 },
    webhooks: { allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS, concurrency: env.WEBHOOK_CONCURRENCY, pollMs: env.WEBHOOK_POLL_MS },
    logLevel: env.LOG_LEVEL,
  };
}
