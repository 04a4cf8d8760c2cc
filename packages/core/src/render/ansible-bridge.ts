/**
 * Renders through the user's installed ansible-core: one long-lived Python process running
 * `python/ansible_render.py` (shipped in this package), which renders with Ansible's own Templar
 * as the `template` module does, with the repository's ansible.cfg and filter_plugins/. We talk
 * to it in JSON lines over stdio.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics.js';
import { PyFloat, pyFloatRepr } from './python-values.js';

/** Versions the bridge reports when it starts. */
export interface AnsibleVersions {
  ansible: string;
  jinja2: string;
  python: string;
}

/** How ansible-core failed a render (see python/ansible_render.py). */
export interface AnsibleRenderError {
  /** `undefined`: a variable or attribute Ansible could not find; `syntax`: the template does not parse. */
  kind: 'undefined' | 'syntax' | 'error' | 'budget';
  /** The Python exception's class. */
  type: string;
  message: string;
  line?: number;
  /** For `undefined`: the names Ansible's message gives. */
  undefined?: string[];
}

/** One answer of the bridge. */
export type AnsibleRenderAnswer = { ok: true; output: string } | { ok: false; error: AnsibleRenderError };

/** What a render sends beside the template. */
export interface AnsibleRenderRequest {
  template: string;
  vars: Record<string, unknown>;
  /** Folders `{% include %}` searches, absolute. */
  searchpath?: string[];
  /** Included files given inline, by the name the template includes them as (lookups find them too). */
  files?: Record<string, string>;
  /** The folder lookups search last, absolute (Ansible's playbook folder); default the repository. */
  basedir?: string;
  /**
   * Vars files (or group_vars folders) ansible-core loads itself, with its own YAML reading, before
   * `vars` (which override them): how Ansible would see the inventory's variables.
   */
  vars_files?: string[];
}

/** Options of {@link AnsibleBridge.start}. */
export interface AnsibleBridgeOptions {
  /** The repository: its ansible.cfg configures Ansible, its filter_plugins/ add filters. */
  repo?: string;
  /** The Python interpreter; default {@link findAnsiblePython}. */
  python?: string;
  /** A render taking longer is stopped (the process restarted): "render budget exceeded". Default 20 s. */
  timeoutMs?: number;
}

/** The bridge script: beside this module in the CLI bundle, else in the package's python/ folder. */
export function ansibleRenderScript(): string {
  const here = new URL(import.meta.url);
  for (const rel of ['./ansible_render.py', '../../python/ansible_render.py', '../../core/python/ansible_render.py']) {
    const path = fileURLToPath(new URL(rel, here));
    if (existsSync(path)) return path;
  }
  return fileURLToPath(new URL('../../python/ansible_render.py', here));
}

/** The interpreter of an executable script's `#!` line, when it names one that exists. */
function shebangInterpreter(file: string): string | undefined {
  try {
    const head = readFileSync(file, { encoding: 'latin1', flag: 'r' }).slice(0, 200);
    const m = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(head);
    if (!m) return undefined;
    if (m[1]!.endsWith('/env') && m[2] !== undefined) return m[2];
    return existsSync(m[1]!) ? m[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Python that runs the user's Ansible: `$ANSIMOD_PYTHON`, else the interpreter of the
 * `ansible-playbook` (or `ansible`) script on PATH — the Python that has the ansible package,
 * which need not be the first `python3` on PATH —, else `python3`.
 *
 * @example
 * findAnsiblePython(); // '/usr/bin/python3' on Debian
 */
export function findAnsiblePython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ANSIMOD_PYTHON) return env.ANSIMOD_PYTHON;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const tool of ['ansible-playbook', 'ansible']) {
      const file = join(dir, tool);
      try {
        if (!statSync(file).isFile()) continue;
      } catch {
        continue;
      }
      const interpreter = shebangInterpreter(file);
      if (interpreter !== undefined) return interpreter;
    }
  }
  return 'python3';
}

