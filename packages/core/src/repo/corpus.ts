/**
 * The bytes of every text file of a repository, read once and kept in a few large buffers, so
 * that "which files contain X?" is answered by searching memory instead of reading the tree
 * again for every X.
 *
 * Why: a plan searches the repository many times (the recipe's needles, then each variable
 * name it has to follow, each vhost name, …) and most files match none of them. Reading every
 * file once into one growing arena costs four system calls per file and no allocation per
 * file (a `readFileSync` per file allocates a buffer the garbage collector must then sweep);
 * searching the arena is one `indexOf` run over a few megabytes per pattern, with a binary
 * search to map a hit to its file. Binary files (a NUL byte in their first 8,000 bytes, the
 * first test of {@link decodeSource}) are not kept; their first block is all that is read.
 *
 * Memory is bounded: past `retainBytes` (default 512 MiB) files are still read and searched
 * for the patterns known at scan time, then dropped; later searches read those files again.
 */
import { closeSync, readSync } from 'node:fs';
import { AnsimodError, type Diagnostic } from '../diagnostics.js';
import { BINARY_PROBE_BYTES, binaryAtAGlance } from '../text/source.js';
import { maxFileSize, openRegularFile, readRegularFile, tooLarge } from './read.js';

/**
 * Options of {@link ByteCorpus.scan}.
 *
 * @example
 * ByteCorpus.scan(paths, { patterns: [Buffer.from('registry')], retainBytes: 64 << 20 });
 */
export interface CorpusScanOptions {
  /** Patterns to test every file against while it is read (needed for files not retained). */
  readonly patterns?: readonly Uint8Array[];
  /** How many bytes of text to keep in memory at most. */
  readonly retainBytes?: number;
  /** Called every few hundred files with the number read so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Files not to read now: read (and kept) when a search first covers them. For files most
   * searches rule out by name (plain text Ansible never reads), so most runs never read them.
   */
  readonly defer?: (i: number) => boolean;
}

/**
 * A {@link ByteCorpus} as structured-clonable data (see {@link ByteCorpus.toTransfer}).
 *
 * @example
 * const state: CorpusState = corpus.toTransfer().state;
 */
export interface CorpusState {
  readonly absolutePaths: readonly string[];
  readonly chunks: readonly Uint8Array[];
  readonly chunkFiles: readonly (readonly number[])[];
  readonly chunkOf: Int32Array;
  readonly startOf: Int32Array;
  readonly endOf: Int32Array;
  readonly kept: Uint8Array;
  readonly retained: number;
  readonly limit: number;
  /** Files not read and why (see {@link ByteCorpus.refused}). */
  readonly refused?: ReadonlyArray<readonly [number, Diagnostic]>;
}

/** What the scan learned of one file: where its bytes are kept, or why they are not. */
const Kept = {
  /** Bytes are in the arena. */
  Yes: 0,
  /** Binary at a glance: never text, never searched. */
  Binary: 1,
  /** Could not be opened or read. */
  Unreadable: 2,
  /** Text, but over the memory bound: searched at scan time, read again on demand. */
  Dropped: 3,
  /** Not read yet (see {@link CorpusScanOptions.defer}): read when a search covers it. */
  Deferred: 4,
} as const;

/** Bytes read of a file before deciding whether it is binary (see {@link binaryAtAGlance}). */
const PROBE = BINARY_PROBE_BYTES;
/** Arena chunk size: large enough that chunk tails waste little, small enough to grow gently. */
const CHUNK = 8 << 20;

/**
 * The text files of a repository as bytes, searchable as a whole.
 *
 * @example
 * const corpus = ByteCorpus.scan(['/srv/a.yml', '/srv/b.png']);
 * corpus.filesContaining([Buffer.from('registry')]); // => [0] (indexes into the given paths)
 * corpus.bytes(0)?.toString(); // the bytes of /srv/a.yml, read once
 */
