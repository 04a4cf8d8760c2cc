/**
 * Jinja2 semantics for nunjucks, installed for the duration of one render and removed after.
 *
 * Nunjucks is close to Jinja2 but evaluates with JavaScript rules. Ansible templates depend on
 * Python's: `True` prints as `True`, `[]` is false, `'a b'.split()` splits on whitespace,
 * `('a', 'b')` is a tuple, an undefined variable is empty rather than an error, and `{# #}`
 * comments obey `trim_blocks`. We get these by wrapping a few nunjucks internals (runtime
 * helpers, the compiler's emitters, the parser's `is`/aggregate rules, the tokenizer) rather
 * than patching `String.prototype`: the changes touch only nunjucks, and only while our
 * synchronous render runs — `installJinjaSemantics` returns the function that restores every
 * original, and the renderer calls it in a `finally`. Compiled templates keep calling
 * `runtime.pyTruthy` & co., so they may only be rendered while the semantics are installed.
 */
import type { NjCompiler, NjNode, NjNodeClass, NjParser, NjTokenizer, NunjucksModule } from './nunjucks-internals.js';
import { isPlainObject, outputString, pyEquals, pySlice, pyStr, pyTruthy, pyTuple } from './python-values.js';
import { isPyNumber, pyArithmetic, pyCompareOp, pyFloat, pyNegate, pyPositive } from './python-numbers.js';
import { pythonDictMethod, pythonListMethod, pythonStringMethod } from './python-methods.js';
import { currentSession } from './render-session.js';
import { installJinjaStatements, MACRO_INFO, swap, UnsupportedConstructError, type Restore } from './jinja-statements.js';
import { TemplateRuntimeError } from './ansible-filters.js';
import { percentFormat } from './python-format.js';
import { contains } from './jinja-tests.js';

type Fn = (...args: never[]) => unknown;

/** The attributes of a Jinja2 macro object. */
const MACRO_ATTRIBUTES = new Set(['name', 'arguments', 'defaults', 'catch_kwargs', 'catch_varargs', 'caller']);

/** The operand kinds of Python's `+`. */
function addKind(value: unknown): 'number' | 'str' | 'list' | 'other' {
  if (isPyNumber(value)) return 'number';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'other';
}

/** Runtime helpers our compiler emitters call. */
const PY_RUNTIME: Record<string, unknown> = {
  pyTruthy,
  pyTuple,
  pyOr: (left: unknown, right: () => unknown) => (pyTruthy(left) ? left : right()),
  pyAnd: (left: unknown, right: () => unknown) => (pyTruthy(left) ? right() : left),
  pyConcat: (left: unknown, right: unknown) => pyStr(left) + pyStr(right),
  /** `for x in mapping` iterates the keys in Jinja2; nunjucks iterates nothing. */
  pyIterable: (value: unknown) => {
    const items = isPlainObject(value) ? Object.keys(value) : value;
    if (Array.isArray(items) || typeof items === 'string') currentSession()?.step(items.length);
    return items;
  },
  /** The items `*value` passes as arguments: a list's, a string's characters, a dict's keys. */
  pySplat: (value: unknown) => {
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return [...value];
    if (isPlainObject(value)) return Object.keys(value);
    if (Array.isArray(value)) return value;
    throw new TemplateRuntimeError(`argument after * must be an iterable, not ${typeof value}`);
  },
  pyAdd: (left: unknown, right: unknown) => {
    if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
    if (typeof left === 'string' && typeof right === 'string') return left + right;
    // Python adds numbers to numbers, str to str and list to list; any other pair is a TypeError.
    const kinds = [addKind(left), addKind(right)];
    if (kinds[0] !== kinds[1] && !kinds.includes('other')) {
      throw new TemplateRuntimeError(`unsupported operand type(s) for +: '${kinds[0]}' and '${kinds[1]}'`);
    }
    if (kinds[0] === 'number' && kinds[1] === 'number') return pyArithmetic('+', left, right);
    return (left as number) + (right as number);
  },
  pyFloat,
  pyNegate,
  pyPositive,
  pyMul: (left: unknown, right: unknown) => {
    const size = (typeof left === 'string' || Array.isArray(left)) && typeof right === 'number' ? left.length * right
      : (typeof right === 'string' || Array.isArray(right)) && typeof left === 'number' ? right.length * left : 0;
    if (size > 0) currentSession()?.chars(size);
    if (typeof left === 'string' && typeof right === 'number') return left.repeat(Math.max(0, right));
    if (typeof right === 'string' && typeof left === 'number') return right.repeat(Math.max(0, left));
    if (Array.isArray(left) && typeof right === 'number') return Array.from({ length: Math.max(0, right) }, () => left).flat();
    if (typeof left === 'string' || Array.isArray(left) || typeof right === 'string' || Array.isArray(right)) {
      throw new TemplateRuntimeError("can't multiply sequence by non-int");
    }
    return pyArithmetic('*', left, right);
  },
  /** A comparison chain `a < b < c`: Python tests each pair, JavaScript compares `(a < b) < c`. */
  pyCompare: (first: unknown, ...rest: unknown[]) => {
    let left = first;
    for (let i = 0; i < rest.length; i += 2) {
      const op = rest[i] as string;
      const right = (rest[i + 1] as () => unknown)();
      if (!pyCompareOp(op, left, right)) return false;
      left = right;
    }
    return true;
  },
  pySub: (left: unknown, right: unknown) => pyArithmetic('-', left, right),
  pyDiv: (left: unknown, right: unknown) => pyArithmetic('/', left, right),
  pyFloorDiv: (left: unknown, right: unknown) => pyArithmetic('//', left, right),
  pyPow: (left: unknown, right: unknown) => pyArithmetic('**', left, right),
  pyMod: (left: unknown, right: unknown) => (typeof left === 'string' ? percentFormat(left, right) : pyArithmetic('%', left, right)),
};

