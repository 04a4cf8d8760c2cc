/**
 * The repository as the transform engine sees it ({@link RepoView}): the listed files, each
 * read once and searched in memory, decoded and parsed only when asked for.
 */
import * as path from 'node:path';
import { formatsFromPath, parseDocument, type AnyDocument, type FormatName } from '../formats/index.js';
import { includeCandidates } from '../ansible/references-resolve.js';
import { readByAnsible } from '../repo/ansible-files.js';
import { AnsimodError } from '../diagnostics.js';
import { ByteCorpus } from '../repo/corpus.js';
import { readRegularFile } from '../repo/read.js';
import { SkipReason, sortByPath, type RepoEntry, type SkippedFile } from '../repo/index.js';
import { binaryAtAGlance, decodeSource, type TextEncodingName } from '../text/source.js';
import type { RepoView, SearchScope, VisitedFile } from './types.js';

/**
 * A file of the repository as read for a plan.
 *
 * @example
 * const loaded = await repo.load('roles/a/templates/b.conf');
 * loaded?.encoding; // => 'utf8'
 */
export interface LoadedFile {
  entry: RepoEntry;
  bytes: Buffer;
  text: string;
  encoding: TextEncodingName;
  document?: AnyDocument;
}

/**
 * Options of {@link RepoIndex.pathsContaining}.
 *
 * @example
 * await repo.pathsContaining(['Rewrite'], { formats: ['conf'] });
 */
export interface PathSearchOptions extends SearchScope {
  /** Progress of the first search, which reads every file. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The repository as the engine sees it: files read once, parsed once, on demand. */
export class RepoIndex implements RepoView {
  private readonly byPath = new Map<string, RepoEntry>();
  /** Symlinks leaving the repository (path → where they point): never read, refused by name. */
  private readonly outsideLinks = new Map<string, string>();
  private readonly loaded = new Map<string, LoadedFile | null>();
  private readonly grepped = new Map<string, string[]>();
  private readonly sortedPaths: string[];
  /** Position of each path in {@link sortedPaths}. */
  private readonly order = new Map<string, number>();
  /** The bytes of the files, read once; paths in the corpus's order, and each path's number there. */
  private corpus: ByteCorpus | undefined;
  private corpusPaths: readonly string[] = [];
  private readonly inCorpus = new Map<string, number>();
  /** The formats each path's name allows (null: any, its content decides), worked out once. */
  private readonly formatsByPath = new Map<string, readonly FormatName[] | null>();
  /** Listed files the corpus does not hold (when a prescan covered fewer files than listed). */
  private extraPaths: readonly string[] = [];

  /**
   * @param entries - the files to look at (a walk's files).
   * @param prescanned - these files already read ({@link startPrescan}), the corpus numbering
   *   them in the order of `prescanned.paths`; other entries are read when searched.
   * @param skipped - the walk's skipped entries: symlinks among them that leave the repository
   *   are remembered (never read), so that an include or edit reaching one is refused by name.
   */
  constructor(
    readonly root: string,
    entries: ReadonlyArray<RepoEntry>,
    prescanned?: { readonly corpus: ByteCorpus; readonly paths: readonly string[] },
    skipped: readonly SkippedFile[] = [],
  ) {
    for (const e of entries) this.byPath.set(e.path, e);
    for (const s of skipped) if (s.reason === SkipReason.symlinkOutside) this.outsideLinks.set(s.path, s.linkTarget ?? '');
    this.sortedPaths = sortByPath([...entries]).map((e) => e.path);
    this.sortedPaths.forEach((p, i) => this.order.set(p, i));
    if (prescanned) this.useCorpus(prescanned.corpus, prescanned.paths);
  }

  private useCorpus(corpus: ByteCorpus, paths: readonly string[]): void {
    this.corpus = corpus;
    this.corpusPaths = paths;
    paths.forEach((p, i) => this.inCorpus.set(p, i));
    this.extraPaths = this.sortedPaths.filter((p) => !this.inCorpus.has(p));
  }

