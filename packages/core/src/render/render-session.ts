/**
 * State of the render in progress: which variables it looked up and did not find (Jinja2's
 * default `Undefined` prints as nothing, so a template can render "successfully" with holes in
 * it; verification needs to know), and how to template a variable whose value holds Jinja.
 *
 * Nunjucks renders synchronously, so the session of the render in progress is module state, set
 * for the duration of one render by {@link withRenderSession}.
 */

export interface Miss {
  name: string;
  /** Attribute misses on defined values are tracked only so `default`/`is defined` pair correctly. */
  reported: boolean;
}

/**
 * One render's session.
 *
 * @example
 * const session = new RenderSession();
 * session.variable('inventory_hostname');
 * session.names(); // ['inventory_hostname']
 */
export class RenderSession {
  /**
   * Templates a variable's value when it holds Jinja (Ansible templates variables lazily, when
   * they are used). Set by the renderer; identity when unset.
   */
  expand: (name: string, value: unknown) => unknown = (_name, value) => value;

  /**
   * What lookups of repository files need: the rendered template's path (Ansible's lookup search
   * path is the task's, so an included template's lookups search from it too), the reader, the
   * repository's absolute path, and how to render a template file (`lookup('template')`).
   */
  files?: {
    path: string;
    read: (path: string) => string | undefined;
    root?: string;
    render: (text: string, path: string, extra: Record<string, unknown>) => string;
  };

  private readonly misses: Miss[] = [];
  private steps = 0;
  private output = 0;

  /** Counts `n` loop iterations or calls; throws {@link RenderBudgetError} past the budget. */
  step(n = 1): void {
    this.steps += n;
    if (this.steps > RENDER_BUDGET.steps) throw new RenderBudgetError(`more than ${RENDER_BUDGET.steps.toLocaleString('en')} loop iterations`);
  }

  /** Counts `n` characters of output (or of one value being built); throws past the budget. */
  chars(n: number): void {
    this.output += n;
    if (n > RENDER_BUDGET.outputChars || this.output > RENDER_BUDGET.outputChars * 4) {
      throw new RenderBudgetError(`output larger than ${RENDER_BUDGET.outputChars / 1024 / 1024} MB`);
    }
  }
  /**
   * The first error raised while rendering. Nunjucks loses some errors (one raised inside an
   * included template leaves the render with no output and no exception), so we keep it here.
   */
  error: unknown = undefined;

  /** Records a variable lookup that found nothing. */
  variable(name: string): void {
    this.misses.push({ name, reported: true });
  }

  /**
   * Records a call of something undefined (`x.startswith()` with `x` undefined, or a method that
   * does not exist). Not reported when the callee hangs off a variable already reported.
   */
  call(callee: string): void {
    const reported = !this.misses.some((m) => m.reported && callee.startsWith(`${m.name}[`));
    this.misses.push({ name: `${callee}()`, reported });
  }

  /**
   * Records an attribute or item lookup on a defined value that found nothing: Ansible fails
   * such a render (`'dict object' has no attribute 'x'`) unless a guard consumes it.
   */
  attribute(name: string): void {
    this.misses.push({ name, reported: true });
  }

  /**
   * A guard (`is defined`, `| default(...)`) consumed the undefined value just looked up: the
   * most recent miss (or the one `skip` misses before it, when the guard's own arguments missed
   * too) was handled by the template and is not a hole in the output.
   */
  guarded(skip = 0): void {
    const at = this.misses.length - 1 - skip;
    if (at >= 0) this.misses.splice(at, 1);
  }

  /** A mark in the record of misses, for {@link RenderSession.defer}. */
  mark(): number {
    return this.misses.length;
  }

  /**
   * Jinja2's Undefined is lazy: `{% set x = nope %}` and `[nope]` fail only when the value is
   * used. When `value`, just computed, is undefined and misses were recorded since `mark`, those
   * misses are taken back and kept in a {@link lazyUndefined} value, recorded again when it is used.
   */
  defer(value: unknown, mark: number): unknown {
    if (value !== undefined || this.misses.length <= mark) return value;
    return lazyUndefined(this.misses.splice(mark));
  }

  /** A {@link lazyUndefined} value was used: its misses count now (Jinja2 fails here). */
  use(value: object): void {
    const misses = LAZY.get(value);
    if (misses) this.misses.push(...misses);
  }

  /** Name of the most recent miss, for messages such as `mandatory`'s. */
  lastName(): string | undefined {
    return this.misses[this.misses.length - 1]?.name;
  }

  /** Reported names, each once, in order of first use. */
  names(): string[] {
    return [...new Set(this.misses.filter((m) => m.reported).map((m) => m.name))];
  }
}

/** The misses each {@link lazyUndefined} value stands for. */
const LAZY = new WeakMap<object, readonly Miss[]>();

/**
 * An undefined value kept in a variable or a list (Jinja2's Undefined): an object any use of
 * which (reading a property, listing keys, converting to a string or number, its prototype)
 * records the misses it stands for in the session in progress, so a template that uses it is
 * flagged with the variable's own name, and one that never does is not.
 *
 * @example
 * const u = lazyUndefined([{ name: 'nope', reported: true }]);
 * isLazyUndefined(u); // true
 * String(u); // '' (and 'nope' recorded in the current session)
 */
export function lazyUndefined(misses: readonly Miss[]): object {
  const use = (): void => currentSession()?.use(proxy);
  const proxy: object = new Proxy(Object.create(null) as object, {
    get(_target, key) {
      use();
      return key === Symbol.toPrimitive ? () => '' : undefined;
    },
    has: () => (use(), false),
    ownKeys: () => (use(), []),
    getPrototypeOf: () => (use(), Object.prototype),
    getOwnPropertyDescriptor: () => (use(), undefined),
    set: () => (use(), true),
    defineProperty: () => (use(), true),
    deleteProperty: () => (use(), true),
  });
  LAZY.set(proxy, misses);
  return proxy;
}

/**
 * Is `value` a {@link lazyUndefined} value? (Asking does not count as a use.)
 *
 * @example
 * isLazyUndefined({}); // false
 */
export function isLazyUndefined(value: unknown): value is object {
  return typeof value === 'object' && value !== null && LAZY.has(value);
}

/**
 * How much one render may do: loop iterations (and macro calls) and output characters. A template
 * over budget (nested loops of 10^8 iterations, `range(10**8)`, `'x' * 10**9`) stops at once with
 * "render budget exceeded" rather than running for minutes or taking gigabytes.
 */
export const RENDER_BUDGET = { steps: 100_000, outputChars: 16 * 1024 * 1024 } as const;

/** A render stopped by {@link RENDER_BUDGET}. */
export class RenderBudgetError extends Error {
  constructor(what: string) {
    super(`render budget exceeded: ${what}`);
  }
}

let current: RenderSession | undefined;

/**
 * Runs `fn` with `session` as the session of the render in progress.
 *
 * @example
 * const s = new RenderSession();
 * withRenderSession(s, () => currentSession()?.variable('x'));
 * s.names(); // ['x']
 */
export function withRenderSession<T>(session: RenderSession, fn: () => T): T {
  const previous = current;
  current = session;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/**
 * The session of the render in progress, if any.
 *
 * @example
 * currentSession()?.guarded();
 */
export function currentSession(): RenderSession | undefined {
  return current;
}