/**
 * Installs Jinja2 semantics into a loaded nunjucks; returns the function that removes them.
 * Not re-entrant across different nunjucks copies; calls nest (restores run in reverse).
 *
 * @example
 * const restore = installJinjaSemantics(nunjucks);
 * try { template.render(vars); } finally { restore(); }
 */
export function installJinjaSemantics(nj: NunjucksModule): Restore {
  const restores: Restore[] = [];
  // jinja-compat gives True/False/None, slices and Python list/dict methods; we layer on top.
  // Its uninstall leaves `compileSlice` behind; remove it too (restores run last-first).
  const compilerProto = nj.compiler.Compiler.prototype as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(compilerProto, 'compileSlice')) {
    restores.push(() => delete compilerProto.compileSlice);
  }
  restores.push(nj.installJinjaCompat());
  restores.push(...patchRuntime(nj), ...patchCompiler(nj), ...patchParser(nj), patchTokenizer(nj), ...installJinjaStatements(nj));
  return () => {
    for (const restore of restores.reverse()) restore();
  };
}

function patchRuntime(nj: NunjucksModule): Restore[] {
  const runtime = nj.runtime;
  const lookup = runtime.contextOrFrameLookup as (context: unknown, frame: unknown, name: string) => unknown;
  const member = runtime.memberLookup as (obj: unknown, key: unknown, ...rest: unknown[]) => unknown;
  const inOperator = runtime.inOperator as (key: unknown, container: unknown) => unknown;
  const handleError = runtime.handleError as (error: unknown, lineno: number, colno: number) => unknown;
  const restores = Object.entries(PY_RUNTIME).map(([name, fn]) => swap(runtime, name, fn));
  restores.push(
    swap(runtime, 'contextOrFrameLookup', (context: unknown, frame: { lookup(name: string): unknown }, name: string) => {
      // Template-local names (loop variables, `set`) are values already; only variables from
      // the inventory are templated on use, as Ansible does.
      const local = frame.lookup(name);
      if (local !== undefined) return local;
      const value = lookup(context, frame, name);
      const session = currentSession();
      if (value === undefined) session?.variable(name);
      return session ? session.expand(name, value) : value;
    }),
    swap(runtime, 'memberLookup', function (this: unknown, obj: unknown, key: unknown, ...rest: unknown[]) {
      // `seq[a:b:c]`: nunjucks passes the three bounds.
      if (rest.length === 2) return pySlice(obj, key, rest[0], rest[1]);
      if (typeof obj === 'string' && typeof key === 'string' && rest.length < 3) {
        const method = pythonStringMethod(obj, key);
        if (method) return method;
      }
      if (typeof key === 'string') {
        const method = Array.isArray(obj) ? pythonListMethod(obj, key) : isPlainObject(obj) && !(key in obj) ? pythonDictMethod(obj, key) : undefined;
        if (method) return method;
      }
      // A macro's attributes (`m.name`, `m.arguments`…) are Jinja2's; a JavaScript function has others.
      if (typeof obj === 'function' && typeof key === 'string' && MACRO_ATTRIBUTES.has(key)) {
        const info = (obj as { [MACRO_INFO]?: Record<string, unknown> })[MACRO_INFO];
        if (info && key in info) return info[key];
        throw new UnsupportedConstructError(`a macro's attributes (\`.${key}\`)`);
      }
      // Negative indexes count from the end, as in Python.
      if (typeof key === 'number' && key < 0 && (Array.isArray(obj) || typeof obj === 'string')) key = key + obj.length;
      const value = member.call(this, obj, key, ...rest);
      if (value === undefined && obj !== undefined && obj !== null) currentSession()?.attribute(String(key));
      return value;
    }),
    // Calling something undefined is Jinja2's UndefinedError; we render on, the hole recorded.
    swap(runtime, 'callWrap', (fn: unknown, name: string, context: unknown, args: unknown[]) => {
      if (typeof fn === 'function') return (fn as Fn).apply(context, args as never[]);
      if (fn === undefined || fn === null) {
        currentSession()?.call(name);
        return undefined;
      }
      throw new Error(`Unable to call \`${name}\`, which is not a function`);
    }),
    swap(runtime, 'inOperator', (key: unknown, container: unknown) =>
      container === undefined || container === null ? false : Array.isArray(container) ? contains(container, key) : inOperator(key, container),
    ),
    swap(runtime, 'suppressValue', (value: unknown) => {
      const out = outputString(value);
      currentSession()?.chars(out.length);
      return out;
    }),
    swap(runtime, 'handleError', (error: unknown, lineno: number, colno: number) => {
      const wrapped = handleError(error, lineno, colno);
      const session = currentSession();
      if (session && session.error === undefined) session.error = wrapped;
      return wrapped;
    }),
  );
  return restores;
}

