/**
 * `--option NAME=VALUE`: a recipe's or a transform's options on the command line, typed by the
 * option's own spec and validated by it, and the syntax `ansimod list` shows for each.
 */
import { validateOptions, type OptionSpec, type OptionSpecs } from '@ansimod/core';
import { UsageError } from './command.js';

/**
 * The value syntax of an option on the command line (`ansimod list` prints exactly this).
 *
 * @example
 * optionSyntax('keys', { type: 'string[]', description: 'keys', example: 'a,b' }); // => '--option keys=A,B,…'
 */
export function optionSyntax(name: string, spec: OptionSpec): string {
  const value =
    spec.type === 'string'
      ? spec.choices?.length
        ? spec.choices.join('|')
        : 'TEXT'
      : spec.type === 'boolean'
        ? 'true|false'
        : spec.type === 'number'
          ? 'NUMBER'
          : spec.type === 'string[]'
            ? 'A,B,…'
            : 'FROM=TO,…';
  return `--option ${name}=${value}`;
}

/**
 * Splits `--option` words into names and raw text values (`NAME=VALUE`, the first `=` splits).
 *
 * @throws UsageError for a word without `=` or with an empty name, and for a name given twice.
 * @example
 * splitOptionArgs(['keys=a,b']); // => Map { 'keys' => 'a,b' }
 */
export function splitOptionArgs(words: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option expects NAME=VALUE, got '${w}'`);
    const name = w.slice(0, eq);
    if (out.has(name)) throw new UsageError(`--option ${name} is given twice`);
    out.set(name, w.slice(eq + 1));
  }
  return out;
}

/**
 * One option's text from the command line as the value its spec types.
 *
 * @throws UsageError naming the option, the syntax it takes and what was given.
 * @example
 * typedOptionValue('keys', { type: 'string[]', description: '', example: '' }, 'a, b'); // => ['a', 'b']
 */
export function typedOptionValue(name: string, spec: OptionSpec, text: string): unknown {
  const bad = (): never => {
    throw new UsageError(`${optionSyntax(name, spec)} expected, got '${name}=${text}'`);
  };
  switch (spec.type) {
    case 'string':
      return text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : bad();
    case 'number': {
      const n = text.trim() === '' ? Number.NaN : Number(text);
      return Number.isFinite(n) ? n : bad();
    }
    case 'string[]':
      return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'map': {
      const map: Record<string, string> = {};
      for (const pair of text.split(',').filter((p) => p.trim() !== '')) {
        const eq = pair.indexOf('=');
        if (eq <= 0 || eq === pair.length - 1) bad();
        map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
      }
      return Object.keys(map).length ? map : bad();
    }
  }
}

/**
 * The `--option` values meant for one owner (a recipe, or one transform), typed and validated
 * by its specs; options it does not declare are left for others (the caller checks that every
 * given name was taken by someone).
 *
 * @throws UsageError when a value does not fit its spec (type, choices).
 * @example
 * optionsFor(new Map([['keys', 'a,b']]), transform.options, transform.name); // => { keys: ['a', 'b'] }
 */
export function optionsFor(given: ReadonlyMap<string, string>, specs: OptionSpecs, owner: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [name, text] of given) {
    const spec = specs[name];
    if (spec) raw[name] = typedOptionValue(name, spec, text);
  }
  if (!Object.keys(raw).length) return raw;
  // The spec's own checks (choices, …); defaults and required options are the engine's part.
  const checked = validateOptions(Object.fromEntries(Object.keys(raw).map((k) => [k, specs[k] as OptionSpec])), raw, owner);
  if (!checked.ok) throw new UsageError(checked.diagnostics.map((d) => d.message).join('; '));
  return raw;
}

/**
 * Fails on `--option` names no owner declares.
 *
 * @throws UsageError listing the options that are known.
 * @example
 * requireKnownOptions(given, [transform.options], 'move-image-registry');
 */
export function requireKnownOptions(given: ReadonlyMap<string, string>, specs: readonly OptionSpecs[], owner: string): void {
  const known = new Set(specs.flatMap((s) => Object.keys(s)));
  const unknown = [...given.keys()].filter((n) => !known.has(n));
  if (unknown.length) {
    throw new UsageError(`${owner} has no option ${unknown.map((n) => `'${n}'`).join(', ')} (its options: ${[...known].join(', ') || 'none'}; see 'ansimod list')`);
  }
}