  /** The symlink (the path itself, or a symlinked directory above it) that leads outside the repository. */
  outsideVia(p: string): string | undefined {
    if (this.outsideLinks.size === 0) return undefined;
    for (let at = p; at !== ''; at = at.includes('/') ? at.slice(0, at.lastIndexOf('/')) : '') {
      if (this.outsideLinks.has(at)) return at;
    }
    return undefined;
  }

  /** True for a path at or below a symlink whose target is outside the repository (never read). */
  isOutside(p: string): boolean {
    return this.outsideVia(p) !== undefined;
  }

  paths(): readonly string[] {
    return this.sortedPaths;
  }

  /**
   * Reads the repository into memory now (else the first search does): every listed file once,
   * except plain text Ansible never reads ({@link readByAnsible}), which waits until a search
   * covers it — most plans never read it.
   */
  read(onProgress?: (done: number, total: number) => void, patterns: readonly Buffer[] = []): ByteCorpus {
    if (!this.corpus) {
      const abs = this.sortedPaths.map((p) => (this.byPath.get(p) as RepoEntry).absolutePath);
      const defer = (i: number): boolean => !readByAnsible(this.sortedPaths[i] as string);
      this.useCorpus(ByteCorpus.scan(abs, { patterns, defer, ...(onProgress ? { onProgress } : {}) }), this.sortedPaths);
    }
    return this.corpus as ByteCorpus;
  }

  /**
   * The listed files holding any of the byte patterns, in path order. The first search reads
   * every file once ({@link ByteCorpus}) unless a prescan did; later ones search memory.
   */
  private search(patterns: readonly Buffer[], onProgress?: (done: number, total: number) => void, scope: SearchScope = {}): string[] {
    const corpus = this.read(onProgress, patterns);
    const mayBe = this.mayBe(scope);
    const only = mayBe && ((i: number) => mayBe(this.corpusPaths[i] as string));
    const hits = corpus.filesContaining(patterns, only).map((i) => this.corpusPaths[i] as string);
    for (const p of this.extraPaths) {
      if (mayBe && !mayBe(p)) continue;
      const bytes = this.readBytes(p);
      if (bytes && !binaryAtAGlance(bytes) && patterns.some((b) => bytes.includes(b))) hits.push(p);
    }
    if (this.extraPaths.length || this.corpusPaths !== this.sortedPaths) hits.sort((a, b) => (this.order.get(a) as number) - (this.order.get(b) as number));
    return hits;
  }

  /**
   * Paths whose bytes contain any needle (every readable file when there are none), in path
   * order, without decoding them: callers rule most out by name before reading them as text
   * ({@link load}). The text of a file that is not UTF-8 may still lack the needle (a latin-1
   * byte pattern matches); check the text when it matters.
   *
   * @example
   * await repo.pathsContaining(['destname']); // => ['playbooks/include/proxies.yml']
   */
  async pathsContaining(needles: readonly string[], opts: PathSearchOptions = {}): Promise<string[]> {
    const patterns = needles.length === 0 ? [Buffer.alloc(0)] : withoutContaining(needles.flatMap(bytePatterns));
    return this.search(patterns, opts.onProgress, opts);
  }

  /**
   * Files the search left out as binary at a glance ({@link binaryAtAGlance}: a NUL in the first
   * 8,000 bytes) that a step would otherwise target: in the scope, and holding a needle (with no
   * needles, a name that itself decides a selected format). Each is named as an error by the
   * engine and the audit, never silently "not found". Reads only those binary files again.
   *
   * @example
   * await repo.binaryPathsContaining(['registry.example.org'], { formats: ['yaml'] }); // => ['roles/a/tasks/main.yml']
   */
  async binaryPathsContaining(needles: readonly string[], scope: SearchScope = {}): Promise<string[]> {
    await this.pathsContaining(needles, scope); // reads the deferred files of the scope
    const corpus = this.corpus as ByteCorpus;
    const patterns = needles.flatMap(bytePatterns);
    const mayBe = this.mayBe(scope);
    const out: string[] = [];
    const consider = (p: string, binary: () => boolean): void => {
      if (mayBe && !mayBe(p)) return;
      if (!patterns.length && !formatsFromPath(p)) return;
      if (!binary()) return;
      const bytes = patterns.length ? this.rawBytes(p) : undefined;
      if (!patterns.length || (bytes && patterns.some((b) => bytes.includes(b)))) out.push(p);
    };
    this.corpusPaths.forEach((p, i) => consider(p, () => corpus.isBinary(i)));
    for (const p of this.extraPaths) {
      consider(p, () => {
        const bytes = this.rawBytes(p);
        return bytes !== undefined && binaryAtAGlance(bytes);
      });
    }
    return out.sort((a, b) => (this.order.get(a) as number) - (this.order.get(b) as number));
  }

