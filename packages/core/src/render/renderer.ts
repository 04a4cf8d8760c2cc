import { ansibleLookup } from './ansible-lookups.js';
import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { ansibleFilters, TemplateRuntimeError, type TemplateFilter } from './ansible-filters.js';
import { jinjaTests, type TemplateTest } from './jinja-tests.js';
import { installJinjaSemantics } from './jinja-semantics.js';
import { namespace, swap, UnsupportedConstructError, type Restore } from './jinja-statements.js';
import { loadNunjucks, type NjTestRegistry, type NunjucksModule } from './nunjucks-internals.js';
import { isPlainObject } from './python-values.js';
import { pyInt } from './python-numbers.js';
import { currentSession, RenderBudgetError, RenderSession, withRenderSession } from './render-session.js';
import type { IncludeResolver, RenderFailure, RenderOptions, RenderResult } from './types.js';
import type { RenderBackend } from './ansible-renderer.js';

/** How deep variables may nest templates before we call it a loop (Ansible has no fixed limit). */
export const MAX_VARIABLE_DEPTH = 20;

/** Compiled templates kept per process, keyed by path and text; renders for each environment reuse them. */
const TEMPLATE_CACHE_SIZE = 4096;

const DEFAULT_PATH = '<template>';

/**
 * The path an `{% include name %}` in `fromPath` refers to: relative to the including template's
 * folder (Ansible searches the role's `templates/`, which is where its templates live).
 *
 * @example
 * resolveIncludePath('./generic.conf', 'roles/httpd/templates/site.conf'); // 'roles/httpd/templates/generic.conf'
 */
export function resolveIncludePath(name: string, fromPath: string): string {
  if (name.startsWith('/')) return posix.normalize(name);
  return posix.normalize(posix.join(posix.dirname(fromPath), name));
}

/**
 * The source Jinja2 lexes: newlines normalised to `\n` (Ansible's `newline_sequence`) and, as
 * `keep_trailing_newline` is off, one final newline dropped — for a template and for each template
 * it includes (which is why an include ending in a newline does not add a blank line).
 */
function jinjaSource(text: string): string {
  let normalised = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  // Jinja2 applies trim_blocks after `{% endraw %}` but not after `{% raw %}`; nunjucks the other way round.
  // `{%+` turns lstrip_blocks off for its tag, and it is off already; `+%}` turns trim_blocks off
  // for its tag: the newline after it stays (doubled here, as nunjucks trims one).
  if (normalised.includes('%+') || normalised.includes('+%')) normalised = normalised.replace(/\{%\+/g, '{% ').replace(/\+%\}(\n?)/g, (_, nl: string) => ` %}${nl}${nl}`);
  if (normalised.includes('raw')) normalised = normalised.replace(/(\{%-?\s*raw\s*%\})\n/g, '$1\n\n').replace(/(\{%-?\s*endraw\s*%\})\n/g, '$1');
  return normalised.endsWith('\n') ? normalised.slice(0, -1) : normalised;
}

/** The `\n` characters that end `s`. */
function trailingNewlines(s: string): number {
  let i = s.length;
  while (i > 0 && s.charCodeAt(i - 1) === 10) i--;
  return s.length - i;
}

/**
 * Ansible's `do_template(preserve_trailing_newlines=True)`: when the output ends in fewer
 * newlines than the template's text, the missing ones are added back.
 */
function withTrailingNewlines(text: string, output: string): string {
  const missing = trailingNewlines(text) - trailingNewlines(output);
  return missing > 0 ? output + '\n'.repeat(missing) : output;
}

/** Python's `range()`, refusing (by the render budget) a range too large to build. */
function pyRange(start: unknown, stop?: unknown, step?: unknown): Array<number | bigint> {
  // Past 2**53 the ints are exact: count in bigint.
  if ([start, stop, step].some((x) => typeof x === 'bigint')) return pyBigRange(start, stop, step);
  const [a, b] = stop === undefined ? [0, Number(start)] : [Number(start), Number(stop)];
  const st = step === undefined ? 1 : Number(step);
  if (st === 0) throw new TemplateRuntimeError('range() arg 3 must not be zero');
  const n = Math.max(0, Math.ceil((b - a) / st));
  currentSession()?.step(n);
  return Array.from({ length: n }, (_, i) => a + i * st);
}

