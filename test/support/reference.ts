/**
 * Where the real reference files live: `../shared/reference/…` beside the repository, in a
 * session and in CI alike. Tests that use them fail (never skip) when the folder is missing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REFERENCE = process.env['ANSIMOD_REFERENCE'] ?? fileURLToPath(new URL('../../../shared/reference/fedora-infra-ansible-2023-08-30', import.meta.url));

/** Throws when the reference folder is not there, so a test depending on it fails loudly. */
export function requireReference(): string {
  if (!existsSync(REFERENCE)) throw new Error(`reference files not found at ${REFERENCE} (expected ../shared/reference beside the repository)`);
  return REFERENCE;
}