export class ByteCorpus {
  private readonly chunks: Buffer[] = [];
  /** Per chunk, the indexes of the files it holds, in arena order. */
  private readonly chunkFiles: (readonly number[])[] = [];
  private readonly chunkOf: Int32Array;
  private readonly startOf: Int32Array;
  private readonly endOf: Int32Array;
  private readonly kept: Uint8Array;
  /** Per pattern given at scan time, the dropped files that contain it. */
  private readonly droppedHits = new Map<Uint8Array, number[]>();
  private retained = 0;
  /** The memory bound ({@link CorpusScanOptions.retainBytes}). */
  private limit = 512 << 20;

  private constructor(
    private readonly absolutePaths: readonly string[],
    state?: CorpusState,
  ) {
    const n = absolutePaths.length;
    this.chunkOf = state?.chunkOf ?? new Int32Array(n).fill(-1);
    this.startOf = state?.startOf ?? new Int32Array(n);
    this.endOf = state?.endOf ?? new Int32Array(n);
    this.kept = state?.kept ?? new Uint8Array(n);
    if (state) {
      for (const [i, d] of state.refused ?? []) this.refused.set(i, new AnsimodError(d));
      for (const c of state.chunks) this.chunks.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
      this.chunkFiles.push(...state.chunkFiles);
      this.retained = state.retained;
      this.limit = state.limit;
    }
  }

  /**
   * Reads every file once (synchronously: in the page cache a read costs microseconds, far less
   * than a thread-pool round trip). Never throws: an unreadable file is simply never found.
   */
  static scan(absolutePaths: readonly string[], opts: CorpusScanOptions = {}): ByteCorpus {
    const corpus = new ByteCorpus(absolutePaths);
    corpus.readAll(opts);
    return corpus;
  }

  /**
   * The corpus as plain data and the buffers to transfer, to hand it from the worker thread
   * that read it to another thread without copying a byte.
   *
   * @example
   * const { state, transfer } = corpus.toTransfer();
   * parentPort.postMessage(state, transfer);
   * // on the other side: ByteCorpus.fromTransfer(state)
   */
  toTransfer(): { state: CorpusState; transfer: ArrayBuffer[] } {
    const chunks = this.chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    const state: CorpusState = {
      absolutePaths: [...this.absolutePaths],
      chunks,
      chunkFiles: this.chunkFiles,
      chunkOf: this.chunkOf,
      startOf: this.startOf,
      endOf: this.endOf,
      kept: this.kept,
      retained: this.retained,
      limit: this.limit,
      refused: [...this.refused].map(([i, e]) => [i, e.diagnostic]),
    };
    const transfer = [...chunks.map((c) => c.buffer), this.chunkOf.buffer, this.startOf.buffer, this.endOf.buffer, this.kept.buffer].filter(
      (b): b is ArrayBuffer => b instanceof ArrayBuffer,
    );
    return { state, transfer };
  }

  /**
   * The corpus {@link toTransfer} described.
   *
   * @example
   * const corpus = ByteCorpus.fromTransfer(message.corpus);
   */
  static fromTransfer(state: CorpusState): ByteCorpus {
    const corpus = new ByteCorpus(state.absolutePaths, state);
    return corpus;
  }

  /** Number of files scanned (the length of the path list given). */
  get size(): number {
    return this.absolutePaths.length;
  }

  /** Bytes of text kept in memory. */
  get retainedBytes(): number {
    return this.retained;
  }

  /** True when the file was read and is not binary at a glance (kept or dropped). */
  isText(i: number): boolean {
    return this.kept[i] === Kept.Yes || this.kept[i] === Kept.Dropped;
  }

  /** True when the file was read and found binary at a glance (a NUL in its first bytes). */
  isBinary(i: number): boolean {
    return this.kept[i] === Kept.Binary;
  }

  /** Reads the deferred files that `only` accepts (all of them without it), as the scan would have. */
  private readDeferred(only?: (i: number) => boolean): void {
    const patterns = [...this.droppedHits.keys()];
    for (let i = 0; i < this.kept.length; i++) {
      if (this.kept[i] === Kept.Deferred && (!only || only(i))) this.readOne(i, patterns);
    }
  }

