/**
 * Path quoting as in git's diff output (`quote_c_style` with the default `core.quotePath`):
 * a path with control characters, `"`, `\` or non-ASCII bytes is written in double quotes with
 * C escapes and octal bytes; any other path is written as is.
 */

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0b: '\\v',
  0x0c: '\\f',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

function needsQuoting(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

/**
 * Writes `prefix + path` as git does in `diff --git`, `---`/`+++` lines and diffstats.
 *
 * @example
 * quoteGitPath('roles/a.yml', 'a/'); // => 'a/roles/a.yml'
 * quoteGitPath('café.yml', 'b/');    // => '"b/caf\\303\\251.yml"'
 */
export function quoteGitPath(path: string, prefix = ''): string {
  const whole = prefix + path;
  if (!needsQuoting(whole)) return whole;
  const parts: string[] = ['"'];
  for (const b of Buffer.from(whole, 'utf8')) {
    const named = NAMED_ESCAPES[b];
    if (named !== undefined) parts.push(named);
    else if (b < 0x20 || b >= 0x7f) parts.push(`\\${b.toString(8).padStart(3, '0')}`);
    else parts.push(String.fromCharCode(b));
  }
  parts.push('"');
  return parts.join('');
}
