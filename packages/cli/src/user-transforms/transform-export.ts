/**
 * Reads the transforms out of a loaded module. A `.js` file is not type-checked, and even a
 * checked `.ts` file can build its export at run time, so the shape is checked here again before
 * the engine sees it: a wrong export is an error naming the file and the field, not a crash later.
 */
import { AnsimodError, type AnyTransform } from '@ansimod/core';

const OPTION_TYPES = new Set(['string', 'boolean', 'number', 'string[]', 'map']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** What is wrong with one exported value as a transform (empty when it is one). */
function transformProblems(v: unknown, where: string): string[] {
  if (!isRecord(v)) return [`${where} is not a transform made with defineTransform({...})`];
  const problems: string[] = [];
  for (const k of ['name', 'displayName', 'description'] as const) {
    if (typeof v[k] !== 'string' || !(v[k] as string).trim()) problems.push(`${where}.${k} must be a non-empty string`);
  }
  if (typeof v['name'] === 'string' && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v['name'])) problems.push(`${where}.name must be kebab-case, got "${v['name']}"`);
  if (typeof v['visit'] !== 'function') problems.push(`${where}.visit must be a function`);
  if (v['claims'] !== undefined && typeof v['claims'] !== 'function') problems.push(`${where}.claims must be a function when given`);
  if (!isRecord(v['select']) && typeof v['select'] !== 'function') problems.push(`${where}.select must be a file selector or a function of the options`);
  if (!isRecord(v['options'])) problems.push(`${where}.options must be an object (use {} for none)`);
  else
    for (const [name, spec] of Object.entries(v['options'])) {
      if (!isRecord(spec) || !OPTION_TYPES.has(String(spec['type'])) || typeof spec['description'] !== 'string' || typeof spec['example'] !== 'string') {
        problems.push(`${where}.options.${name} needs a type (${[...OPTION_TYPES].join(', ')}), a description and an example`);
      }
    }
  return problems;
}

/**
 * The transforms a module exports by default: one transform, or an array of them.
 *
 * @throws AnsimodError `UNKNOWN_TRANSFORM` naming the file and every problem found.
 * @example
 * transformsOfModule(await import(url), 'move-image-registry.ts'); // => [moveImageRegistry]
 */
export function transformsOfModule(mod: Readonly<Record<string, unknown>>, shownAs: string): AnyTransform[] {
  if (!('default' in mod) || mod['default'] === undefined) {
    throw new AnsimodError({
      code: 'UNKNOWN_TRANSFORM',
      path: shownAs,
      message: 'has no default export; write `export default defineTransform({...})` (or an array of transforms)',
    });
  }
  const exported = mod['default'];
  const list = Array.isArray(exported) ? exported : [exported];
  const problems = list.flatMap((t, i) => transformProblems(t, Array.isArray(exported) ? `default[${i}]` : 'the default export'));
  if (!list.length) problems.push('the default export is an empty array');
  if (problems.length) throw new AnsimodError({ code: 'UNKNOWN_TRANSFORM', path: shownAs, message: problems.join('; ') });
  return list as AnyTransform[];
}
