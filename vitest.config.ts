import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'rules/**/*.test.ts', 'cli/**/*.test.{ts,tsx}', 'test/**/*.test.ts', 'eval/**/*.test.mjs'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