  /** A listed file's bytes as they are on disk (bounded), or undefined when it cannot be read. */
  private rawBytes(p: string): Buffer | undefined {
    const entry = this.byPath.get(p);
    return entry && readOrUndefined(entry.absolutePath);
  }

  /**
   * A test of whether a path is in the scope, or undefined when every path is. With formats: its
   * name allows one of them ({@link formatsFromPath}; a name that leaves it to the content
   * allows any). A file that does not parse is read as text, so with `text` among the formats
   * every path can be one. With `readByAnsible`: Ansible parses or renders it.
   */
  private mayBe(scope: SearchScope): ((p: string) => boolean) | undefined {
    const { formats, readByAnsible: ansibleOnly } = scope;
    if (!formats || formats.includes('text')) return ansibleOnly ? (p) => readByAnsible(p) : undefined;
    return (p) => {
      let possible = this.formatsByPath.get(p);
      if (possible === undefined) this.formatsByPath.set(p, (possible = formatsFromPath(p) ?? null));
      return possible === null || possible.some((f) => formats.includes(f));
    };
  }

  /**
   * Paths whose bytes contain any needle (all text files when there are none); only those are
   * decoded and kept as text.
   */
  async prefilter(needles: readonly string[], onProgress?: (done: number, total: number) => void): Promise<string[]> {
    const paths = await this.pathsContaining(needles, onProgress ? { onProgress } : {});
    return paths.filter((p) => this.keep(p, this.readBytes(p)));
  }

  /** The bytes of a listed file, or undefined when it cannot be read. */
  private readBytes(p: string): Buffer | undefined {
    const entry = this.byPath.get(p);
    if (!entry) return undefined;
    const i = this.inCorpus.get(p);
    if (i !== undefined && this.corpus?.isText(i)) return this.corpus.bytes(i);
    return readOrUndefined(entry.absolutePath);
  }

  /** Decodes and caches a file read as bytes; false for a binary or unreadable file. */
  private keep(p: string, bytes: Buffer | undefined): boolean {
    const had = this.loaded.get(p);
    if (had !== undefined) return had !== null;
    const entry = this.byPath.get(p) as RepoEntry;
    const decoded = bytes ? decodeSource(bytes) : undefined;
    const value: LoadedFile | null = decoded?.kind === 'text' ? { entry, bytes: bytes as Buffer, text: decoded.text, encoding: decoded.encoding } : null;
    this.loaded.set(p, value);
    return value !== null;
  }

  async load(p: string): Promise<LoadedFile | undefined> {
    const cached = this.loaded.get(p);
    if (cached !== undefined) return cached ?? undefined;
    const bytes = this.readBytes(p);
    if (bytes === undefined) {
      if (this.byPath.has(p)) this.loaded.set(p, null);
      return undefined;
    }
    this.keep(p, bytes);
    return this.loaded.get(p) ?? undefined;
  }