interface Pending {
  resolve(answer: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A running ansible-core renderer. Start one with {@link AnsibleBridge.start}; `close()` it
 * when done (it also ends with the Node process, its stdin closing).
 *
 * @example
 * const bridge = await AnsibleBridge.start({ repo: 'fixtures/ansible' });
 * if (bridge instanceof AnsibleBridge) {
 *   await bridge.render({ template: '{{ 1 + 1 }}\n', vars: {} }); // { ok: true, output: '2\n' }
 *   bridge.close();
 * }
 */
export class AnsibleBridge {
  private child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  private stderr = '';

  private constructor(
    private readonly python: string,
    private readonly args: string[],
    private readonly timeoutMs: number,
    /** The versions of Ansible, Jinja2 and Python doing the renders. */
    readonly versions: AnsibleVersions,
  ) {
    this.child = this.spawnChild();
  }

  /**
   * Starts the bridge; a diagnostic (never a throw) when there is no usable ansible-core.
   *
   * @example
   * const bridge = await AnsibleBridge.start({ repo: '.' });
   */
  static async start(opts: AnsibleBridgeOptions = {}): Promise<AnsibleBridge | Diagnostic> {
    const python = opts.python ?? findAnsiblePython();
    const args = [ansibleRenderScript(), ...(opts.repo !== undefined ? ['--repo', opts.repo] : [])];
    const bridge = new AnsibleBridge(python, args, opts.timeoutMs ?? 20_000, { ansible: '', jinja2: '', python: '' });
    try {
      const hello = await bridge.request({ op: 'hello' });
      if (hello.ok !== true) throw new Error(String((hello.error as { message?: unknown } | undefined)?.message ?? 'no answer'));
      const versions = bridge.versions as { -readonly [K in keyof AnsibleVersions]: string };
      versions.ansible = String(hello.ansible);
      versions.jinja2 = String(hello.jinja2);
      versions.python = String(hello.python);
      return bridge;
    } catch (error) {
      bridge.close();
      const why = bridge.stderr.includes('No module named') ? `${python} has no ansible package` : error instanceof Error ? error.message : String(error);
      return {
        code: 'INVALID_OPTION',
        severity: 'error',
        message: `--renderer ansible: cannot start ansible-core (${why}); install ansible-core, set ANSIMOD_PYTHON to the Python that has it, or use --renderer embedded`,
      };
    }
  }

  private spawnChild(): ChildProcessWithoutNullStreams {
    const child = spawn(this.python, this.args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ANSIBLE_NOCOLOR: '1' } });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.receive(chunk));
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    const fail = (why: string) => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.reject(new Error(why));
      }
    };
    child.on('error', (e) => fail(`cannot run ${this.python}: ${e.message}`));
    child.on('exit', (code) => fail(`ansible-core renderer exited (${code ?? 'signal'}): ${this.stderr.trim().split('\n').pop() ?? ''}`));
    // The bridge must not keep a finished command alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    return child;
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() === '') continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const p = this.pending.get(msg.id as number);
      if (!p) continue;
      this.pending.delete(msg.id as number);
      clearTimeout(p.timer);
      p.resolve(msg);
    }
  }

  private request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BudgetError(this.timeoutMs));
        // The process is busy with a render that will not end soon: replace it.
        this.child.kill('SIGKILL');
        this.buffer = '';
        this.child = this.spawnChild();
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (this.pending.size === 1) this.child.ref();
      this.child.stdin.write(`${bridgeJson({ ...body, id })}\n`);
    }).finally(() => {
      if (this.pending.size === 0) this.child.unref();
    }) as Promise<Record<string, unknown>>;
  }

  /**
   * Renders one template as Ansible's `template` module would.
   *
   * @example
   * await bridge.render({ template: '{{ x }}', vars: {} }); // { ok: false, error: { kind: 'undefined', undefined: ['x'], … } }
   */
  async render(req: AnsibleRenderRequest): Promise<AnsibleRenderAnswer> {
    try {
      const a = await this.request({ op: 'render', ...req });
      if (a.ok === true) return { ok: true, output: String(a.output) };
      return { ok: false, error: a.error as AnsibleRenderError };
    } catch (error) {
      if (error instanceof BudgetError) return { ok: false, error: { kind: 'budget', type: 'Timeout', message: error.message } };
      return { ok: false, error: { kind: 'error', type: 'BridgeError', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  /** Ends the Python process. */
  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

class BudgetError extends Error {
  constructor(ms: number) {
    super(`render budget exceeded: ansible-core took more than ${ms / 1000} s`);
  }
}

/**
 * JSON for the bridge: a whole-number {@link PyFloat} from the inventory is written `2.0`, so
 * Python reads a float as PyYAML did (plain JSON would give the int `2`), and an int past 2**53
 * (a `bigint`) with all its digits.
 *
 * @example
 * bridgeJson({ vars: { ratio: new PyFloat(2) } }); // '{"vars":{"ratio":2.0}}'
 */
export function bridgeJson(body: Record<string, unknown>): string {
  const mark = '\u0000pyfloat:';
  // The holder's own value: JSON.stringify hands the replacer what toJSON gave (a plain number).
  const text = JSON.stringify(body, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (typeof raw === 'bigint') return `${mark}${raw}`;
    return raw instanceof PyFloat ? `${mark}${pyFloatRepr(raw.value)}` : value;
  });
  const json: Record<string, string> = { inf: 'Infinity', '-inf': '-Infinity', nan: 'NaN' };
  return text.replace(/"\\u0000pyfloat:([^"]*)"/g, (_m, repr: string) => json[repr] ?? repr);
}
