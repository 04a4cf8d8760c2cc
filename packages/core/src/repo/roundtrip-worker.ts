/**
 * Worker-thread entry for the round-trip pool: receives chunks of entries, answers with their
 * outcomes in the same order. Holds no state between chunks.
 */
import { parentPort } from 'node:worker_threads';
import { mapLimit } from './map-limit.js';
import { roundtripFile } from './roundtrip-file.js';
import type { ChunkReply, ChunkRequest } from './roundtrip-pool.js';

const port = parentPort;
if (port === null) throw new Error('roundtrip-worker must run in a worker thread');

port.on('message', (request: ChunkRequest) => {
  mapLimit(request.entries, 8, (entry) => roundtripFile(entry)).then(
    (results) => port.postMessage({ id: request.id, results } satisfies ChunkReply),
    (err: unknown) => port.postMessage({ id: request.id, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies ChunkReply),
  );
});
