import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The server serves dist/web-admin/index.html for /admin and every /admin/* page, and the bundles under /admin/assets/.
export default defineConfig({
  root: here,
  base: '/admin/',
  publicDir: false,
  build: {
    outDir: path.resolve(here, '../dist/web-admin'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: { input: path.resolve(here, 'index.html') },
  },
});
