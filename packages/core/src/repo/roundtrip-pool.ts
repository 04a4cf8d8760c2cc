/**
 * Spreading the round-trip check over worker threads. Files go out in contiguous chunks to
 * whichever worker is free; outcomes come back to their original index, so the result is
 * the same array the in-thread path builds.
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
  const script = workerScript();
  if (script === undefined) throw new Error('round-trip worker script not found (is the package built?)');

  const chunks: { start: number; entries: RepoEntry[] }[] = [];
  for (let start = 0; start < entries.length; start += CHUNK_SIZE) {
    chunks.push({ start, entries: entries.slice(start, start + CHUNK_SIZE) });
  }
  const results = new Array<FileRoundtrip>(entries.length);
  const pool = Array.from({ length: Math.max(1, Math.min(workers, chunks.length)) }, () => new Worker(script));
  let nextChunk = 0;
  let done = 0;

  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (nextChunk >= chunks.length) return resolve();
              const id = nextChunk++;
              worker.postMessage({ id, entries: (chunks[id] as (typeof chunks)[number]).entries } satisfies ChunkRequest);
            };
            worker.on('message', (reply: ChunkReply) => {
              if ('error' in reply) return reject(new Error(`round-trip worker failed: ${reply.error}`));
              const chunk = chunks[reply.id] as (typeof chunks)[number];
              reply.results.forEach((r, i) => (results[chunk.start + i] = r));
              done += reply.results.length;
              onProgress?.(done);
              send();
            });
            worker.on('error', reject);
            // Workers only exit when terminated after the run (the promise is settled by then,
            // so this is a no-op) or when they crash mid-run.
            worker.on('exit', (code) => reject(new Error(`round-trip worker exited early with code ${code}`)));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