function patchCompiler(nj: NunjucksModule): Restore[] {
  const proto = nj.compiler.Compiler.prototype;
  const Truthy = nj.nodes.Node.extend('PyTruthy', { fields: ['target'] });
  const Iterable = nj.nodes.Node.extend('PyIterable', { fields: ['target'] });
  const compileFor = proto.compileFor as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  const ArrayNode = nj.nodes.Array;
  const truthy = (node: NjNode): NjNode => new Truthy(node.lineno, node.colno, node);
  const assertType = proto.assertType as (this: NjCompiler, node: NjNode, ...types: unknown[]) => void;
  const compileIf = proto.compileIf as (this: NjCompiler, node: NjNode, frame: unknown, async?: boolean) => void;
  const compileInlineIf = proto.compileInlineIf as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  /** Compiles `node` with `field` temporarily wrapped in a truthiness test. */
  const withTruthy = <A extends unknown[]>(
    original: (this: NjCompiler, node: NjNode, ...rest: A) => void,
    field: string,
  ) =>
    function (this: NjCompiler, node: NjNode, ...rest: A) {
      const cond = node[field] as NjNode;
      node[field] = truthy(cond);
      try {
        original.call(this, node, ...rest);
      } finally {
        node[field] = cond;
      }
    };
  const binary = (helper: string) =>
    function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit(`runtime.${helper}(`);
      this.compile(node.left, frame);
      this._emit(', function() { return ');
      this.compile(node.right, frame);
      this._emit('; })');
    };
  const unary = (helper: string) =>
    function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit(`runtime.${helper}(`);
      this.compile(node.target, frame);
      this._emit(')');
    };
  const call = (helper: string) =>
    function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit(`runtime.${helper}(`);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
  const compileOutput = proto.compileOutput as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  const compileLiteral = proto.compileLiteral as (this: NjCompiler, node: NjNode, frame: unknown) => void;
  /** Nunjucks tracks the line of a runtime error only for calls; we also set it per output and condition. */
  const markLine = (compiler: NjCompiler, node: NjNode) => compiler._emit(`lineno = ${node.lineno + 1}; colno = ${node.colno + 1};\n`);
  const getNodeName = proto._getNodeName as (this: NjCompiler, node: NjNode) => string;
  return [
    // The name nunjucks writes into a JavaScript string for error messages: a string literal with
    // a newline (`'a\nb'.splitlines()`) broke the compiled template.
    swap(proto, '_getNodeName', function (this: NjCompiler, node: NjNode) {
      return getNodeName.call(this, node).replace(/[\\\n\r\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
    }),
    swap(proto, 'compileOutput', function (this: NjCompiler, node: NjNode, frame: unknown) {
      if ((node.children ?? []).some((c) => c.typename !== 'TemplateData')) markLine(this, node);
      compileOutput.call(this, node, frame);
    }),
    swap(proto, 'assertType', function (this: NjCompiler, node: NjNode, ...types: unknown[]) {
      const ours: object = node;
      if (ours instanceof Truthy || ours instanceof Iterable) return;
      assertType.call(this, node, ...types);
    }),
    swap(proto, 'compilePyTruthy', function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit('runtime.pyTruthy(');
      this.compile(node.target, frame);
      this._emit(')');
    }),
    swap(proto, 'compilePyTuple', function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit('runtime.pyTuple(');
      (proto.compileArray as (this: NjCompiler, n: NjNode, f: unknown) => void).call(this, node, frame);
      this._emit(')');
    }),
    swap(proto, 'compilePyIterable', function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit('runtime.pyIterable(');
      this.compile(node.target, frame);
      this._emit(')');
    }),
    swap(proto, 'compileFor', function (this: NjCompiler, node: NjNode, frame: unknown) {
      // Only a single loop variable iterates keys; `for k, v in d` already works.
      if (ArrayNode && (node.name as object) instanceof ArrayNode) return compileFor.call(this, node, frame);
      const arr = node.arr as NjNode;
      node.arr = new Iterable(arr.lineno, arr.colno, arr);
      try {
        compileFor.call(this, node, frame);
      } finally {
        node.arr = arr;
      }
    }),
    swap(proto, 'compileAdd', call('pyAdd')),
    swap(proto, 'compileMul', call('pyMul')),
    swap(proto, 'compileSub', call('pySub')),
    swap(proto, 'compileDiv', call('pyDiv')),
    swap(proto, 'compileFloorDiv', call('pyFloorDiv')),
    swap(proto, 'compilePow', call('pyPow')),
    swap(proto, 'compileCompare', function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit('runtime.pyCompare(');
      this.compile(node.expr, frame);
      for (const op of node.ops as Array<{ type: string; expr: NjNode }>) {
        this._emit(`, ${JSON.stringify(op.type)}, function() { return `);
        this.compile(op.expr, frame);
        this._emit('; }');
      }
      this._emit(')');
    }),
    swap(proto, 'compileIf', function (this: NjCompiler, node: NjNode, frame: unknown, async?: boolean) {
      markLine(this, node);
      withTruthy(compileIf, 'cond').call(this, node, frame, async);
    }),
    swap(proto, 'compileInlineIf', withTruthy(compileInlineIf, 'cond')),
    swap(proto, 'compileNot', function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit('!runtime.pyTruthy(');
      this.compile(node.target, frame);
      this._emit(')');
    }),
    swap(proto, 'compileOr', binary('pyOr')),
    swap(proto, 'compileAnd', binary('pyAnd')),
    swap(proto, 'compileConcat', call('pyConcat')),
    swap(proto, 'compileMod', call('pyMod')),
    // Python's numbers: a whole float literal (`3.0`) is a float, an int past 2**53 is exact.
    swap(proto, 'compileLiteral', function (this: NjCompiler, node: NjNode, frame: unknown) {
      if (typeof node.value === 'bigint') return this._emit(`${node.value}n`);
      if (node.pyFloat === true && typeof node.value === 'number' && Number.isInteger(node.value)) return this._emit(`runtime.pyFloat(${node.value})`);
      compileLiteral.call(this, node, frame);
    }),
    // `f(*args)`: JavaScript's spread, in the array of a call's arguments or a filter's argument list.
    swap(proto, 'compilePySplat', function (this: NjCompiler, node: NjNode, frame: unknown) {
      this._emit('...runtime.pySplat(');
      this.compile(node.target, frame);
      this._emit(')');
    }),
    swap(proto, 'compileNeg', unary('pyNegate')),
    swap(proto, 'compilePos', unary('pyPositive')),
    // Nunjucks emits a test's arguments without separating commas; Jinja2 tests take several.
    swap(proto, 'compileIs', function (this: NjCompiler, node: NjNode, frame: unknown) {
      const right = node.right as NjNode & { name?: { value: string }; value?: string; args?: NjNode };
      const name = right.name ? right.name.value : right.value;
      this._emit(`env.getTest(${JSON.stringify(name)}).call(context, `);
      this.compile(node.left, frame);
      for (const a of right.args?.children ?? []) {
        this._emit(', ');
        this.compile(a, frame);
      }
      this._emit(') === true');
    }),
  ];
}

