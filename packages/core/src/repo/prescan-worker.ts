/**
 * Worker thread of {@link startPrescan}: walks the repository given in `workerData.root`,
 * reads every file into a {@link ByteCorpus} and posts both back, the corpus's buffers
 * transferred. Any failure posts `{ error }`; the main thread then does the work itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readByAnsible } from './ansible-files.js';
import { ByteCorpus } from './corpus.js';
import type { PrescanMessage } from './prescan.js';
import { walkRepository } from './walk.js';

const { root } = workerData as { root: string };
try {
  const walk = await walkRepository(root);
  // Plain text Ansible never reads waits until a search needs it (see RepoIndex).
  const corpus = ByteCorpus.scan(
    walk.files.map((f) => f.absolutePath),
    { defer: (i) => !readByAnsible((walk.files[i] as { path: string }).path) },
  );
  const { state, transfer } = corpus.toTransfer();
  const message: PrescanMessage = { root: walk.root, files: walk.files.map((f) => f.path), skipped: walk.skipped, corpus: state };
  parentPort?.postMessage(message, transfer);
} catch (err) {
  parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
