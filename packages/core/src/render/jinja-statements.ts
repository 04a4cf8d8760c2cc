/**
 * Jinja2 statement forms nunjucks lacks or treats differently, added to its parser and compiler
 * (installed and removed with the rest of {@link installJinjaSemantics}):
 *
 * - `{% for x in xs if cond %}`: the condition filters the items (and `loop.*` counts the kept ones);
 * - `loop.cycle()`, `loop.depth`, `loop.depth0`, `loop.previtem`, `loop.nextitem`, `loop.changed()`;
 * - `{% set ns.attr = … %}` on a `namespace()`;
 * - a `{% set %}` inside a loop body does not leak out of the loop;
 * - `{% for … recursive %}` with `loop(children)` and `loop.depth`;
 * - macros bind their arguments as Jinja2's do (`varargs`, `kwargs`, `caller`, errors for extra ones);
 * - an undefined value kept in a `set`, a list, a dict or a call's argument stays lazy (Jinja2's
 *   Undefined): it fails, naming the variable, only where it is used;
 * - constructs we do not render are refused with {@link UnsupportedConstructError} naming them,
 *   never rendered differently.
 */
import type { NjCompiler, NjNode, NjNodeClass, NjParser, NunjucksModule } from './nunjucks-internals.js';
import { isKeywordArgs, pyEquals, pyTruthy, pyTuple } from './python-values.js';
import { currentSession, isLazyUndefined } from './render-session.js';

/** Puts back what a {@link swap} replaced. */
export type Restore = () => void;

/** A Jinja2 construct the embedded renderer does not render as Ansible would; it refuses it by name. */
export class UnsupportedConstructError extends Error {
  constructor(
    /** The construct, as a user would recognise it: `recursive for loop`. */
    readonly construct: string,
    readonly lineno?: number,
    readonly colno?: number,
  ) {
    super(`the embedded renderer does not support ${construct}; use --renderer ansible to verify this template`);
  }
}

/**
 * Replaces `target[key]` and returns the function that puts the original back.
 *
 * @example
 * const restore = swap(nunjucks.runtime, 'suppressValue', mine); // … restore();
 */
export function swap<T extends object>(target: T, key: string, replacement: unknown): Restore {
  const record = target as Record<string, unknown>;
  const had = Object.prototype.hasOwnProperty.call(record, key);
  const original = record[key];
  record[key] = replacement;
  // A name we added is set back to undefined rather than deleted: deleting a property changes
  // the object's shape, and V8 would deoptimise nunjucks' compiler and runtime on every render.
  return () => {
    record[key] = had ? original : undefined;
  };
}

/** A variable's value where a template uses it: a lazy undefined value is undefined there (its misses recorded). */
function pyUse(value: unknown): unknown {
  if (!isLazyUndefined(value)) return value;
  currentSession()?.use(value);
  return undefined;
}

