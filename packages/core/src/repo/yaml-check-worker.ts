/**
 * Worker-thread entry for {@link YamlCheckPool}: checks edited YAML files (re-parse, Jinja
 * balance, data change) while the calling thread goes on planning, and answers each job by id.
 * Holds no state between jobs.
 */
import { parentPort } from 'node:worker_threads';
import { checkYamlEdit } from '../transform/verify.js';
import type { YamlCheckReply, YamlCheckRequest } from '../transform/yaml-check-pool.js';

const port = parentPort;
if (port === null) throw new Error('yaml-check-worker must run in a worker thread');

port.on('message', ({ id, job }: YamlCheckRequest) => {
  try {
    port.postMessage({ id, diagnostics: checkYamlEdit(job) } satisfies YamlCheckReply);
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies YamlCheckReply);
  }
});