  /**
   * The file's bytes: a view into the arena when kept (no copy), read again when dropped,
   * undefined for binary or unreadable files.
   */
  bytes(i: number): Buffer | undefined {
    const kept = this.kept[i];
    if (kept === Kept.Yes) return (this.chunks[this.chunkOf[i] as number] as Buffer).subarray(this.startOf[i], this.endOf[i]);
    if (kept === Kept.Dropped) return readWhole(this.absolutePaths[i] as string);
    return undefined;
  }

  /**
   * Indexes (ascending) of the text files whose bytes contain any of the patterns; with `only`,
   * of the files it accepts (searched one by one: cheaper when it rules most of them out).
   *
   * @example
   * corpus.filesContaining([Buffer.from('destname')]);
   */
  filesContaining(patterns: readonly Uint8Array[], only?: (i: number) => boolean): number[] {
    this.readDeferred(only);
    const hit = new Uint8Array(this.absolutePaths.length);
    for (const pattern of patterns) {
      if (pattern.length === 0) {
        for (let i = 0; i < hit.length; i++) if (this.isText(i) && (!only || only(i))) hit[i] = 1;
        continue;
      }
      if (only) {
        this.searchEach(pattern, hit, only);
        continue;
      }
      this.chunks.forEach((chunk, c) => this.searchChunk(chunk, this.chunkFiles[c] as number[], pattern, hit));
      const known = this.droppedHits.get(pattern);
      if (known) for (const i of known) hit[i] = 1;
      else this.searchDropped(pattern, hit, () => true);
    }
    const out: number[] = [];
    for (let i = 0; i < hit.length; i++) if (hit[i]) out.push(i);
    return out;
  }

  /** Searches file by file, only the files `only` accepts (the rest of the arena is not read). */
  private searchEach(pattern: Uint8Array, hit: Uint8Array, only: (i: number) => boolean): void {
    const needle = pattern as Buffer;
    for (let i = 0; i < this.kept.length; i++) {
      if (hit[i] || this.kept[i] !== Kept.Yes || !only(i)) continue;
      const chunk = this.chunks[this.chunkOf[i] as number] as Buffer;
      if (chunk.subarray(this.startOf[i], this.endOf[i]).includes(needle)) hit[i] = 1;
    }
    this.searchDropped(pattern, hit, only);
  }

  /** Marks each file of the chunk holding the pattern; one `indexOf` per hit file. */
  private searchChunk(chunk: Buffer, files: readonly number[], pattern: Uint8Array, hit: Uint8Array): void {
    if (files.length === 0) return;
    const last = files[files.length - 1] as number;
    const used = this.endOf[last] as number;
    let pos = chunk.indexOf(pattern, 0);
    while (pos >= 0 && pos < used) {
      const f = fileAt(files, this.startOf, pos);
      const end = this.endOf[f] as number;
      if (pos + pattern.length <= end) {
        hit[f] = 1;
        pos = chunk.indexOf(pattern, end);
      } else {
        // The match runs into the next file's bytes: not a match of either file.
        pos = chunk.indexOf(pattern, pos + 1);
      }
    }
  }

  private searchDropped(pattern: Uint8Array, hit: Uint8Array, only: (i: number) => boolean): void {
    for (let i = 0; i < this.kept.length; i++) {
      if (this.kept[i] !== Kept.Dropped || hit[i] || !only(i)) continue;
      if (readWhole(this.absolutePaths[i] as string)?.includes(pattern as Buffer)) hit[i] = 1;
    }
  }

  /** The chunk files are read into, and how much of it is used. */
  private chunk: Buffer = Buffer.alloc(0);
  private used = 0;

  private readAll(opts: CorpusScanOptions): void {
    this.limit = opts.retainBytes ?? this.limit;
    const patterns = opts.patterns ?? [];
    for (const p of patterns) this.droppedHits.set(p, []);
    const total = this.absolutePaths.length;
    const every = Math.max(256, Math.ceil(total / 100));
    this.newChunk(CHUNK);
    for (let i = 0; i < total; i++) {
      if (opts.defer?.(i)) this.kept[i] = Kept.Deferred;
      else this.readOne(i, patterns);
      if ((i + 1) % every === 0) opts.onProgress?.(i + 1, total);
    }
    opts.onProgress?.(total, total);
  }

