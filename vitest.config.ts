import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@ansimod/core/prescan': here('./packages/core/src/repo/prescan.ts'),
      '@ansimod/core': here('./packages/core/src/index.ts'),
      '@ansimod/transforms': here('./packages/transforms/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // The integration suite needs tools from Debian: vitest.integration.config.ts.
    exclude: ['**/node_modules/**', 'test/integration/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