  /** Synchronous read for template includes (nunjucks loaders are synchronous). */
  loadSync(p: string): string | undefined {
    const cached = this.loaded.get(p);
    if (cached) return cached.text;
    // Includes and lookups of a render stay inside the repository: a file reached through a
    // symlink leaving it is refused by name (its bytes are never read).
    const via = this.outsideVia(p);
    if (via !== undefined) {
      const how = via !== p ? `is inside ${via}, a symlink` : 'is a symlink';
      throw new AnsimodError({ code: 'SYMLINK_OUTSIDE', message: `${p} ${how} to outside the repository (${this.outsideLinks.get(via)}): not read`, path: p });
    }
    const entry = this.byPath.get(p);
    if (!entry) return undefined;
    try {
      return readRegularFile(entry.absolutePath, p).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /**
   * The files the reading refused (not regular files, over the size limit, read errors), each
   * as the error naming it; empty until the repository was read.
   *
   * @example
   * repo.refusedFiles(); // => [AnsimodError('big.yml is 50.0 GiB, over the 16.0 MiB limit …')]
   */
  refusedFiles(): AnsimodError[] {
    const out: AnsimodError[] = [];
    for (const [i, err] of this.corpus?.refused ?? []) {
      const p = this.corpusPaths[i] as string;
      const abs = (this.byPath.get(p) as RepoEntry | undefined)?.absolutePath ?? p;
      out.push(new AnsimodError({ ...err.diagnostic, message: err.diagnostic.message.split(abs).join(p), path: p }));
    }
    return out;
  }

  documentOf(file: LoadedFile): AnyDocument {
    file.document ??= parseDocument(file.entry.path, file.text);
    return file.document;
  }

  /**
   * The file with its document parsed on first use: callers often look at the text first (does
   * it mention the variable at all?) and most files they ask for are never parsed.
   */
  async file(p: string): Promise<VisitedFile | undefined> {
    const loaded = await this.load(p);
    if (!loaded) return undefined;
    const documentOf = (f: LoadedFile): AnyDocument => this.documentOf(f);
    return {
      path: p,
      text: loaded.text,
      get document(): AnyDocument {
        return documentOf(loaded);
      },
    };
  }

  /**
   * Paths whose text contains `needle`. The repository does not change during a plan, so each
   * needle is searched once: every file not yet loaded is read as bytes and only those holding
   * the needle's bytes are decoded (and kept) to confirm the match on the text.
   */
  async grep(needle: string, opts: SearchScope = {}): Promise<string[]> {
    const key = `${needle}\u0000${opts.formats?.join(',') ?? ''}\u0000${opts.readByAnsible === true}`;
    let found = this.grepped.get(key);
    if (found === undefined) {
      found = this.search(bytePatterns(needle), undefined, opts).filter((p) => this.keep(p, this.readBytes(p)) && this.loaded.get(p)?.text.includes(needle));
      this.grepped.set(key, found);
    }
    return [...found];
  }

  /** Resolves an `{% include %}` name as Ansible's template lookup does: beside the template, then in its role's templates/. */
  resolveInclude(name: string, fromPath: string): string | undefined {
    return includeCandidates(name, fromPath).find((c) => this.byPath.has(c) || this.isOutside(c));
  }
}


/**
 * The byte strings a text containing `needle` must contain: its UTF-8 bytes, and its latin-1
 * bytes for files that are not UTF-8 (decoded byte for byte) when every char fits in a byte.
 */
function bytePatterns(needle: string): Buffer[] {
  const utf8 = Buffer.from(needle, 'utf8');
  if (!/^[\u0000-\u00ff]*$/.test(needle)) return [utf8];
  const latin1 = Buffer.from(needle, 'latin1');
  return latin1.equals(utf8) ? [utf8] : [utf8, latin1];
}

/**
 * The patterns minus those that contain another one: a file holding `candidate-registry` holds
 * `registry`, so for "holds any of them" the longer pattern never decides and only costs a pass.
 */
function withoutContaining(patterns: readonly Buffer[]): Buffer[] {
  const unique = patterns.filter((p, i) => patterns.findIndex((q) => q.equals(p)) === i);
  return unique.filter((p) => !unique.some((q) => q !== p && q.length <= p.length && p.includes(q)));
}

function readOrUndefined(absolutePath: string): Buffer | undefined {
  try {
    return readRegularFile(absolutePath, absolutePath);
  } catch {
    return undefined;
  }
}
