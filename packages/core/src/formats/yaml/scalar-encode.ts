import { scanJinja } from '../../jinja/scanner.js';
import { jinjaRanges } from '../../jinja/query.js';
import type { JinjaToken } from '../../jinja/types.js';

/**
 * Writing a new scalar value in a given style — the inverse of `scalar-decode.ts`: YAML quoting
 * and escaping apply outside Jinja tags, tags are written verbatim.
 */

/** The Jinja tags of a value, or none when it has no `{`. */
function tagsOf(value: string): readonly JinjaToken[] {
  return value.includes('{') ? jinjaRanges(scanJinja(value)) : [];
}

/** Applies `escape` to the parts of `value` outside Jinja tags. */
function mapOutsideTags(value: string, escape: (s: string) => string): string {
  const tags = tagsOf(value);
  if (tags.length === 0) return escape(value);
  const parts: string[] = [];
  let pos = 0;
  for (const t of tags) {
    parts.push(escape(value.slice(pos, t.start)), value.slice(t.start, t.end));
    pos = t.end;
  }
  parts.push(escape(value.slice(pos)));
  return parts.join('');
}

/**
 * The value as YAML will see it once the file is masked: statements and comments become blanks,
 * expressions a run of `x` (what `maskJinja` does inline).
 */
function maskedForm(value: string): string {
  const tags = tagsOf(value);
  if (tags.length === 0) return value;
  const parts: string[] = [];
  let pos = 0;
  for (const t of tags) {
    const filler = t.kind === 'expression' ? 'x' : ' ';
    parts.push(value.slice(pos, t.start), value.slice(t.start, t.end).replace(/[^\r\n]/g, filler));
    pos = t.end;
  }
  parts.push(value.slice(pos));
  return parts.join('');
}

/** Line breaks outside Jinja tags (inside a tag they are Jinja's business). */
function hasBreakOutsideTags(value: string): boolean {
  return mapOutsideTags(value, (s) => (/[\r\n]/.test(s) ? '\n' : '')).includes('\n');
}

// Characters a YAML 1.2 printable stream may hold unescaped (minus line breaks).
const NON_PRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ufeff\ufffe\uffff]/;

const DOUBLE_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\v': '\\v',
  '\f': '\\f',
  '\x1b': '\\e',
  '\u0085': '\\N',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