/** `range()` with a bound past 2**53. */
function pyBigRange(start: unknown, stop?: unknown, step?: unknown): Array<number | bigint> {
  const big = (x: unknown) => (typeof x === 'bigint' ? x : BigInt(Number(x)));
  const [a, b] = stop === undefined ? [0n, big(start)] : [big(start), big(stop)];
  const st = step === undefined ? 1n : big(step);
  if (st === 0n) throw new TemplateRuntimeError('range() arg 3 must not be zero');
  const span = st > 0n ? b - a : a - b;
  const n = span <= 0n ? 0 : Number((span + (st > 0n ? st : -st) - 1n) / (st > 0n ? st : -st));
  currentSession()?.step(n);
  return Array.from({ length: n }, (_, i) => pyInt(a + BigInt(i) * st));
}

/** The pseudo-path under which a variable's value is compiled, so errors can name the variable. */
function variableTemplatePath(name: string): string {
  return `<variable ${name}>`;
}

/** Does this value (or anything inside it) contain Jinja that Ansible would template? */
function holdsJinja(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(holdsJinja);
  if (isPlainObject(value)) return Object.values(value).some(holdsJinja);
  return false;
}

type NjTemplate = InstanceType<NunjucksModule['Template']>;

/**
 * The variables objects renders are given (and the contexts made from them). Nunjucks starts
 * every render by copying its variables into a new context (`lib.extend({}, vars)`): with an
 * inventory's hundreds of variables that copy was most of a small template's render. While our
 * semantics are installed, the context of such an object is a new object whose prototype is it:
 * the same lookups (`name in ctx`, `ctx[name]`), and `{% set %}` still writes to the context's
 * own object, never to the variables (which renders never write).
 */
const sharedContexts = new WeakSet<object>();

/**
 * {@link installJinjaSemantics} and the shared render context (see {@link sharedContexts}); returns
 * what restores nunjucks as it was.
 */
function installRenderSemantics(nj: NunjucksModule): Restore {
  const restoreJinja = installJinjaSemantics(nj);
  const lib = (nj as unknown as { lib: { extend(target: unknown, source: unknown): unknown } }).lib;
  const extend = lib.extend;
  const restoreExtend = swap(lib, 'extend', function (this: unknown, target: unknown, source: unknown, ...rest: unknown[]): unknown {
    if (rest.length === 0 && isFreshObject(target) && typeof source === 'object' && source !== null && sharedContexts.has(source)) {
      const context: object = Object.create(source) as object;
      sharedContexts.add(context);
      return context;
    }
    return (extend as (...args: unknown[]) => unknown).call(this, target, source, ...rest);
  });
  return () => {
    restoreExtend();
    restoreJinja();
  };
}

/** An empty object with the plain prototype (what `new Context` copies variables into). */
function isFreshObject(o: unknown): boolean {
  if (typeof o !== 'object' || o === null || Object.getPrototypeOf(o) !== Object.prototype) return false;
  for (const _ in o) return false;
  return true;
}

/** How many holders keep the render semantics installed between renders ({@link holdRenderSemantics}). */
let holds = 0;
/** What removes the semantics installed for the holders, once the last one releases them. */
let held: Restore | undefined;

/**
 * Keeps the embedded renderer's changes to nunjucks (Jinja2 semantics, the shared render context)
 * installed from the first render until the returned function is called, instead of installing and
 * removing them around every render: a plan renders thousands of times. Nothing is installed
 * until something renders; once the last hold is released, nunjucks is as it was.
 *
 * @example
 * const release = holdRenderSemantics();
 * try { await verifyEverything(); } finally { release(); }
 */
export function holdRenderSemantics(): () => void {
  holds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    if (holds === 0 && held) {
      const restore = held;
      held = undefined;
      restore();
    }
  };
}

