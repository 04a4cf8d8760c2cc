import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/**
 * Offline checks of the Jinja scanner, not part of CI:
 * - jinja2-agreement.ts: segmentation and errors against Jinja2's own lexer (needs python3 + jinja2).
 *   Optional: AGREEMENT_DIRS=dir1:dir2 (template trees), AGREEMENT_FUZZ=20000 (random samples).
 * - scan-benchmark.ts: throughput of scanJinja / maskJinja on 1 MB inputs.
 * Run: npx vitest run --config packages/core/src/jinja/__fixtures__/offline.vitest.config.ts [name]
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: { include: ['jinja2-agreement.ts', 'scan-benchmark.ts'], testTimeout: 600_000 },
});
