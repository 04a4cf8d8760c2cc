/**
 * Worker-thread entry for the round-trip pool: receives a run (the files and the shared cursor),
 * checks files taken from the cursor until none is left, and answers with their outcomes in
 * batches (one per slice of work, so the caller can show progress). Holds no state between runs.
 */
import { parentPort } from 'node:worker_threads';
import type { FileRoundtrip, RoundtripTarget } from './roundtrip-file.js';
import { checkSlice, FileCursor, type RunReply, type RunRequest } from './roundtrip-pool.js';

const port = parentPort;
if (port === null) throw new Error('roundtrip-worker must run in a worker thread');

/** Work time between two replies. */
const SLICE_MS = 50;

port.on('message', ({ run, paths, absolutePaths, cursor }: RunRequest) => {
  const files: RoundtripTarget[] = paths.map((path, i) => ({ path, absolutePath: absolutePaths[i] as string }));
  const shared = new FileCursor(cursor);
  try {
    let more = true;
    while (more) {
      const indices: number[] = [];
      const results: FileRoundtrip[] = [];
      more = checkSlice(shared, files, (index, result) => (indices.push(index), results.push(result)), SLICE_MS);
      if (indices.length > 0) port.postMessage({ run, indices, results } satisfies RunReply);
    }
  } catch (err) {
    port.postMessage({ run, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies RunReply);
  }
});