/**
 * Renders Ansible (Jinja2) templates with nunjucks, Jinja2 semantics and Ansible's filters.
 * Obtain one with {@link loadTemplateRenderer}; its methods are synchronous.
 *
 * @example
 * const renderer = await loadTemplateRenderer();
 * renderer.render('registry=docker://{{ host }}\n', { host: 'candidate-registry{{ env_suffix }}.fedoraproject.org', env_suffix: '.stg' });
 * // => { ok: true, output: 'registry=docker://candidate-registry.stg.fedoraproject.org\n', undefinedVars: [] }
 */
export class TemplateRenderer {
  private readonly env: InstanceType<NunjucksModule['Environment']>;
  private readonly cache = new Map<string, NjTemplate>();
  /** The include resolver of the render in progress (renders are synchronous). */
  private includeResolver: IncludeResolver | undefined;
  private depth = 0;

  constructor(private readonly nj: NunjucksModule) {
    const renderer = this;
    const loader = {
      // Every include name is resolved against its includer, so the loader sees both.
      isRelative: () => true,
      resolve: (from: string, name: string) => JSON.stringify([from, name]),
      getSource(key: string) {
        const [from, name] = JSON.parse(key) as [string, string];
        const src = renderer.includeResolver?.(name, from);
        // Missing: nunjucks reports it (or skips it for `ignore missing`, or tries the next name of a list).
        if (src === undefined) return null;
        const path = resolveIncludePath(name, from);
        // Nunjucks compiles included templates lazily and reports their syntax errors
        // asynchronously, after a synchronous render has returned; compile now so they surface here.
        const jinjaSrc = jinjaSource(src);
        renderer.compileNow(jinjaSrc, path);
        return { src: jinjaSrc, path, noCache: true };
      },
    };
    this.env = new nj.Environment(loader as unknown as ConstructorParameters<NunjucksModule['Environment']>[0], {
      autoescape: false,
      // Ansible's template module: trim_blocks=True, lstrip_blocks=False, trailing newline kept.
      trimBlocks: true,
      lstripBlocks: false,
      throwOnUndefined: false,
      // Keeps the original error as `cause` (nunjucks otherwise re-creates errors without it).
      dev: true,
    } as ConstructorParameters<NunjucksModule['Environment']>[1]);
    // `{% include ['a.j2', 'b.j2'] %}` includes the first that exists (Jinja2's select_template).
    const env = this.env as unknown as { getTemplate(name: unknown, ...rest: unknown[]): unknown };
    const getTemplate = env.getTemplate;
    env.getTemplate = function (name: unknown, eagerCompile: unknown, parentName: unknown, ...rest: unknown[]) {
      if (Array.isArray(name)) {
        const from = typeof parentName === 'string' ? parentName : DEFAULT_PATH;
        const found = name.find((n) => typeof n === 'string' && renderer.includeResolver?.(n, from) !== undefined);
        name = found ?? (name.length > 0 ? name[name.length - 1] : '');
      }
      return getTemplate.call(this, name, eagerCompile, parentName, ...rest);
    };
    const filters: Record<string, TemplateFilter> = ansibleFilters({
      filter: (name) => this.filter(name),
      test: (name) => this.test(name),
    });
    for (const [name, fn] of Object.entries(filters)) this.env.addFilter(name, fn);
    this.env.addGlobal('namespace', namespace);
    this.env.addGlobal('range', pyRange);
    this.env.addGlobal('lookup', ansibleLookup(false));
    for (const name of ['query', 'q']) this.env.addGlobal(name, ansibleLookup(true));
    const tests = this.env as unknown as NjTestRegistry;
    for (const [name, fn] of Object.entries(jinjaTests())) tests.addTest(name, fn);
  }

  private filter(name: string): TemplateFilter | undefined {
    try {
      return this.env.getFilter(name) as TemplateFilter;
    } catch {
      return undefined;
    }
  }

