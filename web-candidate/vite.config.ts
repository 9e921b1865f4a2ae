import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The server serves dist/web-candidate/index.html for GET /i/<token> and this folder under /candidate/.
export default defineConfig({
  root: here,
  base: '/candidate/',
  publicDir: false,
  build: {
    outDir: path.resolve(here, '../dist/web-candidate'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: { input: path.resolve(here, 'index.html') },
  },
});
