/**
 * What Ansible does with a file of a repository, judged from its path alone: parse it (YAML,
 * JSON, INI, inventory), render it (a template), or neither — a script, a page or a data file
 * that `copy:` installs as it is. Searches for what a transform may change skip the last kind
 * until a search really needs every file.
 */
import { formatsFromPath } from '../formats/detect.js';

/**
 * Whether Ansible renders this file as a template (`template:` sources are `.j2` files or live
 * in `templates/`).
 *
 * @example
 * isTemplatePath('roles/a/templates/site.conf'); // => true
 * isTemplatePath('roles/a/files/run.sh'); // => false
 */
export function isTemplatePath(path: string): boolean {
  return path.endsWith('.j2') || path.startsWith('templates/') || path.includes('/templates/');
}

/**
 * Whether Ansible may parse or render the file: a template, or a name that allows a data format
 * (`.yml`, `.json`, `.ini`, `.conf`, a file without extension, inventory variables). False for
 * plain text that is never a template (`files/app/run.py`, `docs/index.html`).
 *
 * @example
 * readByAnsible('roles/a/tasks/main.yml'); // => true
 * readByAnsible('roles/a/templates/app.py'); // => true (rendered)
 * readByAnsible('roles/a/files/app.py'); // => false (copied as it is)
 */
export function readByAnsible(path: string): boolean {
  if (isTemplatePath(path)) return true;
  const formats = formatsFromPath(path);
  return !(formats?.length === 1 && formats[0] === 'text');
}
