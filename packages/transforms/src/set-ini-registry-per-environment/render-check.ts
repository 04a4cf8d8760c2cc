import type { Environment, RenderCheck, RenderedData } from '@ansimod/core';
import { iniSectionPath, isRecord } from '../rendered-data.js';

/**
 * What the rendered file must hold after the change: per environment, key → value in the managed section.
 *
 * @example
 * const expected: ExpectedSettings = new Map([['production', new Map([['container.source_registry', 'quay.io/fedora']])]]);
 */
export type ExpectedSettings = ReadonlyMap<string, ReadonlyMap<string, string | null>>;

/**
 * The rendered data expected after the change: `before` with exactly the given keys of the
 * section set to their values (the section created when the file had none); nothing else moves.
 *
 * @example
 * expectedIniData({ format: 'ini', value: { 'app:main': { use: 'egg:bodhi' } } }, 'app:main', new Map([['k', 'quay.io']]));
 * // => { format: 'ini', value: { 'app:main': { use: 'egg:bodhi', k: 'quay.io' } } }
 */
export function expectedIniData(before: RenderedData, section: string | null, settings: ReadonlyMap<string, string | null> | undefined): RenderedData {
  if (before.format !== 'ini' || settings === undefined || settings.size === 0) return before;
  const value: unknown = structuredClone(before.value);
  if (!isRecord(value)) return before;
  let target: Record<string, unknown> = value;
  for (const part of section === null ? [] : iniSectionPath(section)) {
    const next = target[part];
    if (!isRecord(next)) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  // null: the setting is removed (the application's default applies again).
  for (const [key, v] of settings) {
    if (v === null) delete target[key];
    else target[key] = v;
  }
  return { format: 'ini', value };
}

/**
 * The check the engine runs on the rendered file in every environment: before and after the
 * edit, the only difference is the managed keys of the section now holding their mapped values.
 *
 * @example
 * registryRenderCheck('roles/bodhi2/base/templates/production.ini.j2', 'app:main', expected);
 */
export function registryRenderCheck(path: string, section: string | null, expected: ExpectedSettings): RenderCheck {
  const keys = [...new Set([...expected.values()].flatMap((m) => [...m.keys()]))];
  return {
    path,
    describe: `${keys.join(', ')} in ${section === null ? 'the top of the file' : `[${section}]`} name the mapped registries`,
    expect: (before: RenderedData, env: Environment) => expectedIniData(before, section, expected.get(env.name)),
  };
}
