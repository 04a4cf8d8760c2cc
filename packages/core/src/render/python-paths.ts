/**
 * Python's `os.path.realpath` and `os.path.expanduser` on the controller (the machine that runs
 * the render), for Ansible's `realpath` and `expanduser` filters. What depends on where Ansible is
 * started (a relative path) or on the user database (`~name`) is refused by name.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { UnsupportedConstructError } from './jinja-statements.js';

/** posixpath.join of two parts. */
function join(a: string, b: string): string {
  if (b.startsWith('/')) return b;
  return a === '' || a.endsWith('/') ? a + b : `${a}/${b}`;
}

/** posixpath.split: the head without its trailing slashes (unless it is all slashes), and the tail. */
function split(p: string): [string, string] {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  const tail = p.slice(i);
  if (head !== '' && !/^\/+$/.test(head)) head = head.replace(/\/+$/, '');
  return [head, tail];
}

/** posixpath._joinrealpath, not strict: symbolic links resolved as far as they exist. */
function joinRealpath(start: string, restIn: string, seen: Map<string, string | null>): [string, boolean] {
  let path = start;
  let rest = restIn;
  if (rest.startsWith('/')) {
    rest = rest.slice(1);
    path = '/';
  }
  while (rest !== '') {
    const cut = rest.indexOf('/');
    const name = cut < 0 ? rest : rest.slice(0, cut);
    rest = cut < 0 ? '' : rest.slice(cut + 1);
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (path !== '') {
        const [head, tail] = split(path);
        path = tail === '..' ? join(join(head, '..'), '..') : head;
      } else {
        path = '..';
      }
      continue;
    }
    const newpath = join(path, name);
    let isLink = false;
    try {
      isLink = lstatSync(newpath).isSymbolicLink();
    } catch {
      isLink = false;
    }
    if (!isLink) {
      path = newpath;
      continue;
    }
    if (seen.has(newpath)) {
      const known = seen.get(newpath);
      if (known !== null && known !== undefined) {
        path = known;
        continue;
      }
      return [join(newpath, rest), false];
    }
    seen.set(newpath, null);
    const [resolved, ok] = joinRealpath(path, readlinkSync(newpath, 'utf8'), seen);
    if (!ok) return [join(resolved, rest), false];
    path = resolved;
    seen.set(newpath, path);
  }
  return [path, true];
}

/**
 * `os.path.realpath(path)` of an absolute path: `.`, `..` and symbolic links resolved on this
 * machine, the parts that do not exist kept as written.
 *
 * @example
 * pyRealpath('/nonexistent/a/../b'); // '/nonexistent/b'
 */
export function pyRealpath(path: string): string {
  if (!path.startsWith('/')) throw new UnsupportedConstructError(`\`realpath\` of a relative path (\`${path}\`, which depends on the directory Ansible runs in)`);
  return joinRealpath('', path, new Map())[0] || '/';
}

/**
 * `os.path.expanduser(path)`: a leading `~` is the home directory (`$HOME`, else the user's).
 *
 * @example
 * pyExpanduser('/etc/x'); // '/etc/x'
 */
export function pyExpanduser(path: string): string {
  if (!path.startsWith('~')) return path;
  const i = path.indexOf('/', 1) < 0 ? path.length : path.indexOf('/', 1);
  if (i !== 1) throw new UnsupportedConstructError(`\`expanduser\` of another user's home (\`${path.slice(0, i)}\`)`);
  const home = (process.env.HOME ?? homedir()).replace(/\/+$/, '');
  return home + path.slice(i) || '/';
}
