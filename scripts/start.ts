// `npm start`: migrate, seed demo data on first run, start the server and print where everything is.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../server/config.ts';
import { seedDemo, type DemoCredentials } from '../server/demo/demo-seed.ts';
import { startServer, stopOnSignals } from '../server/main.ts';

async function main() {
  const config = loadConfig();
  const running = await startServer(config);
  const credentialsFile = path.resolve(config.dataDir, 'demo-credentials.json');
  let demo: DemoCredentials | undefined;
  if (await running.platform.services.workspaces.isFirstRun()) {
    if (process.env.SEED_DEMO !== 'false') {
      demo = await seedDemo(running.platform, randomBytes(9).toString('base64url'));
      fs.mkdirSync(path.dirname(credentialsFile), { recursive: true });
      fs.writeFileSync(credentialsFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
    }
  } else if (fs.existsSync(credentialsFile)) {
    demo = JSON.parse(fs.readFileSync(credentialsFile, 'utf8'));
  }
  const base = config.publicBaseUrl;
  const lines = [
    '',
    `Interviews platform is running on ${config.database.kind} (${config.storage.driver} storage)`,
    `  Admin app:      ${base}/admin/`,
    `  API docs:       ${base}/api/openapi.json`,
    `  Hireflix API:   POST ${base}/me`,
    `  Health:         ${base}/healthz`,
  ];
  if (demo) {
    const links = await running.platform.services.interviews.list(demo.workspaceId, { limit: 5 });
    lines.push(
      '',
      'Demo login (kept in ' + path.relative(process.cwd(), credentialsFile) + '):',
      `  email:    ${demo.email}`,
      `  password: ${demo.password}`,
      `  API key:  ${demo.apiKey}`,
      '',
      'Candidate links:',
      ...links.items.map((i) => `  ${i.candidate.name.padEnd(14)} ${i.url.public}`),
    );
  } else if (await running.platform.services.workspaces.isFirstRun()) {
    lines.push('', `No owner yet: open ${base}/admin/ to create one, or run: npm run workspace:create -- --help`);
  }
  console.log(lines.join('\n') + '\n');
  stopOnSignals(running);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
