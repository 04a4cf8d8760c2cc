import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/**
 * Runs the Jinja2 agreement check (needs python3 with jinja2; not part of CI):
 *   npx vitest run --config packages/core/src/jinja/__fixtures__/jinja2-agreement.vitest.config.ts
 * Optional: AGREEMENT_DIRS=dir1:dir2 (template trees to compare), AGREEMENT_FUZZ=20000 (random samples).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: { include: ['jinja2-agreement.ts'], testTimeout: 600_000 },
});
