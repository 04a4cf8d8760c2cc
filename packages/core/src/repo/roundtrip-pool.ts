/**
 * Spreading the round-trip check over threads. The calling thread checks files itself, and
 * worker threads join in as soon as they have loaded: every thread takes the next unchecked file
 * from one shared cursor (an atomic counter), so the load balances file by file and nothing waits
 * for a worker that has not started yet. Outcomes come back to their file's index, so the result
 * is the same array, in the same order, as checking every file in one thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compiledWorkerScript } from './worker-script.js';
import { roundtripFileSync, type FileRoundtrip, type RoundtripTarget } from './roundtrip-file.js';

/** Message to a worker: the files of one run and the cursor every thread takes them from. */
export interface RunRequest {
  readonly run: number;
  readonly paths: readonly string[];
  readonly absolutePaths: readonly string[];
  /** An `Int32Array(1)`'s buffer: the index of the next file nobody has taken. */
  readonly cursor: SharedArrayBuffer;
}

/** Message from a worker: outcomes of some files of a run (`indices[k]` is `results[k]`'s file). */
export type RunReply =
  | { readonly run: number; readonly indices: number[]; readonly results: FileRoundtrip[] }
  | { readonly run: number; readonly error: string };

/**
 * How long a thread checks files before it reports (a worker) or lets the event loop run (the
 * calling thread, which collects the workers' outcomes and reports progress in between).
 */
const SLICE_MS = 25;

/** Files per thread below which starting a worker costs more than it saves. */
const FILES_PER_THREAD = 64;

/**
 * The compiled round-trip worker script, or undefined when there is none ({@link compiledWorkerScript}).
 *
 * @example
 * workerScript(); // => URL('file:///…/packages/core/dist/repo/roundtrip-worker.js')
 */
export function workerScript(): URL | undefined {
  return compiledWorkerScript('roundtrip-worker');
}

/**
 * How many threads should check `files` files, the calling thread included: one per core (at
 * least two, at most eight), never more than one per {@link FILES_PER_THREAD} files.
 *
 * @example
 * defaultThreadCount(5000); // => 2 on a two-core machine: the calling thread and one worker
 */
export function defaultThreadCount(files: number): number {
  const cores = Math.min(8, Math.max(2, availableParallelism()));
  return Math.max(1, Math.min(cores, Math.ceil(files / FILES_PER_THREAD)));
}

/**
 * Young-generation size of a worker's heap. The parsers make many short-lived objects; V8's
 * default lets each worker grow ~48 MB of nursery before collecting, which on the 5k bench tree
 * cost ~30 MB of peak RSS and no measurable time against 8 MB (3.20 s CPU either way).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * The index of the next file no thread has taken, shared by all threads of a run.
 *
 * @example
 * const cursor = new FileCursor();
 * cursor.take(); // => 0
 * cursor.take(); // => 1
 */
export class FileCursor {
  private readonly next: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.next = new Int32Array(buffer);
  }

  /** Takes the next file's index (at or past the end when every file is taken). */
  take(): number {
    return Atomics.add(this.next, 0, 1);
  }
}

/**
 * Checks files taken from `cursor` until every file is taken or `sliceMs` has passed; calls
 * `record` with each outcome. Returns false when every file is taken.
 *
 * @example
 * while (checkSlice(cursor, files, (i, r) => (results[i] = r), 25)) await nextTurn();
 */
export function checkSlice(
  cursor: FileCursor,
  files: readonly RoundtripTarget[],
  record: (index: number, result: FileRoundtrip) => void,
  sliceMs: number,
): boolean {
  const end = performance.now() + sliceMs;
  do {
    const i = cursor.take();
    if (i >= files.length) return false;
    record(i, roundtripFileSync(files[i] as RoundtripTarget));
  } while (performance.now() < end);
  return true;
}

/** Lets pending messages and timers run before the calling thread checks more files. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Worker threads for the round-trip check, started before there is work for them: a worker
 * spends its first ~100 ms loading the parsers, which overlaps with the caller's walk when the
 * pool is started first. A run is shared by the calling thread and the workers (see the module
 * comment); a pool of zero workers checks everything in the calling thread.
 *
 * @example
 * const pool = RoundtripPool.start(1);
 * const { files } = await walkRepository(root);
 * try {
 *   const results = await pool.run(files);
 * } finally {
 *   await pool.close();
 * }
 */