/** Words after a test name that end the test rather than being its argument. */
const BARE_ARG_STOP = new Set(['and', 'or', 'not', 'if', 'else', 'in', 'is', 'recursive']);

const tupleNodes = new WeakMap<object, NjNodeClass>();

/** The node class of a tuple literal `(a, b)`: an array the runtime marks as a tuple. */
function tupleNodeClass(nj: NunjucksModule): NjNodeClass {
  let cls = tupleNodes.get(nj);
  if (!cls) {
    cls = nj.nodes.Array.extend('PyTuple', {} as { fields: string[] });
    tupleNodes.set(nj, cls);
  }
  return cls;
}

function patchParser(nj: NunjucksModule): Restore[] {
  const proto = nj.parser.Parser.prototype;
  const { Group, Array: ArrayNode, Dict, Pair, Is, Not, FunCall, Symbol: SymbolNode, NodeList, Set: SetNode, Capture } = nj.nodes as Record<string, NjNodeClass>;
  const parseAggregate = proto.parseAggregate as (this: NjParser) => NjNode | null;
  const TupleNode = tupleNodeClass(nj);
  const parsePrimary = (proto as unknown as { parsePrimary(this: NjParser, noPostfix?: boolean): NjNode }).parsePrimary;
  const parseExpression = (proto as unknown as { parseExpression(this: NjParser): NjNode }).parseExpression;
  const Literal = (nj.nodes as Record<string, NjNodeClass>).Literal;
  const parseFilter = proto.parseFilter as (this: NjParser, node: NjNode) => NjNode;
  const primary = (p: NjParser) => (p as unknown as { parsePrimary(): NjNode }).parsePrimary();
  /**
   * The test after `node is` (Jinja2's parse_test): `not`, the test's name, its arguments in
   * parentheses or one bare argument (`x is divisibleby 3`, `x is sameas none`), and `x is in seq`
   * (`in` is an operator keyword, so nunjucks cannot parse it as a test name).
   */
  function parseTest(this: NjParser, node: NjNode): NjNode {
    const not = this.skipSymbol('not');
    const tok = this.peekToken();
    let test: NjNode;
    if (tok.type === nj.lexer.TOKEN_SYMBOL && tok.value === 'in' && FunCall && SymbolNode && NodeList) {
      this.nextToken();
      const container = primary(this);
      test = new FunCall(tok.lineno, tok.colno, new SymbolNode(tok.lineno, tok.colno, 'in'), new NodeList(tok.lineno, tok.colno, [container]));
    } else {
      test = primary(this);
      const next = this.peekToken();
      if (next && next.type === nj.lexer.TOKEN_SYMBOL && next.value === 'is') {
        (this as unknown as { fail(m: string, l: number, c: number): never }).fail('You cannot chain multiple tests with is', next.lineno, next.colno);
      }
      const bare = next && SymbolNode && (test as object) instanceof SymbolNode &&
        (next.type === nj.lexer.TOKEN_INT || next.type === nj.lexer.TOKEN_FLOAT || next.type === nj.lexer.TOKEN_STRING ||
          next.type === nj.lexer.TOKEN_NONE || next.type === nj.lexer.TOKEN_BOOLEAN ||
          (next.type === nj.lexer.TOKEN_SYMBOL && !BARE_ARG_STOP.has(next.value)));
      if (bare && FunCall && NodeList) {
        const argument = primary(this);
        test = new FunCall(test.lineno, test.colno, test, new NodeList(argument.lineno, argument.colno, [argument]));
      }
    }
    const is = new Is!(node.lineno, node.colno, node, test);
    return not ? new Not!(is.lineno, is.colno, is) : is;
  }
  const Splat = nj.nodes.Node.extend('PySplat', { fields: ['target'] });
  const parseSignature = proto.parseSignature as (this: NjParser, ...args: unknown[]) => NjNode | null;
  let inSignature = 0;
  return [
    // `f(*args)` and `x | format(*args)`: a `*` that starts an argument unpacks it.
    swap(proto, 'parseSignature', function (this: NjParser, ...args: unknown[]) {
      inSignature++;
      try {
        return parseSignature.apply(this, args);
      } finally {
        inSignature--;
      }
    }),
    swap(proto, 'parseExpression', function (this: NjParser) {
      const tok = this.peekToken();
      if (inSignature > 0 && tok && tok.type === nj.lexer.TOKEN_OPERATOR && tok.value === '*') {
        this.nextToken();
        const target = parseExpression.call(this);
        return new Splat(tok.lineno, tok.colno, target);
      }
      return parseExpression.call(this);
    }),
    // A float literal is marked (`2.0` must not print as `2`), and an int past 2**53 kept exact.
    swap(proto, 'parsePrimary', function (this: NjParser, noPostfix?: boolean) {
      const tok = this.peekToken();
      const node = parsePrimary.call(this, noPostfix);
      if (tok && Literal && (node as object) instanceof Literal) {
        if (tok.type === nj.lexer.TOKEN_FLOAT) node.pyFloat = true;
        else if (tok.type === nj.lexer.TOKEN_INT && !Number.isSafeInteger(node.value)) node.value = BigInt(tok.value);
      }
      return node;
    }),
    // `('a', 'b')`, `(a,)` and `()` are tuples in Jinja2 (nunjucks compiles the first to
    // JavaScript's comma operator and cannot parse the others), and a dict or tuple may end in a
    // comma: nunjucks' parseAggregate with Jinja2's rules.
    swap(proto, 'parseAggregate', function (this: NjParser) {
      const open = this.peekToken();
      // `[`: jinja-compat's parseAggregate, which also reads slices (`s[1:3]`).
      const close = open && { [nj.lexer.TOKEN_LEFT_PAREN]: ')', [nj.lexer.TOKEN_LEFT_CURLY]: '}' }[open.type];
      if (!close || !Group || !ArrayNode || !Pair) return parseAggregate.call(this);
      this.nextToken();
      const children: NjNode[] = [];
      let trailingComma = false;
      for (;;) {
        const next = this.peekToken();
        if (!next) (this as unknown as { fail(m: string, l: number, c: number): never }).fail(`unexpected end of template, expected '${close}'`, open.lineno, open.colno);
        if (next.value === close && next.type !== nj.lexer.TOKEN_STRING) {
          this.nextToken();
          break;
        }
        if (children.length > 0) {
          if (!this.skip(nj.lexer.TOKEN_COMMA)) {
            (this as unknown as { fail(m: string, l: number, c: number): never }).fail('parseAggregate: expected comma after expression', open.lineno, open.colno);
          }
          trailingComma = true;
          const after = this.peekToken();
          if (after && after.value === close && after.type !== nj.lexer.TOKEN_STRING) continue;
        }
        trailingComma = false;
        if (close === '}') {
          const key = (this as unknown as { parsePrimary(): NjNode }).parsePrimary();
          if (!this.skip(nj.lexer.TOKEN_COLON)) {
            (this as unknown as { fail(m: string, l: number, c: number): never }).fail('parseAggregate: expected colon after dict key', open.lineno, open.colno);
          }
          const value = (this as unknown as { parseExpression(): NjNode }).parseExpression();
          children.push(new Pair(key.lineno, key.colno, key, value));
        } else {
          children.push((this as unknown as { parseExpression(): NjNode }).parseExpression());
        }
      }
      const Cls = close === '}' ? Dict! : children.length === 1 && !trailingComma ? Group : TupleNode;
      return new Cls(open.lineno, open.colno, children);
    }),
    // nunjucks' parseSet, except that `{% set x = 1, 2 %}` assigns a tuple (and `{% set a, b = 1, 2 %}`
    // unpacks it, see compileSet).
    swap(proto, 'parseSet', function (this: NjParser) {
      const p = this as unknown as NjParser & {
        parsePrimary(): NjNode | null;
        parseUntilBlocks(...names: string[]): NjNode;
        advanceAfterBlockEnd(name?: string): void;
        skipValue(type: string, value: string): boolean;
        fail(message: string, lineno?: number, colno?: number): never;
      };
      const tag = p.peekToken();
      if (!p.skipSymbol('set')) p.fail('parseSet: expected set', tag.lineno, tag.colno);
      const node = new SetNode!(tag.lineno, tag.colno, []);
      const targets = node.targets as NjNode[];
      for (let target = p.parsePrimary(); target; target = p.parsePrimary()) {
        targets.push(target);
        if (!p.skip(nj.lexer.TOKEN_COMMA)) break;
      }
      if (p.skipValue(nj.lexer.TOKEN_OPERATOR, '=')) {
        const first = parseExpression.call(p);
        const items = [first];
        let tuple = false;
        while (p.skip(nj.lexer.TOKEN_COMMA)) {
          tuple = true;
          if (p.peekToken()?.type === nj.lexer.TOKEN_BLOCK_END) break;
          items.push(parseExpression.call(p));
        }
        node.value = tuple ? new TupleNode(first.lineno, first.colno, items) : first;
        p.advanceAfterBlockEnd(tag.value);
      } else if (p.skip(nj.lexer.TOKEN_BLOCK_END)) {
        node.body = new Capture!(tag.lineno, tag.colno, p.parseUntilBlocks('endset'));
        node.value = null;
        p.advanceAfterBlockEnd();
      } else {
        p.fail('parseSet: expected = or block end in set tag', tag.lineno, tag.colno);
      }
      return node;
    }),
    // Jinja2 reads `is` where it reads `|` (after a primary, before any operator): `2 ** 64 is
    // integer` is `2 ** (64 is integer)`, `a + b is odd` is `a + (b is odd)`; nunjucks read it after
    // comparisons.
    swap(proto, 'parseFilter', function (this: NjParser, node: NjNode) {
      let out = parseFilter.call(this, node);
      while (this.skipSymbol('is')) out = parseFilter.call(this, parseTest.call(this, out));
      return out;
    }),
    // Where nunjucks reads no filter (`-x` reads its operand so), `is` is still a test.
    swap(proto, 'parseIs', function (this: NjParser) {
      const node = this.parseCompare();
      return this.skipSymbol('is') ? parseTest.call(this, node) : node;
    }),
  ];
}

