import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

/**
 * Builds a web app into dist/<app> unless the build is newer than every source file, so browser tests
 * run against what the server serves even when vitest is run without `npm test`'s build step.
 */
export async function ensureWebAppBuilt(app: 'web-candidate' | 'web-admin'): Promise<void> {
  const sourceDir = path.join(repoRoot, app);
  const builtIndex = path.join(repoRoot, `dist/${app}/index.html`);
  const lockDir = path.join(repoRoot, `dist/.${app}-build.lock`);
  const builtAt = () => stat(builtIndex).then((s) => s.mtimeMs, () => 0);
  if ((await builtAt()) > (await newestMtime(sourceDir))) return;
  await mkdir(path.dirname(lockDir), { recursive: true });
  // Test files run in parallel processes: one builds, the others wait for it.
  for (const started = Date.now(); ; ) {
    try {
      await mkdir(lockDir);
      break;
    } catch {
      if (Date.now() - started > 120_000) throw new Error(`waited 2 minutes for ${lockDir}; remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if ((await builtAt()) > (await newestMtime(sourceDir))) return;
    const { build } = await import('vite');
    await build({ configFile: path.join(sourceDir, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    await rmdir(lockDir).catch(() => undefined);
  }
}