const NEEDS_DOUBLE_ESCAPE = /[\\"\x00-\x1f\x7f\x80-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * A double-quoted scalar for `value`.
 *
 * @example
 * encodeDouble('say "hi"\n'); // => '"say \\"hi\\"\\n"'
 */
export function encodeDouble(value: string): string {
  const body = mapOutsideTags(value, (s) =>
    s.replace(NEEDS_DOUBLE_ESCAPE, (c) => {
      const named = DOUBLE_ESCAPES[c];
      if (named !== undefined) return named;
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    }),
  );
  return `"${body}"`;
}

/**
 * A single-quoted scalar for `value`, or undefined when single quotes cannot hold it
 * (line breaks or non-printable characters).
 *
 * @example
 * encodeSingle("it's"); // => "'it''s'"
 */
export function encodeSingle(value: string): string | undefined {
  if (hasBreakOutsideTags(value) || NON_PRINTABLE.test(value)) return undefined;
  return `'${mapOutsideTags(value, (s) => s.replaceAll("'", "''"))}'`;
}

// YAML 1.1 (what Ansible's PyYAML reads) and 1.2 core schema non-string plain scalars.
const NON_STRING = new RegExp(
  [
    '', // empty is null
    '~|null|Null|NULL',
    'y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF',
    '[-+]?(?:0|[1-9][0-9_]*)', // decimal int
    '[-+]?0[0-7_]+|0o[0-7]+', // octal
    '[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+', // hex, binary
    '[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+', // sexagesimal int (1.1)
    '[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?:\\.[0-9_]*)?[eE][-+]?[0-9]+', // float
    '[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*', // sexagesimal float (1.1)
    '[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)',
    '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?', // timestamp
    '<<|=',
  ]
    .map((alt) => `(?:${alt})`)
    .join('|')
    .replace(/^/, '^(?:')
    .concat(')$'),
);

/**
 * True when a plain scalar spelled `value` would not be read as a string (null, bool, number,
 * date, merge key) under YAML 1.1 or 1.2.
 *
 * @example
 * resolvesToNonString('yes'); // => true
 * resolvesToNonString('quay.io'); // => false
 */
export function resolvesToNonString(value: string): boolean {
  return NON_STRING.test(value);
}

/**
 * `value` written as a plain scalar, or undefined when a plain scalar cannot hold it or would
 * change its type (a string that reads as a bool, number, …, unless the old value did too).
 *
 * @example
 * encodePlain('quay.io/fedora', false, 'registry.example'); // => 'quay.io/fedora'
 * encodePlain('a: b', false, 'x'); // => undefined
 */
export function encodePlain(value: string, inFlow: boolean, oldValue: string): string | undefined {
  if (!plainHolds(value, inFlow)) return undefined;
  // YAML parses the masked file: `a:{% if b %}` masks to `a:` + blanks, a mapping.
  const masked = maskedForm(value);
  if (masked !== value && !plainHolds(masked, inFlow)) return undefined;
  if (resolvesToNonString(value) && !resolvesToNonString(oldValue)) return undefined;
  return value;
}

/** Whether a plain scalar spelled `value` reads back as exactly `value`. */
function plainHolds(value: string, inFlow: boolean): boolean {
  if (value === '' || /^[\s]|[\s]$/.test(value) || /[\r\n]/.test(value) || NON_PRINTABLE.test(value)) return false;
  if (/[\u0085\u2028\u2029]/.test(value)) return false;
  const first = value[0] as string;
  if ('[]{},#&*!|>\'"%@`'.includes(first)) return false;
  if ('-?:'.includes(first) && (value.length === 1 || /[\s,[\]{}]/.test(value[1] as string))) return false;
  if (/: |:\t|:$| #|\t#/.test(value)) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  if (inFlow && /:[,[\]{}]/.test(value)) return false;
  if (/^(?:---|\.\.\.)(?:\s|$)/.test(value)) return false;
  return true;
}

/**
 * What is needed to rewrite a block scalar.
 *
 * @example
 * const target: BlockScalarTarget = { style: 'literal', indent: 4, lineBreak: '\n' };
 */
export interface BlockScalarTarget {
  readonly style: 'literal' | 'folded';
  /** Content indentation in spaces. */
  readonly indent: number;
  /** The line break the file uses. */
  readonly lineBreak: string;
}

/**
 * The header and content lines of a block scalar holding `value`, or undefined when a block
 * scalar without an indentation indicator cannot hold it (its first line starts with a space)
 * or it holds characters YAML cannot print.
 *
 * @example
 * encodeBlock('a\nb\n', { style: 'literal', indent: 2, lineBreak: '\n' });
 * // => { chomp: '', content: '  a\n  b' }
 */
export function encodeBlock(value: string, target: BlockScalarTarget): { chomp: '' | '-' | '+'; content: string } | undefined {
  if (NON_PRINTABLE.test(value) || /[\r\u0085\u2028\u2029]/.test(value)) return undefined;
  let body = value;
  let trailing = 0;
  while (body.endsWith('\n')) {
    body = body.slice(0, -1);
    trailing++;
  }
  if (/^[ \t]/.test(body) || /^\n*[ \t]/.test(body)) return undefined;
  if (body === '' && trailing > 0) return undefined;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const pad = ' '.repeat(target.indent);
  let lines = body.split('\n');
  if (target.style === 'folded') lines = foldedLines(lines);
  const content = lines.map((l) => (l === '' ? '' : pad + l)).join(target.lineBreak);
  const extra = chomp === '+' ? target.lineBreak.repeat(trailing - 1) : '';
  return { chomp, content: content + extra };
}

/**
 * Source lines of a folded scalar whose value has the given lines: a single break between two
 * unindented text lines must be written as an empty line, since a lone break folds to a space.
 */
function foldedLines(valueLines: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < valueLines.length; k++) {
    const line = valueLines[k] as string;
    if (k > 0) {
      const prev = valueLines[k - 1] as string;
      const bothText = prev !== '' && line !== '' && !/^[ \t]/.test(prev) && !/^[ \t]/.test(line);
      // Between text lines: "a\nb" → "a", "", "b". Runs of empty lines keep their count once the
      // surrounding text lines fold.
      if (bothText) out.push('');
      else if (line === '' && prev !== '' && !/^[ \t]/.test(prev)) {
        // "a\n\nb": the first empty value line after text needs its own source line too.
        const nextText = valueLines.slice(k + 1).find((l) => l !== '');
        if (nextText !== undefined && !/^[ \t]/.test(nextText)) out.push('');
      }
    }
    out.push(line);
  }
  return out;
}