/**
 * A numeric escape at `at` (just after the backslash): `\xHH`, `\uHHHH`, `\UHHHHHHHH` or octal
 * `\ooo`, with the number of characters it takes; undefined for any other escape.
 */
function numericEscape(s: string, at: number): { value: number; length: number } | undefined {
  const m = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{1,3}))/.exec(s.slice(at, at + 9));
  if (!m) return undefined;
  const value = m[4] !== undefined ? parseInt(m[4], 8) : parseInt(m[1] ?? m[2] ?? m[3]!, 16);
  return value <= 0x10ffff ? { value, length: m[0].length } : undefined;
}

/** Python string literal escapes: `\\n \\t \\r \\\\ \\' \\"` and friends; an unknown escape keeps its backslash (`'\\d'`). */
const STRING_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };

/**
 * The tokenizer: Jinja2's `trim_blocks` also removes the newline after a comment (nunjucks' does
 * not), `#}` outside a comment is text (a lighttpd.conf's regular expressions hold it), and string literals unescape as Python's do (nunjucks drops the backslash of `\\d`,
 * which changes every regular expression written in a template).
 */
function patchTokenizer(nj: NunjucksModule): Restore {
  const proto = Object.getPrototypeOf(nj.lexer.lex('', {})) as { nextToken(this: NjTokenizer): { type: string } | null };
  const nextToken = proto.nextToken;
  const commentType = nj.lexer.TOKEN_COMMENT;
  const restoreString = swap(proto, '_parseString', function (this: NjTokenizer, delimiter: string) {
    this.forward();
    let str = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const cur = this.current();
      if (cur === '\\') {
        this.forward();
        const c = this.current();
        const code = numericEscape(this.str, this.index);
        if (code) {
          str += String.fromCodePoint(code.value);
          this.forwardN(code.length - 1);
        } else {
          str += Object.prototype.hasOwnProperty.call(STRING_ESCAPES, c) ? STRING_ESCAPES[c] : `\\${c}`;
        }
      } else {
        str += cur;
      }
      this.forward();
    }
    this.forward();
    return str;
  });
  const tokenizer = proto as unknown as { _matches(this: NjTokenizer, str: string): boolean | null };
  const matches = tokenizer._matches;
  // In text outside a comment, Jinja2 reads `#}` as text; nunjucks stops with "unexpected end of comment".
  const restoreMatches = swap(tokenizer, '_matches', function (this: NjTokenizer, str: string) {
    return str === '#}' && this.pyText === true ? false : matches.call(this, str);
  });
  const restoreNext = swap(proto, 'nextToken', function (this: NjTokenizer) {
    if (this.in_code) {
      const number = pythonNumber(this, nj);
      if (number) return number;
      // Inside `{ … }` a `}}` closes the dict, as Jinja2 balances braces: `{{ {'a': {'b': 1}} }}`.
      if (this.pyBraces !== undefined && this.pyBraces > 0 && this.str.charCodeAt(this.index) === 125) {
        const { lineno, colno } = this;
        this.forwardN(1);
        this.pyBraces -= 1;
        return { type: nj.lexer.TOKEN_RIGHT_CURLY, value: '}', lineno, colno };
      }
    }
    this.pyText = !this.in_code && !matches.call(this, '{#');
    const tok = nextToken.call(this);
    this.pyText = false;
    if (tok && tok.type === nj.lexer.TOKEN_LEFT_CURLY) this.pyBraces = (this.pyBraces ?? 0) + 1;
    else if (tok && this.pyBraces !== undefined && this.pyBraces > 0) this.pyBraces = tok.type === nj.lexer.TOKEN_RIGHT_CURLY ? this.pyBraces - 1 : this.in_code ? this.pyBraces : 0;
    if (tok && tok.type === commentType && this.trimBlocks && !this.isFinished()) {
      if (this.current() === '\n') this.forward();
      else if (this.current() === '\r') {
        this.forward();
        if (!this.isFinished() && this.current() === '\n') this.forward();
      }
    }
    return tok;
  });
  return () => {
    restoreNext();
    restoreMatches();
    restoreString();
  };
}

