import type { FormatName } from './types.js';

/** Extensions that decide the format alone (`.conf` is decided with the content). */
const BY_EXTENSION: Readonly<Record<string, FormatName>> = {
  yml: 'yaml',
  yaml: 'yaml',
  json: 'json',
  ini: 'ini',
  cfg: 'ini',
  repo: 'ini',
};

/** Well-known files without an extension that are never data (a Makefile's `all:` is not YAML). */
const TEXT_NAMES = new Set(['makefile', 'dockerfile', 'containerfile', 'jenkinsfile', 'vagrantfile', 'gemfile', 'rakefile', 'license', 'readme', 'changelog', 'authors', 'copying', 'notice']);

/** Template suffixes stripped before looking at the extension: `production.ini.j2` is INI. */
const TEMPLATE_SUFFIX = /\.(?:j2|jinja2|jinja)$/i;

/** How many lines of content detection looks at before giving up: it runs on every file. */
const MAX_PROBE_LINES = 64;

/**
 * The format of a file, from its name, its place in the repository, then its content:
 *
 * 1. a `.j2` (`.jinja2`, `.jinja`) suffix is stripped;
 * 2. `.yml`/`.yaml` → yaml, `.json` → json, `.ini`/`.cfg`/`.repo` → ini, `.conf` → ini when
 *    its first line of content is a `[section]` header (koji's `flatpak.conf`), else conf;
 * 3. under `group_vars/` or `host_vars/` (directly or in a `<name>/` folder), with no extension
 *    or one that is not a format's (`host_vars/builder01.example.org`) → yaml;
 *    any other extension → text;
 * 4. no extension (and not a well-known name such as `Makefile` or `Dockerfile`), by the first
 *    line of content (blank, comment and Jinja-only lines skipped): `---` or `key:` or
 *    `- item` → yaml, a JSON `{`/`[` start → json, `[section]` → ini;
 * 5. anything else → text.
 *
 * @example
 * detectFormat('roles/bodhi2/base/templates/production.ini.j2', ''); // => 'ini'
 * detectFormat('files/osbs/dockercfg-production-secret.j2', '{"auths":{}}'); // => 'json'
 * detectFormat('inventory/group_vars/staging', 'env: staging\n'); // => 'yaml'
 */
export function detectFormat(path: string, text: string): FormatName {
  const byPath = formatFromPath(path);
  if (byPath !== undefined) return byPath;
  if (extensionOf(path) === 'conf') return isSectionHeader(firstContentLine(text, true) ?? '') ? 'ini' : 'conf';
  return byContent(text);
}

/**
 * The format {@link detectFormat} gives a path whatever its content, or undefined when the
 * content decides (a `.conf` file, a file without extension outside the inventory).
 *
 * @example
 * formatFromPath('roles/a/tasks/main.yml'); // => 'yaml'
 * formatFromPath('roles/a/templates/site.conf'); // => undefined (INI or Apache conf)
 */
export function formatFromPath(path: string): FormatName | undefined {
  const possible = formatsFromPath(path);
  return possible?.length === 1 ? possible[0] : undefined;
}

const CONF_FORMATS: readonly FormatName[] = ['ini', 'conf'];
const ONE_FORMAT: Readonly<Record<FormatName, readonly FormatName[]>> = { yaml: ['yaml'], json: ['json'], ini: ['ini'], conf: ['conf'], text: ['text'] };

/**
 * The formats {@link detectFormat} can give a path, whatever its content: one when the name
 * decides, `ini` or `conf` for a `.conf` file, undefined (any) for a file without extension
 * outside the inventory. A search can rule files out by name before reading them as text.
 *
 * @example
 * formatsFromPath('roles/a/templates/site.conf'); // => ['ini', 'conf']
 * formatsFromPath('files/run.py'); // => ['text']
 */
export function formatsFromPath(path: string): readonly FormatName[] | undefined {
  const ext = extensionOf(path);
  const known = BY_EXTENSION[ext];
  if (known !== undefined) return ONE_FORMAT[known];
  if (ext === 'conf') return CONF_FORMATS;
  const segments = path.split(/[\\/]/);
  // Inventory variable files are named after groups and hosts, and host names have dots.
  if (inInventoryVars(segments)) return ONE_FORMAT.yaml;
  const name = (segments.at(-1) ?? '').replace(TEMPLATE_SUFFIX, '');
  if (ext !== '' || TEXT_NAMES.has(name.toLowerCase())) return ONE_FORMAT.text;
  return undefined;
}

/** The lower-cased extension of the file name, template suffix stripped; '' when none. */
function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).replace(TEMPLATE_SUFFIX, '');
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function inInventoryVars(segments: readonly string[]): boolean {
  const last = segments.length - 1;
  for (let i = Math.max(0, last - 2); i < last; i++) {
    const s = segments[i];
    if (s === 'group_vars' || s === 'host_vars') return true;
  }
  return false;
}

const YAML_KEY = /^[A-Za-z_][\w.\-]*[ \t]*:(?:[ \t]|$)/;
const JSON_ARRAY_START = /^\[[ \t]*(?:$|["{[\-0-9\]]|true\b|false\b|null\b)/;
const SECTION_HEADER = /^\[[^\]]+\][ \t]*(?:[#;].*)?$/;

function isSectionHeader(line: string): boolean {
  return SECTION_HEADER.test(line);
}

function byContent(text: string): FormatName {
  if (text.startsWith('#!')) return 'text';
  const line = firstContentLine(text, false);
  if (line === undefined) return 'text';
  if (line === '---' || line.startsWith('--- ') || line.startsWith('%YAML')) return 'yaml';
  if (line.startsWith('{') && !line.startsWith('{{') && !line.startsWith('{%') && !line.startsWith('{#')) {
    const after = line.slice(1).trimStart();
    if (after === '' || after.startsWith('"') || after.startsWith('}')) return 'json';
  }
  if (JSON_ARRAY_START.test(line)) return 'json';
  if (isSectionHeader(line)) return 'ini';
  if (YAML_KEY.test(line) || line === '-' || line.startsWith('- ')) return 'yaml';
  return 'text';
}

/**
 * The first line that is not blank, not a comment (`#`, and `;` when `iniComments`) and not
 * only a Jinja statement or comment tag, trimmed; undefined when the probe finds none.
 */
function firstContentLine(text: string, iniComments: boolean): string | undefined {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let count = 0; count < MAX_PROBE_LINES && start < text.length; count++) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    const line = text.slice(start, end).trim();
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    if (line === '' || line.startsWith('#') || (iniComments && line.startsWith(';'))) continue;
    if (isJinjaOnly(line)) continue;
    return line;
  }
  return undefined;
}

function isJinjaOnly(line: string): boolean {
  return (line.startsWith('{%') && line.endsWith('%}')) || (line.startsWith('{#') && line.endsWith('#}'));
}