  private test(name: string): TemplateTest | undefined {
    try {
      const test = (this.env as unknown as NjTestRegistry).getTest(name);
      return (value, ...args) => test(value, ...args) === true;
    } catch {
      return undefined;
    }
  }

  /**
   * Renders `text` with `vars` (an environment's vars plus any task vars). Variables whose values
   * hold Jinja are templated when used, like Ansible does.
   *
   * @example
   * renderer.render('{% if env == "staging" %}\nstg\n{% endif %}\n', { env: 'staging' }); // output 'stg\n'
   */
  render(text: string, vars: Record<string, unknown>, opts: RenderOptions = {}): RenderResult {
    const path = opts.path ?? DEFAULT_PATH;
    const session = new RenderSession();
    const previousResolver = this.includeResolver;
    this.includeResolver = opts.resolveInclude;
    const restore = this.semantics();
    if (Object.getPrototypeOf(vars) === Object.prototype && !Object.prototype.hasOwnProperty.call(vars, '__proto__')) sharedContexts.add(vars);
    try {
      session.expand = this.expander(vars);
      if (opts.readFile) {
        const render = (source: string, at: string, extra: Record<string, unknown>) => this.renderNested(source, at, Object.keys(extra).length > 0 ? { ...vars, ...extra } : vars);
        session.files = { path, read: opts.readFile, render, ...(opts.root !== undefined ? { root: opts.root } : {}) };
      }
      const tmpl = this.template(jinjaSource(text), path) as NjTemplate & { compile(): void };
      try {
        tmpl.compile();
      } catch (error) {
        throw new TemplateSyntaxError(error);
      }
      const output: unknown = withRenderSession(session, () => tmpl.render(vars));
      if (session.error !== undefined) throw session.error;
      if (typeof output !== 'string') throw new TemplateRuntimeError('the template produced no output');
      return { ok: true, output: withTrailingNewlines(text, output), undefinedVars: session.names() };
    } catch (error) {
      const failure = failureOf(error);
      const diagnostic = renderDiagnostic(error, opts.path);
      return { ok: false, diagnostic: { ...diagnostic, code: FAILURE_CODE[failure.kind] }, undefinedVars: session.names(), failure };
    } finally {
      restore();
      this.includeResolver = previousResolver;
    }
  }

  /**
   * Installs what a render needs in nunjucks (Jinja2 semantics, the shared render context) and
   * returns what undoes it: for this render alone, or — while {@link holdRenderSemantics} holds
   * them — once for every render until the last hold is released.
   */
  private semantics(): Restore {
    if (holds === 0) return installRenderSemantics(this.nj);
    held ??= installRenderSemantics(this.nj);
    return () => undefined;
  }

