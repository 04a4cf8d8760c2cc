import type { Diagnostic } from '../diagnostics.js';

/**
 * An Ansible deployment environment (production, staging) as seen by templates: the variables
 * a template rendered for that environment can use.
 *
 * @example
 * const prod: Environment = {
 *   name: 'production',
 *   vars: { env: 'production', env_suffix: '' },
 *   source: ['inventory/group_vars/all'],
 * };
 */
export interface Environment {
  /** The environment's name: the value of its `env` variable, else its group name. */
  name: string;
  /** Variables in effect for this environment (composed YAML values; Jinja strings stay strings). */
  vars: Record<string, unknown>;
  /** Repository-relative files the variables were read from, lowest precedence first. */
  source: string[];
  /** True when no inventory defined this environment and built-in defaults were used. */
  defaulted?: boolean;
  /** Warnings about the vars files read (a key given twice: `DUPLICATE_KEY`, the last value kept). */
  warnings?: Diagnostic[];
}

/**
 * How environment discovery reads a repository. Paths are repository-relative, POSIX separators.
 *
 * @example
 * const reader: InventoryReader = {
 *   readFile: async (p) => (p === 'inventory/group_vars/all' ? 'env: production\n' : undefined),
 *   listDir: async () => undefined,
 * };
 */
export interface InventoryReader {
  /** The file's text, or `undefined` when it does not exist or is not a regular file. */
  readFile(relPath: string): Promise<string | undefined>;
  /** The entries of a directory (names only), or `undefined` when it is not a directory. */
  listDir(relPath: string): Promise<string[] | undefined>;
}

/**
 * A caller-supplied environment definition, e.g. from a recipe's options.
 *
 * @example
 * const o: EnvironmentOverride = { name: 'staging', vars: { env_suffix: '.stg' } };
 */
export interface EnvironmentOverride {
  name: string;
  vars: Record<string, unknown>;
}
