import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The integration suite (`npm run test:integration`): tests that run real tools from Debian —
 * ansible-core (`ansible-playbook`, Ansible's own templating), chromium driven by playwright-core,
 * pre-commit, strace. `.ci/run` installs them with apt-get first. `npm test` never runs these.
 */
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['test/integration/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
