// `pnpm test:scale`: the suites that start real services (Redis, PostgreSQL, n8n main + workers). Their
// files end in .scale.ts, so the default `vitest run` (npm test) does not pick them up; the docs check
// (deploy-docs.test.ts) runs in both.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/scale/**/*.scale.ts', 'test/scale/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
