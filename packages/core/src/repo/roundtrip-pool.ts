/**
 * Spreading the round-trip check over worker threads. Files go out in contiguous chunks to
 * whichever worker is free, the largest chunks first; outcomes come back to their original
 * index, so the result is the same array the in-thread path builds.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileRoundtrip } from './roundtrip-file.js';
import type { RepoEntry } from './walk.js';

/** Message to a worker. */
export interface ChunkRequest {
  readonly id: number;
  readonly entries: readonly RepoEntry[];
}

/** Message from a worker. */
export type ChunkReply =
  | { readonly id: number; readonly results: FileRoundtrip[] }
  | { readonly id: number; readonly error: string };

/** Files per message: large enough that messaging is cheap, small enough to balance load. */
const CHUNK_SIZE = 64;

/**
 * The compiled worker script, or undefined when there is none. From `dist` it sits next to this
 * module; when this module runs from TypeScript sources (the vitest run) the compiled copy in
 * the package's `dist` is used, since a worker thread cannot load `.ts` files.
 *
 * @example
 * workerScript(); // => URL('file:///…/packages/core/dist/repo/roundtrip-worker.js')
 */
export function workerScript(): URL | undefined {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith('.ts')
    ? new URL('../../dist/repo/roundtrip-worker.js', here)
    : new URL('./roundtrip-worker.js', here);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * How many workers to start for `files` files: one per core (at least two, at most eight),
 * never more than there are chunks.
 *
 * @example
 * defaultWorkerCount(5000); // => 2 on a two-core machine
 */
export function defaultWorkerCount(files: number): number {
  const cores = Math.min(8, Math.max(2, availableParallelism()));
  return Math.max(1, Math.min(cores, Math.ceil(files / CHUNK_SIZE)));
}

/**
 * Young-generation size of a worker's heap. The parsers make many short-lived objects; V8's
 * default lets each worker grow ~48 MB of nursery before collecting, which on the 5k bench tree
 * cost ~30 MB of peak RSS and no measurable time against 8 MB (3.20 s CPU either way).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/** Bytes per message: a chunk stops growing at this size (or at {@link CHUNK_SIZE} files). */
const CHUNK_BYTES = 256 * 1024;

/**
 * Worker threads for the round-trip check, started before there is work for them: a worker
 * spends its first ~100 ms loading the parsers, which overlaps with the caller's walk when the
 * pool is started first. Work goes out in chunks, the largest first, to whichever worker is free.
 *
 * @example
 * const pool = RoundtripPool.start(2);
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

  private constructor(script: URL, count: number) {
    this.workers = Array.from({ length: Math.max(1, count) }, () => {
      const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      worker.on('error', (e: Error) => this.fail(e));
      // Workers only exit when the pool is closed, or when they crash.
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`round-trip worker exited early with code ${code}`));
      });
      return worker;
    });
  }

  /**
   * Starts `workers` threads now.
   *
   * @throws Error when the worker script is missing (the package is not built).
   * @example
   * const pool = RoundtripPool.start(defaultWorkerCount(5000));
   */
  static start(workers: number): RoundtripPool {
    const script = workerScript();
    if (script === undefined) throw new Error('round-trip worker script not found (is the package built?)');
    return new RoundtripPool(script, workers);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.onFailure?.(this.failure);
  }

  /**
   * Round-trips `entries`; the result is index-aligned with `entries`. One run at a time.
   *
   * @example
   * const results = await pool.run(files, (done) => console.error(done));
   */
  async run(entries: readonly RepoEntry[], onProgress?: (done: number) => void): Promise<FileRoundtrip[]> {
    const chunks = chunkBySize(entries);
    const results = new Array<FileRoundtrip>(entries.length);
    let nextChunk = 0;
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      let busy = 0;
      const send = (worker: Worker): void => {
        if (nextChunk >= chunks.length) {
          if (busy === 0) resolve();
          return;
        }
        const id = nextChunk++;
        busy++;
        // Plain objects: a RepoEntry may be a class instance, which structured cloning would flatten.
        const sent = (chunks[id] as Chunk).entries.map((e) => ({ path: e.path, absolutePath: e.absolutePath, size: e.size, mode: e.mode }));
        worker.postMessage({ id, entries: sent } satisfies ChunkRequest);
      };
      for (const worker of this.workers) {
        worker.removeAllListeners('message');
        worker.on('message', (reply: ChunkReply) => {
          busy--;
          if ('error' in reply) return reject(new Error(`round-trip worker failed: ${reply.error}`));
          const chunk = chunks[reply.id] as Chunk;
          reply.results.forEach((r, i) => (results[chunk.start + i] = r));
          done += reply.results.length;
          onProgress?.(done);
          send(worker);
        });
      }
      if (chunks.length === 0) return resolve();
      for (const worker of this.workers) send(worker);
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

interface Chunk {
  readonly start: number;
  readonly entries: readonly RepoEntry[];
  readonly bytes: number;
}

/**
 * Contiguous chunks of at most {@link CHUNK_SIZE} files and about {@link CHUNK_BYTES} bytes,
 * largest first: a multi-megabyte file sent last would leave the other workers idle while one
 * parses it.
 */
function chunkBySize(entries: readonly RepoEntry[]): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    bytes += (entries[i] as RepoEntry).size;
    if (i + 1 - start >= CHUNK_SIZE || bytes >= CHUNK_BYTES || i === entries.length - 1) {
      chunks.push({ start, entries: entries.slice(start, i + 1), bytes });
      start = i + 1;
      bytes = 0;
    }
  }
  return chunks;
}

/**
 * Round-trips `entries` on `workers` worker threads; the result is index-aligned with `entries`.
 *
 * @throws Error when the worker script is missing or a worker fails (an internal error).
 * @example
 * const results = await roundtripInWorkers(files, 2, (done) => console.log(done));
 */
export async function roundtripInWorkers(
  entries: readonly RepoEntry[],
  workers: number,
  onProgress?: (done: number) => void,
): Promise<FileRoundtrip[]> {
  const pool = RoundtripPool.start(Math.max(1, Math.min(workers, Math.ceil(entries.length / CHUNK_SIZE))));
  try {
    return await pool.run(entries, onProgress);
  } finally {
    await pool.close();
  }
}