/** Jinja2's number literals: floats (`1.5`, `1e20`, `1_0.5`) before integers (`1_000`, `0x1f`, `0o17`, `0b11`). */
const FLOAT_LITERAL = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INT_LITERAL = /0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*/iy;

/**
 * A number token read as Jinja2 reads it (nunjucks knows only `12` and `1.5`), or undefined when
 * the tokenizer is not at a number. An integer beyond 2**53 becomes a `bigint` literal (see parsePrimary).
 */
function pythonNumber(t: NjTokenizer, nj: NunjucksModule): { type: string; value: string; lineno: number; colno: number } | undefined {
  const at = t.index;
  const c = t.str.charCodeAt(at);
  if (!(c >= 48 && c <= 57) || t.str[at - 1] === '.') return undefined;
  const { lineno, colno } = t;
  FLOAT_LITERAL.lastIndex = at;
  const float = FLOAT_LITERAL.exec(t.str);
  if (float) {
    t.forwardN(float[0].length);
    return { type: nj.lexer.TOKEN_FLOAT, value: float[0].replace(/_/g, ''), lineno, colno };
  }
  INT_LITERAL.lastIndex = at;
  const int = INT_LITERAL.exec(t.str);
  if (!int) return undefined;
  const value = BigInt(int[0].replace(/_/g, '').replace(/^0+(?=\d)/, ''));
  t.forwardN(int[0].length);
  return { type: nj.lexer.TOKEN_INT, value: String(value), lineno, colno };
}
