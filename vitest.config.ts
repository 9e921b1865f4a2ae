import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One graphql module for all: Node and tsx load its CommonJS main, as graphql-http and graphql-armor do;
    // Vite would give the files it transforms index.mjs, a second copy that rejects the first one's schema.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // s3rver (in the test processes) signs ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
    execArgv: ['--openssl-legacy-provider'],
    maxWorkers: 2,
  },
});
