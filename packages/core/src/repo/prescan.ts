/**
 * Reading the repository on the other core while this one starts up.
 *
 * A plan's first tens of milliseconds go to loading modules, the recipe and the inventory's
 * variables, none of which needs the repository's file list; the walk and the reading of every
 * file ({@link ByteCorpus}) need nothing else. {@link startPrescan} runs those two in a worker
 * thread from the first moment, and hands the read bytes over without a copy (transferred
 * buffers). This module imports nothing heavy, so a command line can start it before it loads
 * the rest (`@ansimod/core/prescan`).
 */
import { Worker } from 'node:worker_threads';
import { ByteCorpus, type CorpusState } from './corpus.js';
import { WalkedFile, type SkippedFile, type WalkResult } from './walk.js';
import { compiledWorkerScript } from './worker-script.js';

/**
 * A repository walked and read ahead of a plan.
 *
 * @example
 * const pre = await startPrescan('/srv/ansible');
 * if (pre) console.log(pre.walk.files.length, pre.corpus.retainedBytes);
 */
export interface Prescan {
  readonly walk: WalkResult;
  readonly corpus: ByteCorpus;
}

/** What the worker posts: the walk as plain data, and the corpus's state with its buffers. */
export interface PrescanMessage {
  readonly root: string;
  readonly files: readonly string[];
  readonly skipped: readonly SkippedFile[];
  readonly corpus: CorpusState;
}

/**
 * Starts walking and reading `root` in a worker thread. Resolves to the result, or to
 * `undefined` when the worker cannot do it (no compiled worker script, the root is missing, the
 * thread failed): the caller then walks the repository itself and reports any error as usual.
 * Never rejects. An unused result costs nothing but the thread's work.
 *
 * @example
 * const prescan = startPrescan(repo);       // before loading modules
 * await planSteps(repo, steps, { prescan }); // uses it when ready
 */
export function startPrescan(root: string): Promise<Prescan | undefined> {
  const script = compiledWorkerScript('prescan-worker');
  if (!script) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      // Node flags are inherited (a profiler, memory limits), but not `--input-type`, which a
      // worker refuses: it belongs to an `--eval` string, not to a module file.
      const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
      worker = new Worker(script, { workerData: { root }, execArgv });
    } catch {
      resolve(undefined);
      return;
    }
    worker.once('message', (m: PrescanMessage | { error: string }) => {
      resolve('error' in m ? undefined : fromMessage(m));
      void worker.terminate();
    });
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
    // The plan must not wait on this thread to exit.
    worker.unref();
  });
}

function fromMessage(m: PrescanMessage): Prescan {
  const files = m.files.map((rel, i) => new WalkedFile(rel, m.corpus.absolutePaths[i] as string));
  return { walk: { root: m.root, files, skipped: [...m.skipped] }, corpus: ByteCorpus.fromTransfer(m.corpus) };
}
