import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AnsimodError, type Diagnostic } from '../diagnostics.js';
import { readRegularFile } from '../repo/read.js';
import { isInside } from '../repo/walk.js';
import { readGroupVars } from './group-vars.js';
import type { Environment, EnvironmentOverride, InventoryReader } from './types.js';

/** `group_vars` folders we read, lowest precedence first (playbook-adjacent vars win, as in Ansible). */
const GROUP_VARS_DIRS = ['inventory/group_vars', 'group_vars'];

/**
 * The two environments of a Fedora-infrastructure-style inventory: the group whose vars are
 * the base (`all`, production by convention) and the group that overrides them for staging.
 */
const ENVIRONMENT_GROUPS: ReadonlyArray<{ group: string; fallbackName: string }> = [
  { group: 'all', fallbackName: 'production' },
  { group: 'staging', fallbackName: 'staging' },
];

/**
 * The environments assumed when a repository has no inventory: what every template in such a
 * repository is conventionally written against.
 */
export const DEFAULT_ENVIRONMENT_VARS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  production: { env: 'production', env_suffix: '' },
  staging: { env: 'staging', env_suffix: '.stg' },
};

/**
 * Discovers the production and staging environments of an Ansible repository from
 * `inventory/group_vars/{all,staging}` (and `group_vars/` at the root): production gets the
 * `all` group's vars, staging gets `all`'s vars overridden by `staging`'s, as Ansible's group
 * precedence does for a host in both groups. Each environment is named by its `env` variable.
 * When no inventory vars exist at all, returns {@link defaultEnvironments} (flagged `defaulted`).
 *
 * @param repo - a repository root on disk, or an {@link InventoryReader} over any file source.
 * @throws AnsimodError (`PARSE_ERROR`) when a vars file is not valid YAML.
 * @example
 * const envs = await discoverEnvironments('/srv/ansible');
 * envs.map((e) => `${e.name}:${String(e.vars.env_suffix)}`); // ['production:', 'staging:.stg']
 */
export async function discoverEnvironments(repo: string | InventoryReader): Promise<Environment[]> {
  const reader = typeof repo === 'string' ? fileSystemInventoryReader(repo) : repo;
  const groups = new Map<string, { vars: Record<string, unknown>; files: string[] }>();
  const warnings: Diagnostic[] = [];
  for (const { group } of ENVIRONMENT_GROUPS) {
    for (const dir of GROUP_VARS_DIRS) {
      const found = await readGroupVars(reader, dir, group);
      if (!found) continue;
      warnings.push(...found.warnings);
      const seen = groups.get(group) ?? { vars: {}, files: [] };
      Object.assign(seen.vars, found.vars);
      seen.files.push(...found.files);
      groups.set(group, seen);
    }
  }
  if (groups.size === 0) return defaultEnvironments();
  /** The warnings of the files an environment's vars come from. */
  const warningsOf = (files: string[]): { warnings?: Diagnostic[] } => {
    const own = warnings.filter((w) => w.path !== undefined && files.includes(w.path));
    return own.length > 0 ? { warnings: own } : {};
  };

  const base = groups.get('all') ?? { vars: {}, files: [] };
  const environments: Environment[] = [];
  for (const { group, fallbackName } of ENVIRONMENT_GROUPS) {
    const own = groups.get(group);
    if (group !== 'all' && own === undefined) {
      // An inventory without a staging group still has a staging environment in templates
      // (`{% if env == 'staging' %}`); give it the conventional values on top of `all`.
      const vars = { ...base.vars, ...DEFAULT_ENVIRONMENT_VARS[fallbackName] };
      environments.push({ name: fallbackName, vars, source: [...base.files], defaulted: true, ...warningsOf(base.files) });
      continue;
    }
    const vars = group === 'all' ? { ...base.vars } : { ...base.vars, ...own?.vars };
    const source = group === 'all' ? [...base.files] : [...base.files, ...(own?.files ?? [])];
    environments.push({ name: environmentName(vars, fallbackName), vars, source, ...warningsOf(source) });
  }
  return environments;
}

/**
 * The default pair of environments (production with `env_suffix: ''`, staging with
 * `env_suffix: '.stg'`), each flagged `defaulted: true`.
 *
 * @example
 * defaultEnvironments()[1]; // { name: 'staging', vars: { env: 'staging', env_suffix: '.stg' }, source: [], defaulted: true }
 */
export function defaultEnvironments(): Environment[] {
  return Object.entries(DEFAULT_ENVIRONMENT_VARS).map(([name, vars]) => ({
    name,
    vars: { ...vars },
    source: [],
    defaulted: true,
  }));
}

/**
 * Applies caller-supplied environments on top of discovered ones: an override with the name of
 * an existing environment replaces those of its variables it names; an override with a new
 * name adds an environment (its `env` variable defaulting to that name). Inputs are not mutated.
 *
 * @example
 * environmentsFromOptions(defaultEnvironments(), [{ name: 'staging', vars: { env_suffix: '.stage' } }])
 *   .find((e) => e.name === 'staging')?.vars.env_suffix; // '.stage'
 */
export function environmentsFromOptions(base: readonly Environment[], overrides: readonly EnvironmentOverride[]): Environment[] {
  const result = base.map((e) => ({ ...e, vars: { ...e.vars }, source: [...e.source] }));
  for (const { name, vars } of overrides) {
    const existing = result.find((e) => e.name === name);
    if (existing) {
      Object.assign(existing.vars, vars);
      existing.source.push('<options>');
    } else {
      result.push({ name, vars: { env: name, ...vars }, source: ['<options>'] });
    }
  }
  return result;
}

function environmentName(vars: Record<string, unknown>, fallback: string): string {
  const env = vars.env;
  // A templated `env` ("{{ something }}") is no name; keep the group's conventional one.
  return typeof env === 'string' && env !== '' && !env.includes('{') ? env : fallback;
}

/**
 * An {@link InventoryReader} over a directory on disk.
 *
 * @example
 * const reader = fileSystemInventoryReader('/srv/ansible');
 * await reader.readFile('inventory/group_vars/all');
 */
export function fileSystemInventoryReader(root: string): InventoryReader {
  // Symlinks are followed as Ansible does, but only to places inside the repository, and each
  // directory is listed once (by device and inode), so `x -> .` loops cost one visit each.
  const listed = new Set<string>();
  let realRoot: string | undefined;
  const inside = async (relPath: string): Promise<string | undefined> => {
    realRoot ??= await realpath(root).catch(() => root);
    const real = await realpath(join(root, relPath)).catch(() => undefined);
    return real !== undefined && isInside(realRoot, real) ? real : undefined;
  };
  return {
    async readFile(relPath) {
      const real = await inside(relPath);
      if (real === undefined) return undefined;
      try {
        return readRegularFile(real, relPath).toString('utf8');
      } catch (err) {
        // A vars file over the size limit is an input error naming it; a missing one is not.
        if (err instanceof AnsimodError && err.code === 'FILE_TOO_LARGE') throw err;
        return undefined;
      }
    },
    async listDir(relPath) {
      const real = await inside(relPath);
      if (real === undefined) return undefined;
      try {
        const st = await stat(real);
        if (!st.isDirectory()) return undefined;
        const key = `${st.dev}:${st.ino}`;
        if (listed.has(key)) return undefined;
        listed.add(key);
        return await readdir(real);
      } catch {
        return undefined;
      }
    },
  };
}