/** Runtime helpers the compiled statements call. */
export const STATEMENT_RUNTIME: Record<string, unknown> = {
  /** `for x in xs if cond`: the items for which `keep` holds. */
  pyLoopFilter: (items: unknown, keep: (item: unknown) => unknown) => {
    if (!Array.isArray(items)) return items;
    return items.filter((item) => pyTruthy(keep(item)));
  },
  /** Where the misses of the value about to be computed start (see {@link RenderSession.defer}). */
  pyMark: () => currentSession()?.mark() ?? 0,
  /** The value just computed, an undefined one kept lazy (Jinja2's Undefined in a `set` or a list). */
  pyDefer: (mark: number, value: unknown) => currentSession()?.defer(value, mark) ?? value,
  /** A variable's value where it is used: a lazy undefined one is undefined now, its misses recorded. */
  pyUse,
  /** `loop.cycle(a, b)` at position `i`. */
  pyCycle: (i: number) => (...values: unknown[]) => values[i % values.length],
  /** `loop.changed(value)`: true on the first call and whenever the value differs from the last. */
  pyChanged: () => {
    let seen = false;
    let last: unknown;
    return (...values: unknown[]) => {
      const v = values.length === 1 ? values[0] : values;
      const changed = !seen || !pyEquals(v, last);
      seen = true;
      last = v;
      return changed;
    };
  },
  /** `{% set a, b = value %}`: the value's items, exactly `count` of them, as Python unpacks. */
  pyUnpack: (value: unknown, count: number) => {
    const items = typeof value === 'string' ? [...value] : Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.keys(value) : undefined;
    if (items === undefined) throw new Error(`cannot unpack non-iterable ${value === undefined ? 'undefined' : typeof value} object`);
    if (items.length > count) throw new Error(`too many values to unpack (expected ${count})`);
    if (items.length < count) throw new Error(`not enough values to unpack (expected ${count}, got ${items.length})`);
    return items;
  },
  /**
   * A compiled macro called as Jinja2 calls one: positional arguments beyond its parameters are
   * `varargs`, keyword arguments it does not declare are `kwargs` (an error when the body does not
   * use them, or `caller` when it does not use that); its Jinja2 attributes kept on it.
   */
  pyMacro: (fn: unknown, name: string, args: string[], uses: { varargs: boolean; kwargs: boolean; caller: boolean }) => {
    if (typeof fn !== 'function') return fn;
    const macro = fn as (...a: unknown[]) => unknown;
    const wrapped = function (this: unknown, ...call: unknown[]): unknown {
      const last = call[call.length - 1];
      const kw = !isLazyUndefined(last) && isKeywordArgs(last) ? (call.pop(), last as Record<string, unknown>) : undefined;
      const extraKw = kw ? Object.keys(kw).filter((k) => k !== '__keywords' && k !== 'caller' && !args.includes(k)) : [];
      if (kw && 'caller' in kw && !uses.caller) throw new Error(`macro '${name}' was invoked with two values for the special caller argument. This is most likely a bug.`);
      if (extraKw.length > 0 && !uses.kwargs) throw new Error(`macro '${name}' takes no keyword argument '${extraKw[0]}'`);
      if (call.length > args.length && !uses.varargs) throw new Error(`macro '${name}' takes not more than ${args.length} argument(s)`);
      // (Keyword arguments always passed: nunjucks would otherwise look for them in a lazy undefined last argument.)
      if (!uses.varargs && !uses.kwargs) return macro.apply(this, [...call, kw ?? { __keywords: true }]);
      const passed: Record<string, unknown> = { __keywords: true };
      for (const [k, v] of Object.entries(kw ?? {})) if (k === 'caller' || args.includes(k)) passed[k] = v;
      passed.varargs = pyTuple(call.slice(args.length));
      passed.kwargs = Object.fromEntries(extraKw.map((k) => [k, kw?.[k]]));
      return macro.apply(this, [...call.slice(0, args.length), passed]);
    };
    Object.defineProperty(wrapped, MACRO_INFO, { value: { name, arguments: pyTuple(args), catch_kwargs: uses.kwargs, catch_varargs: uses.varargs } });
    return wrapped;
  },
  /** `{% set ns.attr = value %}`: only on a namespace, as in Jinja2. */
  pySetAttr: (target: unknown, attr: string, value: unknown) => {
    if (target === null || typeof target !== 'object' || !(NAMESPACE in target)) {
      throw new Error(`cannot assign attribute on non-namespace object`);
    }
    (target as Record<string, unknown>)[attr] = value;
  },
};

/** Where a compiled macro keeps its Jinja2 attributes (`name`, `arguments`…). */
export const MACRO_INFO = Symbol('jinja macro');

/** Marks the objects `namespace()` makes. */
export const NAMESPACE = Symbol('jinja namespace');

/**
 * Jinja2's `namespace(**kwargs)` global: an object whose attributes `{% set ns.x = … %}` may set
 * from inside a loop.
 *
 * @example
 * namespace({ __keywords: true, total: 0 }); // { total: 0 } marked as a namespace
 */
export function namespace(...args: unknown[]): Record<string, unknown> {
  const ns: Record<string | symbol, unknown> = {};
  for (const a of args) {
    if (a !== null && typeof a === 'object' && !Array.isArray(a)) {
      for (const [k, v] of Object.entries(a)) if (k !== '__keywords') ns[k] = v;
    }
  }
  Object.defineProperty(ns, NAMESPACE, { value: true, enumerable: false });
  return ns as Record<string, unknown>;
}

