import * as ini from 'ini';
import type { Diagnostic } from '../../diagnostics.js';
import { scanJinja } from '../../jinja/index.js';
import { isFallback } from '../fallback.js';
import { LineIndex } from '../../text/line-index.js';
import { parseIni } from './parse.js';

/**
 * The dialect a rendered INI file is read in.
 *
 * @example
 * validateRenderedIni(rendered, 'configparser');
 */
export type IniDialect =
  /**
   * Python's configparser (strict, the default): `=` and `:` separators, continuation lines,
   * no inline comments, keys case-insensitive (lower-cased), duplicate sections and keys are
   * errors, and an entry before the first section is an error.
   */
  | 'configparser'
  /** The npm `ini` package (lenient: last key wins, `;`/`#` end a value, dotted sections nest). */
  | 'ini';

/**
 * What a rendered INI file holds, and what is wrong with it.
 *
 * @example
 * const { ok, problems, values } = validateRenderedIni(rendered);
 */
export interface RenderedIni {
  ok: boolean;
  problems: Diagnostic[];
  /** Section name (`''` before the first section) → key → value. */
  values: Map<string, Map<string, string>>;
}

/**
 * Checks a *rendered* INI file (no Jinja left) the way its consumer will read it, and returns
 * its values for verification to compare.
 *
 * The `configparser` dialect uses our own line model: the npm `ini` package cannot read
 * configparser files faithfully (it has no `:` separator or continuation lines, cuts values at
 * `;`, and nests dotted section names). For consumers that do use `ini`-style parsing, the
 * `ini` dialect defers to that package, which is the right tool there.
 *
 * @example
 * validateRenderedIni('[app:main]\ncontainer.source_registry = quay.io\n').values.get('app:main')?.get('container.source_registry');
 * // => 'quay.io'
 */
export function validateRenderedIni(text: string, dialect: IniDialect = 'configparser'): RenderedIni {
  const problems: Diagnostic[] = [];
  const values = new Map<string, Map<string, string>>();
  const scan = scanJinja(text);
  for (const token of scan.tokens) {
    if (token.kind === 'text' || token.kind === 'raw') continue;
    const pos = new LineIndex(text).position(token.start);
    problems.push({ code: 'VERIFY_FAILED', severity: 'error', message: 'unrendered Jinja in rendered INI', ...pos });
    break;
  }
  if (dialect === 'ini') {
    readWithIniPackage(ini.decode(text), '', values);
    return { ok: problems.length === 0, problems, values };
  }
  const doc = parseIni('', text, scan);
  if (isFallback(doc)) {
    const where: { line?: number; column?: number } = {};
    if (doc.line !== undefined) where.line = doc.line;
    if (doc.column !== undefined) where.column = doc.column;
    problems.push({ code: 'VERIFY_FAILED', severity: 'error', message: doc.reason, ...where });
    return { ok: false, problems, values };
  }
  const seenSections = new Set<string>();
  for (const section of doc.sections) {
    const name = section.name ?? '';
    if (section.header === null) {
      const first = section.entries[0];
      problems.push({ code: 'VERIFY_FAILED', severity: 'error', message: 'entry before the first section header', line: first?.line ?? 1 });
    } else if (seenSections.has(name)) {
      problems.push({ code: 'VERIFY_FAILED', severity: 'error', message: `section [${name}] appears twice`, line: section.header.line });
    }
    seenSections.add(name);
    let map = values.get(name);
    if (map === undefined) values.set(name, (map = new Map()));
    for (const entry of section.entries) {
      const key = entry.key.toLowerCase();
      if (map.has(key)) {
        problems.push({ code: 'VERIFY_FAILED', severity: 'error', message: `key ${key} appears twice in section [${name}]`, line: entry.line });
      }
      map.set(key, entry.value);
    }
  }
  return { ok: problems.length === 0, problems, values };
}

function readWithIniPackage(obj: Record<string, unknown>, prefix: string, out: Map<string, Map<string, string>>): void {
  const own = new Map<string, string>();
  const nested: [string, Record<string, unknown>][] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) nested.push([key, value as Record<string, unknown>]);
    else own.set(key, Array.isArray(value) ? value.join('\n') : String(value));
  }
  if (own.size > 0 || prefix !== '') out.set(prefix, own);
  for (const [key, value] of nested) readWithIniPackage(value, prefix === '' ? key : `${prefix}.${key}`, out);
}
