/**
 * Reading a repository file and parsing it as its format, in one step.
 */
import { AnsimodError } from '../diagnostics.js';
import { parseDocument, type AnyDocument } from '../formats/index.js';
import type { TextEncodingName } from '../text/source.js';
import { readRepoFile, repoEntryForPath, type RepoFile } from './read.js';
import type { RepoEntry } from './walk.js';

/**
 * A parsed repository file, with what is needed to write it back: the encoding its text was
 * decoded with (`encodeSource(document.print(), encoding)` gives the original bytes back when
 * nothing was edited) and the file mode.
 *
 * @example
 * const { document, encoding } = await loadDocument(root, 'roles/bodhi2/base/templates/production.ini.j2');
 * document.format; // => 'ini'
 */
export interface LoadedDocument {
  readonly file: RepoFile;
  readonly document: AnyDocument;
  readonly encoding: TextEncodingName;
}

/**
 * Reads and parses one file of the repository: a walked {@link RepoEntry}, or a relative path
 * that is checked with {@link repoEntryForPath} (no `..`, no symlinks, no `.git`).
 *
 * @throws AnsimodError `BINARY_FILE` for binary content, plus the path errors of
 *   {@link repoEntryForPath}. A file that does not parse as its format is not an error here:
 *   the document falls back to text and says why in `document.fallback`.
 * @example
 * const { document } = await loadDocument('/srv/ansible', 'inventory/group_vars/all');
 * document.print() === document.text; // => true
 */
export async function loadDocument(root: string, target: RepoEntry | string): Promise<LoadedDocument> {
  const entry = typeof target === 'string' ? await repoEntryForPath(root, target) : target;
  const file = await readRepoFile(entry);
  if (file.decoded.kind === 'binary') {
    throw new AnsimodError({ code: 'BINARY_FILE', message: file.decoded.reason, path: entry.path });
  }
  const document = parseDocument(entry.path, file.decoded.text);
  return { file, document, encoding: file.decoded.encoding };
}
