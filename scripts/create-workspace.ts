// `npm run workspace:create -- --workspace "Acme" --email owner@acme.com [--name "Owner"] [--password ...] [--api-key-name ATS]`
// Creates a workspace, its owner and an API key without prompts and prints them as JSON, for automation and ATS set-up.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createPlatform } from '../server/app.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { createDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { EmailAddress, emailKey } from '../server/shared/email-address.ts';
import { AppError } from '../server/shared/errors.ts';

const usage = `Usage: npm run workspace:create -- --workspace NAME --email EMAIL [--name OWNER_NAME] [--password PASSWORD] [--api-key-name NAME] [--no-api-key]
Prints JSON: workspaceId, owner email, password (generated when not given) and the API key (shown once).
Uses the same environment as the server (DATABASE_URL or SQLITE_PATH).`;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        workspace: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        'api-key-name': { type: 'string', default: 'ATS' },
        'no-api-key': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

async function main() {
  const values = parseOptions();
  if (values.help || !values.workspace || !values.email) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  // Login only accepts valid addresses: an owner created with any other could never sign in.
  const email = emailKey(values.email);
  if (!EmailAddress.safeParse(email).success) {
    console.error(`error: --email ${JSON.stringify(values.email)} is not a valid email address\n${usage}`);
    process.exit(2);
  }
  const config = loadConfig();
  const db = createDatabase(config.database);
  try {
    await migrateToLatest(db);
    const platform = createPlatform({ config, db });
    const password = values.password ?? randomBytes(12).toString('base64url');
    if (password.length < 10) throw new AppError('validation_failed', '--password must be at least 10 characters');
    const { workspaceId, userId, createdUser } = await platform.services.workspaces.createWithOwner({
      workspaceName: values.workspace,
      ownerEmail: email,
      ownerName: values.name ?? email.split('@')[0]!,
      ownerPassword: password,
    });
    const apiKey = values['no-api-key'] ? null : await platform.services.apiKeys.create(workspaceId, values['api-key-name']!, userId);
    console.log(
      JSON.stringify(
        {
          workspaceId,
          owner: { id: userId, email, password: createdUser ? password : '(existing account, password unchanged)' },
          apiKey: apiKey ? { id: apiKey.apiKey.id, name: apiKey.apiKey.name, key: apiKey.key } : null,
          baseUrl: config.publicBaseUrl,
        },
        null,
        2,
      ),
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError || error instanceof AppError ? `error: ${error.message}` : error);
  process.exit(1);
});