/** The names `node` and everything under it look up (`Symbol` nodes). */
function symbolsIn(node: NjNode | null | undefined, into = new Set<string>()): Set<string> {
  if (!node || typeof node !== 'object') return into;
  if (node.typename === 'Symbol') into.add(String(node.value));
  for (const [key, value] of Object.entries(node)) {
    if (key === 'lineno' || key === 'colno' || key === 'typename') continue;
    if (Array.isArray(value)) for (const v of value) symbolsIn(v as NjNode, into);
    else if (value !== null && typeof value === 'object' && 'typename' in value) symbolsIn(value as NjNode, into);
  }
  return into;
}

/** Recursive loops compiled, for their hidden names. */
let recursiveLoops = 0;

interface LoopScope {
  names: Set<string>;
}

/**
 * Installs the statement forms; returns the functions that remove them.
 *
 * @example
 * const restores = installJinjaStatements(nunjucks);
 */
export function installJinjaStatements(nj: NunjucksModule): Restore[] {
  const parser = nj.parser.Parser.prototype;
  const compiler = nj.compiler.Compiler.prototype;
  const nodes = nj.nodes as Record<string, NjNodeClass>;
  const LoopFilter = nj.nodes.Node.extend('PyLoopFilter', { fields: ['arr', 'name', 'cond'] });
  const Unpack = nj.nodes.Node.extend('PyUnpack', { fields: ['target', 'count'] });
  const Lazy = nj.nodes.Node.extend('PyLazy', { fields: ['target'] });
  const contextOrFrameLookup = nj.runtime.contextOrFrameLookup as (context: unknown, frame: unknown, name: string) => unknown;
  const compilePair = compiler.compilePair as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  const compileFunCall = compiler.compileFunCall as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  const compileSymbol = compiler.compileSymbol as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  /** Runs `compile` with `node.value` (a set's or a dict pair's value) kept lazy, then puts it back. */
  const lazily = (node: NjNode, compile: () => void): void => {
    const value = node.value as NjNode | null | undefined;
    if (value) node.value = new Lazy(value.lineno, value.colno, value);
    try {
      compile();
    } finally {
      node.value = value;
    }
  };
  /** Compiles `node` (an expression) so that an undefined value it gives stays lazy. */
  const compileLazy = (c: NjCompiler, node: unknown, frame: unknown): void => {
    c._emit('runtime.pyDefer(runtime.pyMark(), ');
    c.compile(node, frame);
    c._emit(')');
  };
  const parseFor = parser.parseFor as (this: NjParser) => NjNode;
  const compileFor = compiler.compileFor as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  const compileMacro = compiler._compileMacro as (this: NjCompiler, node: NjNode, frame: unknown) => string;
  const compileSet = compiler.compileSet as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  const emitLoopBindings = compiler._emitLoopBindings as (this: NjCompiler, node: NjNode, arr: string, i: string, len: string) => void;
  const assertType = compiler.assertType as (this: NjCompiler, node: NjNode, ...types: unknown[]) => void;
  const lexer = nj.lexer as unknown as { TOKEN_SYMBOL: string; TOKEN_BLOCK_END: string };
  const scopes = new WeakMap<object, LoopScope[]>();
  const scopesOf = (c: NjCompiler): LoopScope[] => {
    let s = scopes.get(c);
    if (!s) scopes.set(c, (s = []));
    return s;
  };
  /**
   * `{% for x in xs recursive %}…{{ loop(x.children) }}…{% endfor %}` as a call block, the loop
   * its body: `{% set f = caller(items, depth=1) %}{% for x in items %}…{{ f(x.children, depth=depth + 1) }}…{% endfor %}`
   * then `{{ f(xs) }}`, with `loop.depth` the depth (hidden names; the body keeps the enclosing scope).
   */
  const recursiveLoop = (node: NjNode): NjNode => {
    const { Caller, NodeList, KeywordArgs, Pair, Symbol: Sym, Literal, FunCall, Add, Set: SetNode, Output } = nodes;
    if (!Caller || !NodeList || !KeywordArgs || !Pair || !Sym || !Literal || !FunCall || !Add || !SetNode || !Output) return node;
    const { lineno: l, colno: c } = node;
    const id = `__pyloop${++recursiveLoops}`;
    const [fn, items, depth] = [id, `${id}_items`, `${id}_depth`];
    const source = (node.arr as object) instanceof LoopFilter ? (node.arr as NjNode) : node;
    const iterable = source.arr as NjNode;
    source.arr = new Sym(l, c, items);
    node.pyDepth = depth;
    // `loop(…)` in the body, outside nested loops, calls the body again one level deeper.
    const rewrite = (n: unknown): void => {
      if (n === null || typeof n !== 'object' || !('typename' in n)) return;
      const at = n as NjNode;
      if (at !== node && at.typename === 'For') return;
      if (at.typename === 'FunCall' && (at.name as NjNode).typename === 'Symbol' && (at.name as NjNode).value === 'loop') {
        at.name = new Sym(l, c, fn);
        const deeper = new Pair(l, c, new Sym(l, c, depth), new Add(l, c, new Sym(l, c, depth), new Literal(l, c, 1)));
        (at.args as NjNode).children = [...((at.args as NjNode).children ?? []), new KeywordArgs(l, c, [deeper])];
      }
      for (const [k, v] of Object.entries(at)) {
        if (k === 'lineno' || k === 'colno') continue;
        if (Array.isArray(v)) v.forEach(rewrite);
        else rewrite(v);
      }
    };
    rewrite(node.body);
    rewrite(node.else_);
    const signature = new NodeList(l, c, [new Sym(l, c, items), new KeywordArgs(l, c, [new Pair(l, c, new Sym(l, c, depth), new Literal(l, c, 1))])]);
    const define = new SetNode(l, c, [new Sym(l, c, fn)]);
    define.value = new Caller(l, c, new Sym(l, c, 'loop'), signature, new NodeList(l, c, [node]));
    return new NodeList(l, c, [define, new Output(l, c, [new FunCall(l, c, new Sym(l, c, fn), new NodeList(l, c, [iterable]))])]);
  };
  const restores: Restore[] = Object.entries(STATEMENT_RUNTIME).map(([k, v]) => swap(nj.runtime as object, k, v));
  restores.push(
    // A variable holding a lazy undefined value (`{% set x = nope %}`, a macro's argument) is
    // undefined where it is used.
    swap(nj.runtime, 'contextOrFrameLookup', (context: unknown, frame: unknown, name: string) => pyUse(contextOrFrameLookup(context, frame, name))),
    swap(compiler, 'compileSymbol', function (this: NjCompiler, node: NjNode, frame: unknown) {
      const local = (frame as { lookup(name: string): string | undefined }).lookup(String(node.value));
      if (local) this._emit(`runtime.pyUse(${local})`);
      else compileSymbol.call(this, node, frame);
    }),
    swap(compiler, 'compilePyLazy', function (this: NjCompiler, node: NjNode, frame: unknown) {
      compileLazy(this, node.target, frame);
    }),
    swap(compiler, 'compileArray', function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit('[');
      (node.children ?? []).forEach((child, i) => {
        if (i > 0) this._emit(',');
        compileLazy(this, child, frame);
      });
      this._emit(']');
    }),
    // Arguments of a call (a macro's, say) stay lazy: `{{ m(nope) }}` fails only if `m` uses it.
    swap(compiler, 'compileFunCall', function (this: NjCompiler, node: NjNode, frame: unknown) {
      const args = node.args as NjNode;
      const children = args.children ?? [];
      // (`*args` spreads its items, which are values already: it is not wrapped.)
      args.children = children.map((a) => (a.typename === 'KeywordArgs' || a.typename === 'PySplat' ? a : new Lazy(a.lineno, a.colno, a)));
      try {
        compileFunCall.call(this, node, frame);
      } finally {
        args.children = children;
      }
    }),
    swap(compiler, 'compilePair', function (this: NjCompiler, node: NjNode, frame: unknown) {
      lazily(node, () => compilePair.call(this, node, frame));
    }),
    swap(parser, 'parseFor', function (this: NjParser) {
      // A recursive loop: `{% for x in xs recursive %}`.
      const advance = this.advanceAfterBlockEnd as (this: NjParser, name?: string) => unknown;
      let recursive = false;
      this.advanceAfterBlockEnd = function (this: NjParser, name?: string) {
        const tok = this.peekToken();
        if (name === 'for' && tok && tok.type === lexer.TOKEN_SYMBOL && tok.value === 'recursive') {
          this.nextToken();
          recursive = true;
        }
        return advance.call(this, name);
      };
      let node: NjNode;
      try {
        node = parseFor.call(this);
      } finally {
        delete (this as { advanceAfterBlockEnd?: unknown }).advanceAfterBlockEnd;
      }
      // `for x in xs if cond`: nunjucks reads `xs if cond` as an inline if without else.
      const arr = node.arr as NjNode;
      if (nodes.InlineIf && (arr as object) instanceof nodes.InlineIf && (arr.else_ === null || arr.else_ === undefined)) {
        node.arr = new LoopFilter(arr.lineno, arr.colno, arr.body, node.name, arr.cond);
      }
      return recursive ? recursiveLoop(node) : node;
    }),
    swap(compiler, 'assertType', function (this: NjCompiler, node: NjNode, ...types: unknown[]) {
      if ((node as object) instanceof LoopFilter || (node as object) instanceof Unpack || (node as object) instanceof Lazy) return;
      assertType.call(this, node, ...types);
    }),
    swap(compiler, 'compilePyLoopFilter', function (this: NjCompiler, node: NjNode, frame: unknown) {
      const name = node.name as NjNode;
      const item = this._tmpid();
      this._emit('runtime.pyLoopFilter(runtime.pyIterable(');
      this.compile(node.arr, frame);
      this._emit(`), function(${item}) { frame = frame.push(); try { `);
      const names = name.children ? name.children.map((c) => String(c.value)) : [String(name.value)];
      if (name.children) names.forEach((n, i) => this._emit(`frame.set(${JSON.stringify(n)}, ${item}[${i}]); `));
      else this._emit(`frame.set(${JSON.stringify(names[0])}, ${item}); `);
      this._emit('return ');
      this.compile(node.cond, frame);
      this._emit('; } finally { frame = frame.pop(); } })');
    }),
    swap(compiler, 'compileFor', function (this: NjCompiler, node: NjNode, frame: unknown) {
      const s = scopesOf(this);
      s.push({ names: new Set() });
      try {
        compileFor.call(this, node, frame);
      } finally {
        s.pop();
      }
    }),
    swap(compiler, '_emitLoopBindings', function (this: NjCompiler, node: NjNode, arr: string, i: string, len: string) {
      emitLoopBindings.call(this, node, arr, i, len);
      const changed = this._tmpid();
      this._emitLine(`frame.set("loop.cycle", runtime.pyCycle(${i}));`);
      this._emitLine(`frame.set("loop.previtem", ${i} > 0 ? ${arr}[${i} - 1] : undefined);`);
      this._emitLine(`frame.set("loop.nextitem", ${i} + 1 < ${len} ? ${arr}[${i} + 1] : undefined);`);
      const depth = typeof node.pyDepth === 'string' ? `frame.lookup(${JSON.stringify(node.pyDepth)})` : '1';
      this._emitLine(`frame.set("loop.depth", ${depth}); frame.set("loop.depth0", ${depth} - 1); frame.isolateWrites = true;`);
      this._emitLine(`if (${i} === 0) { frame.${changed} = runtime.pyChanged(); } frame.set("loop.changed", frame.${changed});`);
    }),
    swap(compiler, '_compileMacro', function (this: NjCompiler, node: NjNode, frame: unknown) {
      const signature = node.args as NjNode;
      const params = signature.children ?? [];
      const args = params.flatMap((a) => (a.typename !== 'Symbol' ? (a.children ?? []).map((p) => String((p.key as NjNode).value)) : [String(a.value)]));
      const name = (node.name as NjNode | undefined)?.value ?? 'caller';
      // Jinja2 gives a macro `varargs`/`kwargs`/`caller` when its body names them.
      const used = symbolsIn(node.body as NjNode);
      const uses = { varargs: used.has('varargs') && !args.includes('varargs'), kwargs: used.has('kwargs') && !args.includes('kwargs'), caller: used.has('caller') };
      // They reach the body as keyword parameters of the nunjucks macro, which pyMacro fills.
      const extra = (['varargs', 'kwargs'] as const).filter((n) => uses[n]);
      const { KeywordArgs, Pair, Symbol: SymbolNode, Literal } = nodes;
      const last = params.at(-1);
      const lastChildren = last?.children;
      if (extra.length > 0 && KeywordArgs && Pair && SymbolNode && Literal) {
        const { lineno: l, colno: c } = node;
        const pairs = extra.map((n) => new Pair(l, c, new SymbolNode(l, c, n), new Literal(l, c, null)));
        if (last?.typename === 'KeywordArgs') last.children = [...(lastChildren ?? []), ...pairs];
        else signature.children = [...params, new KeywordArgs(l, c, pairs)];
      }
      let funcId: string;
      try {
        funcId = compileMacro.call(this, node, frame);
      } finally {
        signature.children = params;
        if (last) last.children = lastChildren;
      }
      this._emitLine(`${funcId} = runtime.pyMacro(${funcId}, ${JSON.stringify(String(name))}, ${JSON.stringify(args)}, ${JSON.stringify(uses)});`);
      return funcId;
    }),
    swap(compiler, 'compilePyUnpack', function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit('runtime.pyUnpack(');
      this.compile(node.target, frame);
      this._emit(`, ${Number(node.count)})`);
    }),
    swap(compiler, 'compileSet', function (this: NjCompiler, node: NjNode, frame: unknown) {
      const targets = node.targets as NjNode[];
      const { Set: SetNode, Symbol: SymbolNode, LookupVal: Lookup, Literal } = nodes;
      // `{% set a, b = value %}` unpacks (nunjucks would give both the whole value): a hidden
      // variable takes the unpacked items, then each target its item.
      if (targets.length > 1 && node.value && SetNode && SymbolNode && Lookup && Literal) {
        const { lineno: l, colno: c } = node;
        const compileOne = (target: NjNode, value: NjNode) => {
          const set = new SetNode(l, c, [target]);
          set.value = value;
          (this.compileSet as (this: NjCompiler, n: NjNode, f: unknown) => void).call(this, set, frame);
        };
        const hidden = new SymbolNode(l, c, `_pyunpack${this._tmpid()}`);
        compileOne(hidden, new Unpack(l, c, node.value as NjNode, targets.length));
        targets.forEach((t, i) => compileOne(t, new Lookup(l, c, hidden, new Literal(l, c, i))));
        return;
      }
      const LookupVal = nodes.LookupVal;
      if (LookupVal && targets.length === 1 && (targets[0] as object) instanceof LookupVal) {
        const target = targets[0]!;
        this._emit('runtime.pySetAttr(');
        this.compile(target.target, frame);
        this._emit(', ');
        this.compile(target.val, frame);
        this._emit(', ');
        if (node.value) this.compile(node.value, frame);
        else this.compile(node.body, frame);
        this._emitLine(');');
        return;
      }
      // Jinja2: a `set` in a loop body makes a variable of the loop body (starting from the
      // outer value), never changing the outer one.
      const scope = scopesOf(this).at(-1);
      if (scope) {
        const f = frame as { set(name: string, v: string): void };
        for (const t of targets) {
          const name = String(t.value);
          if (scope.names.has(name)) continue;
          scope.names.add(name);
          const id = this._tmpid();
          const q = JSON.stringify(name);
          this._emitLine(`var ${id} = frame.lookup(${q}); if (${id} === undefined) ${id} = context.lookup(${q});`);
          f.set(name, id);
        }
      }
      // `{% set x = nope %}` renders: the undefined value fails only where `x` is used.
      lazily(node, () => compileSet.call(this, node, frame));
    }),
  );
  return restores;
}
