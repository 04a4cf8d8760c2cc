import type { Diagnostic } from '../diagnostics.js';

/**
 * Typed, documented transform options (after OpenRewrite's `@Option`): each carries a
 * description and an example, and values are validated before anything runs.
 */
interface OptionBase {
  /** What the option means, one sentence. Shown by `ansimod list` and in the reference. */
  description: string;
  /** An example value, as a user would write it in a recipe. */
  example: string;
  required?: boolean;
}

export interface StringOption extends OptionBase {
  type: 'string';
  default?: string;
  /** Allowed values, when the option is an enumeration. */
  choices?: readonly string[];
}
export interface BooleanOption extends OptionBase {
  type: 'boolean';
  default?: boolean;
}
export interface NumberOption extends OptionBase {
  type: 'number';
  default?: number;
}
export interface StringListOption extends OptionBase {
  type: 'string[]';
  default?: readonly string[];
}
/** A string → string map, written as `{ from: to }` in a recipe or `FROM=TO` on the command line. */
export interface MapOption extends OptionBase {
  type: 'map';
  default?: Readonly<Record<string, string>>;
  /**
   * What `--map` pairs hold: `registries` (the default: each side checked as
   * host[:port][/namespace] on the command line) or `names` (hosts and `*.domain` patterns,
   * variable names: the transform checks them).
   */
  sides?: 'registries' | 'names';
}

export type OptionSpec = StringOption | BooleanOption | NumberOption | StringListOption | MapOption;
export type OptionSpecs = Record<string, OptionSpec>;

/** The TypeScript type of one option's value. */
export type OptionValue<S extends OptionSpec> = S extends StringOption
  ? string
  : S extends BooleanOption
    ? boolean
    : S extends NumberOption
      ? number
      : S extends StringListOption
        ? string[]
        : S extends MapOption
          ? Record<string, string>
          : never;

type HasValue<S> = S extends { required: true } ? true : S extends { default: unknown } ? true : false;

/**
 * The validated options object a transform receives: required options and options with a
 * default are always present; the others may be undefined.
 */
export type OptionsOf<S extends OptionSpecs> = {
  [K in keyof S]: HasValue<S[K]> extends true ? OptionValue<S[K]> : OptionValue<S[K]> | undefined;
};

/**
 * Validates raw option values (from a recipe or the command line) against their specs.
 * Unknown options, missing required ones and values of the wrong type are diagnostics.
 *
 * @example
 * validateOptions({ key: { type: 'string', description: 'INI key', example: 'a.b', required: true } }, { key: 'a.b' }, 'set-ini-key');
 * // => { ok: true, value: { key: 'a.b' } }
 */
export function validateOptions<S extends OptionSpecs>(
  specs: S,
  raw: Readonly<Record<string, unknown>>,
  owner: string,
): { ok: true; value: OptionsOf<S> } | { ok: false; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const out: Record<string, unknown> = {};
  const fail = (message: string) =>
    diagnostics.push({ code: 'INVALID_OPTION', severity: 'error', message: `${owner}: ${message}` });
  for (const key of Object.keys(raw)) {
    if (!(key in specs)) fail(`unknown option "${key}" (known: ${Object.keys(specs).join(', ') || 'none'})`);
  }
  for (const [key, spec] of Object.entries(specs)) {
    const value = raw[key];
    if (value === undefined) {
      if (spec.default !== undefined) out[key] = cloneDefault(spec.default);
      else if (spec.required) fail(`option "${key}" is required (${spec.description}; e.g. ${spec.example})`);
      continue;
    }
    const problem = checkValue(spec, value);
    if (problem) fail(`option "${key}" ${problem}`);
    else out[key] = value;
  }
  return diagnostics.length ? { ok: false, diagnostics } : { ok: true, value: out as OptionsOf<S> };
}

function cloneDefault(v: unknown): unknown {
  if (Array.isArray(v)) return [...v];
  if (v && typeof v === 'object') return { ...(v as Record<string, unknown>) };
  return v;
}

function checkValue(spec: OptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
      if (spec.choices && !spec.choices.includes(value)) return `must be one of ${spec.choices.join(', ')}, got "${value}"`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${describe(value)}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a number, got ${describe(value)}`;
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : `must be a list of strings, got ${describe(value)}`;
    case 'map':
      return value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === 'string')
        ? undefined
        : `must be a map of strings, got ${describe(value)}`;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? `"${v}"` : typeof v;
}

/**
 * Parses `FROM=TO` pairs (the command line's `--map`) into a map.
 *
 * @example
 * parseMapPairs(['a.example=b.example/ns']); // => { ok: true, value: { 'a.example': 'b.example/ns' } }
 */
export function parseMapPairs(
  pairs: readonly string[],
  sides: MapOption['sides'] = 'registries',
): { ok: true; value: Record<string, string> } | { ok: false; diagnostic: Diagnostic } {
  const value: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const from = pair.slice(0, eq).trim();
    const to = pair.slice(eq + 1).trim();
    if (eq <= 0 || !from || !to) {
      return {
        ok: false,
        diagnostic: { code: 'USAGE', severity: 'error', message: `--map expects FROM=TO, got "${pair}"` },
      };
    }
    const bad = sides === 'names' ? undefined : [from, to].find((side) => !REGISTRY_REFERENCE.test(side));
    if (bad !== undefined) {
      return {
        ok: false,
        diagnostic: {
          code: 'USAGE',
          severity: 'error',
          message: `--map expects FROM=TO, each a registry as host[:port][/namespace] (e.g. quay.io/fedora), got "${pair}" ("${bad}" is not one)`,
        },
      };
    }
    value[from] = to;
  }
  return { ok: true, value };
}

/**
 * A registry reference as `--map` takes it: a DNS host name, an optional port, an optional
 * namespace of lowercase path components (as image names allow: letters, digits, and `.`, `_`,
 * `__`, `-` between them). No scheme, quote, space, `//`, trailing slash or IPv6 literal.
 */
const REGISTRY_REFERENCE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
