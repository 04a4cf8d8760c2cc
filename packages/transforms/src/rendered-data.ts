/**
 * Helpers for the render checks of the transforms: reading the rendered data the engine gives
 * them (`RenderedData.value`, as parsed from a rendered INI, YAML or JSON file).
 */

/**
 * Whether a rendered value is a mapping (an object that is not an array).
 *
 * @example
 * isRecord({ auths: {} }); // => true
 * isRecord(['a']); // => false
 */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Where an INI section sits in rendered INI data: the `ini` package nests a section under its
 * dot-separated parts, dots escaped with a backslash staying in the name.
 *
 * @example
 * iniSectionPath('app:main'); // => ['app:main']
 * iniSectionPath('a.b\\.c'); // => ['a', 'b.c']
 */
export function iniSectionPath(section: string): string[] {
  return section.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
}
