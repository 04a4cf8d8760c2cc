/**
 * Python `re` patterns and replacement strings in JavaScript terms. Ansible filters take Python
 * syntax (`(?P<name>...)`, `\g<1>`); JavaScript spells the same things differently.
 */

/** A compiled Python pattern with the flags Ansible's keyword arguments ask for. */
export interface PythonRegexOptions {
  ignorecase?: boolean;
  multiline?: boolean;
  global?: boolean;
}

/**
 * Compiles a Python regular expression to a JavaScript `RegExp`.
 * Handles named groups, named back-references, `\A`/`\Z`, and leading inline flags `(?i)`/`(?m)`/`(?s)`.
 *
 * @example
 * pythonRegex('(?P<host>[a-z]+)\\.org\\Z').exec('fedora.org')?.groups?.host; // 'fedora'
 */
export function pythonRegex(pattern: string, opts: PythonRegexOptions = {}): RegExp {
  let flags = 'u';
  if (opts.global) flags += 'g';
  if (opts.ignorecase) flags += 'i';
  if (opts.multiline) flags += 'm';
  let source = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  source = source
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^')
    .replace(/(^|[^\\])((?:\\\\)*)\\Z/g, '$1$2$(?![\\s\\S])');
  try {
    return new RegExp(source, flags);
  } catch {
    // Python accepts escapes (`\-` outside classes, `\_`) that the `u` flag rejects.
    return new RegExp(source, flags.replace('u', ''));
  }
}

/**
 * Converts a Python `re.sub` replacement (`\1`, `\g<1>`, `\g<name>`, `\n`) to a JavaScript
 * replacement string (`$1`, `$<name>`, with literal `$` escaped).
 *
 * @example
 * pythonReplacement('\\g<1>-$\\2'); // '$1-$$$2'
 */
export function pythonReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    if (ch === '$') {
      out += '$$';
      continue;
    }
    if (ch !== '\\' || i + 1 >= replacement.length) {
      out += ch;
      continue;
    }
    const next = replacement[i + 1]!;
    const group = /^g<(\w+)>/.exec(replacement.slice(i + 1));
    if (group) {
      const ref = group[1]!;
      out += /^\d+$/.test(ref) ? `$${ref}` : `$<${ref}>`;
      i += group[0].length;
    } else if (/\d/.test(next)) {
      const digits = /^\d{1,2}/.exec(replacement.slice(i + 1))![0];
      out += `$${digits}`;
      i += digits.length;
    } else {
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };
      out += escapes[next] ?? `\\${next}`;
      i++;
    }
  }
  return out;
}
