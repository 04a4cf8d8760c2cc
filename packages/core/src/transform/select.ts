/**
 * Path patterns for {@link FileSelector.paths}: `*` matches within one path segment, `**` any
 * number of segments, `?` one character. Patterns are matched against the whole relative path.
 */
const cache = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * @example
 * matchesPaths('roles/a/templates/x.conf', ['roles/** /templates/*.conf'.replace(' ', '')]); // => true
 */
export function matchesPaths(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    let re = cache.get(p);
    if (!re) cache.set(p, (re = compile(p)));
    return re.test(path);
  });
}
