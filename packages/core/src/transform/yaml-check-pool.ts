/**
 * A worker thread that verifies edited YAML files while the plan goes on: the engine hands it a
 * file as soon as the last step has visited it ({@link checkYamlEdit} needs only texts and the
 * declared changes), and uses the answer at verification if the file's final edit is the one
 * checked (otherwise it checks again itself). On a machine with one core, with
 * `ANSIMOD_VERIFY_THREADS=0`, or without the compiled worker script, there is no pool and the
 * engine checks every file itself, as before.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics.js';
import { compiledWorkerScript } from '../repo/worker-script.js';
import { checkYamlEdit, type YamlEditCheck } from './verify.js';

/** Message to the worker: one file to check. */
export interface YamlCheckRequest {
  readonly id: number;
  readonly job: YamlEditCheck;
}

/** Message from the worker: the file's problems, or why it could not check it. */
export type YamlCheckReply = { readonly id: number; readonly diagnostics: Diagnostic[] } | { readonly id: number; readonly error: string };

/**
 * One worker thread checking edited YAML files ({@link checkYamlEdit}) for the calling thread.
 * A job the worker cannot answer (it crashed, it threw) is checked on the calling thread, so a
 * job's answer is always the one {@link checkYamlEdit} gives.
 *
 * @example
 * const pool = YamlCheckPool.start();
 * const problems = await (pool ? pool.check(job) : checkYamlEdit(job));
 * await pool?.close();
 */
export class YamlCheckPool {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { job: YamlEditCheck; resolve: (d: Diagnostic[]) => void }>();
  private next = 0;
  private failed = false;

  private constructor(script: URL) {
    this.worker = new Worker(script);
    this.worker.on('message', (reply: YamlCheckReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.settle(reply.id, 'error' in reply ? checkYamlEdit(p.job) : reply.diagnostics);
    });
    const fail = (): void => {
      this.failed = true;
      for (const [id, p] of [...this.pending]) this.settle(id, checkYamlEdit(p.job));
    };
    this.worker.on('error', fail);
    this.worker.on('exit', fail);
    // Idle, the worker never keeps the process alive (a command that fails early exits).
    this.worker.unref();
  }

  /**
   * A pool, when a worker can help: two cores or more, the compiled worker script present, and
   * `ANSIMOD_VERIFY_THREADS` not `0`.
   *
   * @example
   * YamlCheckPool.start(); // => a pool on a two-core machine
   */
  static start(): YamlCheckPool | undefined {
    if (process.env.ANSIMOD_VERIFY_THREADS === '0' || availableParallelism() < 2) return undefined;
    const script = compiledWorkerScript('yaml-check-worker');
    return script ? new YamlCheckPool(script) : undefined;
  }

  /** The problems of one edited file, as {@link checkYamlEdit} gives them. */
  check(job: YamlEditCheck): Promise<Diagnostic[]> {
    if (this.failed) return Promise.resolve(checkYamlEdit(job));
    const id = this.next++;
    return new Promise((resolve) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { job, resolve });
      this.worker.postMessage({ id, job } satisfies YamlCheckRequest);
    });
  }

  private settle(id: number, diagnostics: Diagnostic[]): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    p.resolve(diagnostics);
  }

  /** Stops the worker (jobs still pending are checked on the calling thread). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