  /** Templates variable values that hold Jinja, once per variable per render, detecting loops. */
  private expander(vars: Record<string, unknown>): (name: string, value: unknown) => unknown {
    const done = new Map<string, unknown>();
    const active = new Set<string>();
    const expandValue = (name: string, value: unknown): unknown => {
      if (typeof value === 'string') return holdsJinja(value) ? this.renderNested(value, variableTemplatePath(name), vars) : value;
      if (Array.isArray(value)) return value.map((v) => expandValue(name, v));
      if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandValue(name, v)]));
      return value;
    };
    return (name, value) => {
      if (typeof value !== 'string' && typeof value !== 'object') return value;
      // A variable's value is fixed for the render; remember the answer (deep scans are not free).
      if (done.has(name)) return done.get(name);
      if (!holdsJinja(value)) {
        done.set(name, value);
        return value;
      }
      if (active.has(name)) throw new TemplateRuntimeError(`recursive loop detected in template string: variable '${name}' uses itself`);
      if (this.depth >= MAX_VARIABLE_DEPTH) {
        throw new TemplateRuntimeError(`variables nest templates more than ${MAX_VARIABLE_DEPTH} deep (at '${name}')`);
      }
      active.add(name);
      this.depth++;
      const session = currentSession();
      const mark = session?.mark() ?? 0;
      try {
        // A value whose templating meets an undefined variable is itself undefined, lazily
        // (Ansible's AnsibleJ2Vars): `{{ v | default('x') }}` gives 'x', `{{ v }}` fails.
        let expanded = expandValue(name, value);
        if (session && session.mark() > mark) expanded = session.defer(undefined, mark);
        done.set(name, expanded);
        return expanded;
      } finally {
        this.depth--;
        active.delete(name);
      }
    };
  }

  /** Renders `text` (a variable's value, a template a lookup reads) inside the render in progress. */
  private renderNested(text: string, path: string, vars: Record<string, unknown>): string {
    return withTrailingNewlines(text, this.template(jinjaSource(text), path).render(vars));
  }

  /** Compiles a template now (throwing its syntax error as an included template's error). */
  private compileNow(text: string, path: string): void {
    const tmpl = this.template(text, path) as NjTemplate & { compile(): void };
    try {
      tmpl.compile();
    } catch (error) {
      throw new IncludedTemplateError(path, error);
    }
  }

  private template(text: string, path: string): NjTemplate {
    const key = `${path}\0${text}`;
    let tmpl = this.cache.get(key);
    if (tmpl) {
      // Refresh recency: Map iteration order is insertion order.
      this.cache.delete(key);
    } else {
      tmpl = new this.nj.Template(text, this.env, path);
      if (this.cache.size >= TEMPLATE_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(key, tmpl);
    return tmpl;
  }
}

/** A syntax error in an included template, reported against that template's path. */
class IncludedTemplateError extends Error {
  constructor(
    readonly templatePath: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

const FAILURE_CODE = {
  syntax: 'RENDER_FAILED',
  undefined: 'RENDER_UNDEFINED',
  unsupported: 'RENDER_UNSUPPORTED',
  budget: 'RENDER_BUDGET',
  error: 'RENDER_FAILED',
} as const satisfies Record<RenderFailure['kind'], Diagnostic['code']>;

/** What kind of failure an error raised by a render is. */
function failureOf(error: unknown): RenderFailure {
  const chain = causeChain(error);
  const unsupported = chain.find((e): e is UnsupportedConstructError => e instanceof UnsupportedConstructError);
  if (unsupported) return { kind: 'unsupported', construct: unsupported.construct };
  if (chain.some((e) => e instanceof RenderBudgetError || e instanceof RangeError)) return { kind: 'budget' };
  const message = chain.map((e) => (e instanceof Error ? e.message : String(e))).join('\n');
  const missing = /(filter|test) not found: ([\w.]+)/.exec(message);
  if (missing) return { kind: 'unsupported', construct: `${missing[1]} '${missing[2]}'` };
  if (chain.some((e) => e instanceof IncludedTemplateError) || chain.some((e) => e instanceof TemplateSyntaxError)) return { kind: 'syntax' };
  return { kind: 'error' };
}

/** A template that does not parse. */
class TemplateSyntaxError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** The error itself and the errors it wraps (`cause`), outermost first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}

/**
 * Turns a nunjucks/Jinja error into a diagnostic with the template line when nunjucks gives one;
 * a syntax error in an included template is reported against the included file.
 */
function renderDiagnostic(error: unknown, path: string | undefined): Diagnostic {
  const included = causeChain(error).find((e): e is IncludedTemplateError => e instanceof IncludedTemplateError);
  const source = included ? included.cause : error instanceof TemplateSyntaxError ? error.cause : error;
  const raw = source instanceof Error ? source.message : String(source);
  // "(file) [Line l, Column c]" names the template the line belongs to (an include's, maybe);
  // a parse error thrown before nunjucks decorated it carries the position as properties.
  const where = /\(([^()\n]*)\) \[Line (\d+), Column (\d+)\]/.exec(raw);
  const position = source as { lineno?: unknown; colno?: unknown };
  const line = where ? Number(where[2]) : typeof position.lineno === 'number' && position.lineno > 0 ? position.lineno : undefined;
  const column = where ? Number(where[3]) : typeof position.colno === 'number' && position.colno > 0 ? position.colno : undefined;
  const namedFile = where?.[1] !== undefined && where[1] !== DEFAULT_PATH && where[1] !== 'unknown path' ? where[1] : undefined;
  // Nunjucks prefixes "(path) [Line l, Column c]\n  " and sometimes "Error: "; keep the cause.
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(Template render error: )?\(.*\)( \[Line \d+, Column \d+\])?$/.test(l));
  const message = (lines[lines.length - 1] ?? raw)
    .replace(/^(Template render error: )?(\(.*?\) )?(\[Line \d+, Column \d+\] )?/, '')
    .replace(/^[A-Za-z]*Error: /, '');
  // An error inside a variable's value: the line is the value's, not the template's.
  const variable = namedFile !== undefined ? /^<variable (.+)>$/.exec(namedFile)?.[1] : undefined;
  if (variable !== undefined) {
    return { code: 'RENDER_FAILED', severity: 'error', message: `cannot render template: in variable '${variable}': ${message}`, ...(path !== undefined ? { path } : {}) };
  }
  const file = included ? included.templatePath : (namedFile ?? path);
  return {
    code: 'RENDER_FAILED',
    severity: 'error',
    message: `cannot render template: ${message}`,
    ...(file !== undefined ? { path: file } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(line !== undefined && column !== undefined ? { column } : {}),
  };
}

let loading: Promise<TemplateRenderer> | undefined;
let backend: RenderBackend | undefined;

/**
 * Sends every {@link renderTemplate}/{@link renderExpression} of this process to `next` (the
 * user's ansible-core, `--renderer ansible`), or back to the embedded renderer (`undefined`).
 * Returns the backend it replaces.
 *
 * @example
 * const previous = setRenderBackend(ansibleBackend(bridge, repo));
 * try { await planRecipe(…); } finally { setRenderBackend(previous); }
 */
export function setRenderBackend(next: RenderBackend | undefined): RenderBackend | undefined {
  const previous = backend;
  backend = next;
  return previous;
}

/**
 * The name of the renderer verification uses now: `embedded` or `ansible-core 2.14.18`.
 *
 * @example
 * renderBackendName(); // 'embedded'
 */
export function renderBackendName(): string {
  return backend?.name ?? 'embedded';
}

/**
 * Loads nunjucks (once per process) and returns the shared renderer.
 *
 * @example
 * const renderer = await loadTemplateRenderer();
 */
export function loadTemplateRenderer(): Promise<TemplateRenderer> {
  loading ??= loadNunjucks().then((nj) => new TemplateRenderer(nj));
  return loading;
}

/**
 * Renders an Ansible template for one environment. Loads nunjucks on first use (so commands that
 * render nothing never pay for it); see {@link TemplateRenderer.render}.
 *
 * @example
 * const r = await renderTemplate('[push]\nregistry=docker://{{candidate_registry}}\n', {
 *   env_suffix: '.stg',
 *   candidate_registry: 'candidate-registry{{ env_suffix }}.fedoraproject.org',
 * });
 * // r.ok && r.output === '[push]\nregistry=docker://candidate-registry.stg.fedoraproject.org\n'
 */
export async function renderTemplate(text: string, vars: Record<string, unknown>, opts: RenderOptions = {}): Promise<RenderResult> {
  if (backend) return backend.render(text, vars, opts);
  return (await loadTemplateRenderer()).render(text, vars, opts);
}

/**
 * Evaluates a templated value (a variable's value, a task's `vars:` entry) for one environment,
 * templating the variables it uses recursively (up to {@link MAX_VARIABLE_DEPTH} deep).
 *
 * @example
 * await renderExpression('candidate-registry{{ env_suffix }}.fedoraproject.org', { env_suffix: '.stg' });
 * // => { ok: true, output: 'candidate-registry.stg.fedoraproject.org', undefinedVars: [] }
 */
export async function renderExpression(expr: string, vars: Record<string, unknown>, opts: RenderOptions = {}): Promise<RenderResult> {
  if (backend) return backend.render(expr, vars, opts);
  return (await loadTemplateRenderer()).render(expr, vars, opts);
}