  /**
   * Why each unreadable file was not read (not a regular file, over the size limit, a read
   * error), by index; kept in this thread only (a transferred corpus has none).
   */
  readonly refused = new Map<number, AnsimodError>();

  /** Reads file `i` into the arena (or finds it binary, unreadable, or over the memory bound). */
  private readOne(i: number, patterns: readonly Uint8Array[]): void {
    const shown = this.absolutePaths[i] as string;
    let fd: number;
    try {
      // Regular files only, checked on the open descriptor, and at most maxFileSize() bytes.
      ({ fd } = openRegularFile(shown, shown));
    } catch (err) {
      this.kept[i] = Kept.Unreadable;
      if (err instanceof AnsimodError) this.refused.set(i, err);
      return;
    }
    try {
      const end = this.readFile(fd, maxFileSize(), shown);
      if (end < 0) this.kept[i] = Kept.Binary;
      else this.place(i, end, this.limit, patterns);
    } catch (err) {
      this.kept[i] = Kept.Unreadable;
      this.refused.set(i, err instanceof AnsimodError ? err : new AnsimodError({ code: 'IO_ERROR', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, path: shown }));
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Reads an open file to its end at `this.used` of the current chunk (moving it to a new,
   * larger chunk when it does not fit). Returns where its bytes end, or -1 when its first
   * {@link PROBE} bytes hold a NUL (binary: the rest is not read).
   */
  private readFile(fd: number, maxBytes: number, shown: string): number {
    let end = this.used;
    let probed = false;
    for (;;) {
      // A file growing while read, or one whose size procfs does not tell: cut off, refused.
      if (end - this.used > maxBytes) throw tooLarge(shown, undefined);
      if (end === this.chunk.length) {
        // The file does not fit: move what was read of it to a fresh chunk twice its size.
        const old = this.chunk;
        const start = this.used;
        const grown = this.newChunk(Math.max(CHUNK, 2 * (end - start)));
        old.copy(grown, 0, start, end);
        end -= start;
      }
      const room = this.chunk.length - end;
      const want = probed ? room : Math.min(room, this.used + PROBE - end);
      const n = readSync(fd, this.chunk, end, want, null);
      if (n === 0) break;
      end += n;
      if (!probed && end - this.used >= PROBE) {
        probed = true;
        if (binaryAtAGlance(this.chunk.subarray(this.used, end))) return -1;
      }
    }
    if (!probed && binaryAtAGlance(this.chunk.subarray(this.used, end))) return -1;
    return end;
  }

  /** Keeps (or, past the memory bound, searches and drops) the file just read at `[this.used, end)`. */
  private place(i: number, end: number, limit: number, patterns: readonly Uint8Array[]): void {
    const start = this.used;
    const length = end - start;
    if (this.retained + length > limit) {
      const bytes = this.chunk.subarray(start, end);
      for (const p of patterns) if (bytes.includes(p as Buffer)) (this.droppedHits.get(p) as number[]).push(i);
      this.kept[i] = Kept.Dropped;
      return;
    }
    const c = this.chunks.length - 1;
    this.chunkOf[i] = c;
    this.startOf[i] = start;
    this.endOf[i] = end;
    (this.chunkFiles[c] as number[]).push(i);
    this.kept[i] = Kept.Yes;
    this.retained += length;
    this.used = end;
  }

  private newChunk(size: number): Buffer {
    const chunk = Buffer.allocUnsafeSlow(size);
    this.chunks.push(chunk);
    this.chunkFiles.push([]);
    this.chunk = chunk;
    this.used = 0;
    return chunk;
  }
}

/** The file whose `[start, end)` holds `pos`: the last file of the chunk starting at or before it. */
function fileAt(files: readonly number[], startOf: Int32Array, pos: number): number {
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((startOf[files[mid] as number] as number) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return files[lo] as number;
}

function readWhole(absolutePath: string): Buffer | undefined {
  try {
    return readRegularFile(absolutePath, absolutePath);
  } catch {
    return undefined;
  }
}