export class RoundtripPool {
  private readonly workers: Worker[];
  /** The first failure of any worker (crash, early exit), rejected into the running `run`. */
  private failure: Error | undefined;
  private onFailure: ((e: Error) => void) | undefined;
  private closed = false;
  private runs = 0;

  private constructor(script: URL | undefined, count: number) {
    this.workers = Array.from({ length: script ? count : 0 }, () => {
      const worker = new Worker(script as URL, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      worker.on('error', (e: Error) => this.fail(e));
      // Workers only exit when the pool is closed, or when they crash.
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`round-trip worker exited early with code ${code}`));
      });
      return worker;
    });
  }

  /**
   * Starts `workers` worker threads now (none: the calling thread does all the work).
   *
   * @throws Error when workers are asked for and the worker script is missing (the package is not built).
   * @example
   * const pool = RoundtripPool.start(defaultThreadCount(5000) - 1);
   */
  static start(workers: number): RoundtripPool {
    if (workers <= 0) return new RoundtripPool(undefined, 0);
    const script = workerScript();
    if (script === undefined) throw new Error('round-trip worker script not found (is the package built?)');
    return new RoundtripPool(script, workers);
  }

  /** Worker threads in the pool (the calling thread not counted). */
  get size(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.onFailure?.(this.failure);
  }

  /**
   * Round-trips `files` on the calling thread and the workers; the result is index-aligned with
   * `files`. One run at a time. With `callerChecks: false` the calling thread only collects
   * (there must be workers then).
   *
   * @example
   * const results = await pool.run(files, (done) => console.error(done));
   */
  async run(
    files: readonly RoundtripTarget[],
    onProgress?: (done: number) => void,
    { callerChecks = true }: { callerChecks?: boolean } = {},
  ): Promise<FileRoundtrip[]> {
    if (!callerChecks && this.workers.length === 0) throw new Error('a run without the calling thread needs workers');
    const results = new Array<FileRoundtrip>(files.length);
    if (files.length === 0) return results;
    const run = ++this.runs;
    const cursor = new FileCursor();
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      const settle = (): void => {
        onProgress?.(done);
        if (done === files.length) resolve();
      };
      const request: RunRequest = {
        run,
        paths: files.map((f) => f.path),
        absolutePaths: files.map((f) => f.absolutePath),
        cursor: cursor.buffer,
      };
      for (const worker of this.workers) {
        worker.removeAllListeners('message');
        worker.on('message', (reply: RunReply) => {
          if (reply.run !== run) return;
          if ('error' in reply) return reject(new Error(`round-trip worker failed: ${reply.error}`));
          reply.indices.forEach((index, k) => (results[index] = reply.results[k] as FileRoundtrip));
          done += reply.indices.length;
          settle();
        });
        worker.postMessage(request);
      }
      if (!callerChecks) return;
      const record = (index: number, result: FileRoundtrip): void => {
        results[index] = result;
        done++;
      };
      void (async () => {
        // The caller's share: checked in slices, letting the workers' replies in between.
        while (checkSlice(cursor, files, record, SLICE_MS)) {
          onProgress?.(done);
          await nextTurn();
        }
        settle();
      })().catch(reject);
    }).finally(() => {
      this.onFailure = undefined;
    });
    return results;
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Round-trips `files` on `workers` worker threads only (the calling thread just collects); the
 * result is index-aligned with `files`.
 *
 * @throws Error when the worker script is missing or a worker fails (an internal error).
 * @example
 * const results = await roundtripInWorkers(files, 2, (done) => console.log(done));
 */
export async function roundtripInWorkers(
  files: readonly RoundtripTarget[],
  workers: number,
  onProgress?: (done: number) => void,
): Promise<FileRoundtrip[]> {
  const pool = RoundtripPool.start(Math.max(1, Math.min(workers, Math.ceil(files.length / FILES_PER_THREAD))));
  try {
    return await pool.run(files, onProgress, { callerChecks: false });
  } finally {
    await pool.close();
  }
}
