#!/usr/bin/env node
/**
 * Generates docs/transforms.md, the transform reference, from the source: every
 * `defineTransform({...})` call in packages/transforms/src/<name>/transform.ts (and in the
 * example transforms), read with ts-morph — name, display name, description, each option's
 * spec (type, required, default, description, example, choices), the TypeScript type the
 * transform receives for it (asked of the type checker), and the TSDoc of the exported const.
 * Nothing is written by hand, so the reference cannot drift: test/transform-reference.test.ts
 * regenerates it and fails when the committed file differs.
 *
 * Usage: node scripts/gen-transform-reference.mjs [--check]
 *   --check  exit 1 (and write nothing) when docs/transforms.md is not up to date.
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, Project, SyntaxKind } from 'ts-morph';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..');
export const referencePath = path.join(repoRoot, 'docs/transforms.md');

/**
 * @typedef {object} OptionDoc
 * @property {string} name
 * @property {string} type         the spec's type ('string', 'map', …)
 * @property {string} valueType    the TypeScript type of `ctx.options[name]`, from the checker
 * @property {boolean} required
 * @property {unknown} [default]
 * @property {string} description
 * @property {string} example
 * @property {string[]} [choices]
 *
 * @typedef {object} TransformDoc
 * @property {string} name
 * @property {string} displayName
 * @property {string} description
 * @property {OptionDoc[]} options
 * @property {string} docs          the TSDoc text of the exported const (or of its factory)
 * @property {string[]} examples    its @example blocks
 * @property {string} source        repository-relative path of the file
 */

/** The files holding transforms: one per built-in transform folder, and the examples. */
export function transformSources(root = repoRoot) {
  const builtinDir = path.join(root, 'packages/transforms/src');
  const builtin = readdirSync(builtinDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(builtinDir, d.name, 'transform.ts')))
    .map((d) => path.join(builtinDir, d.name, 'transform.ts'));
  const examplesDir = path.join(root, 'examples/transforms');
  const examples = existsSync(examplesDir)
    ? readdirSync(examplesDir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
        .map((f) => path.join(examplesDir, f))
    : [];
  return { builtin: builtin.sort(), examples: examples.sort() };
}

/** A project that resolves `@ansimod/core` to its source, so no build is needed. */
function project(root) {
  const p = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true,
      target: 9 /* ES2022 */,
      module: 199 /* NodeNext */,
      moduleResolution: 99 /* NodeNext */,
      skipLibCheck: true,
      noEmit: true,
      paths: {
        '@ansimod/core': [path.join(root, 'packages/core/src/index.ts')],
        '@ansimod/transforms': [path.join(root, 'packages/transforms/src/index.ts')],
      },
    },
  });
  return p;
}

/** @param {import('ts-morph').Node} node */
function where(node) {
  return `${path.relative(repoRoot, node.getSourceFile().getFilePath())}:${node.getStartLineNumber()}`;
}

/**
 * The value of a literal expression in a transform definition: strings (and their `+`
 * concatenations), numbers, booleans, arrays, object literals (spreads of such consts included,
 * imported or not), and consts initialised with those.
 * Anything computed is an error naming the place, so the reference never shows a guess.
 * @param {import('ts-morph').Node} node
 * @returns {unknown}
 */
function literalValue(node) {
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isNumericLiteral(node)) return node.getLiteralValue();
  if (node.getKind() === SyntaxKind.TrueKeyword) return true;
  if (node.getKind() === SyntaxKind.FalseKeyword) return false;
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node)) return literalValue(node.getExpression());
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    return String(literalValue(node.getLeft())) + String(literalValue(node.getRight()));
  }
  if (Node.isArrayLiteralExpression(node)) return node.getElements().map(literalValue);
  if (Node.isObjectLiteralExpression(node)) {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const prop of node.getProperties()) {
      // `...sharedOptions`: a const object literal, spelled out as if written here.
      if (Node.isSpreadAssignment(prop)) {
        Object.assign(out, literalValue(prop.getExpression()));
        continue;
      }
      if (!Node.isPropertyAssignment(prop)) throw new Error(`${where(prop)}: only plain properties can be documented`);
      const nameNode = prop.getNameNode();
      const key = Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
      out[key] = literalValue(prop.getInitializerOrThrow());
    }
    return out;
  }
  if (Node.isIdentifier(node)) {
    const symbol = node.getSymbol();
    const decl = (symbol?.getAliasedSymbol() ?? symbol)?.getValueDeclaration();
    if (decl && Node.isVariableDeclaration(decl) && decl.getInitializer()) return literalValue(/** @type {import('ts-morph').Node} */ (decl.getInitializer()));
  }
  throw new Error(`${where(node)}: "${node.getText()}" is not a literal; the reference can only show literal values`);
}

/**
 * The statement whose TSDoc documents a `defineTransform` call: the exported const it
 * initialises, or — for a call inside a factory function — the exported const that calls
 * the factory (falling back to the factory's own TSDoc).
 * @param {import('ts-morph').CallExpression} call
 */
function documentingStatement(call) {
  const direct = call.getFirstAncestorByKind(SyntaxKind.VariableStatement);
  const fn = call.getFirstAncestor((a) => Node.isFunctionDeclaration(a) || Node.isArrowFunction(a) || Node.isFunctionExpression(a));
  if (direct && !fn) return direct;
  const fnName = fn && Node.isFunctionDeclaration(fn) ? fn.getName() : undefined;
  if (fnName) {
    for (const stmt of call.getSourceFile().getVariableStatements()) {
      const calls = stmt.getDeclarations().some((d) => {
        const init = d.getInitializer();
        return init && Node.isCallExpression(init) && init.getExpression().getText() === fnName;
      });
      if (calls && stmt.getJsDocs().length) return stmt;
    }
  }
  return fn && Node.isFunctionDeclaration(fn) ? fn : direct;
}

/** @param {import('ts-morph').Node | undefined} stmt */
function tsdocOf(stmt) {
  const docs = stmt && 'getJsDocs' in stmt && typeof stmt.getJsDocs === 'function' ? stmt.getJsDocs() : [];
  const doc = docs.at(-1);
  if (!doc) return { docs: '', examples: [] };
  const examples = doc
    .getTags()
    .filter((t) => t.getTagName() === 'example')
    .map((t) => (t.getCommentText() ?? '').replace(/^\n+|\s+$/g, ''));
  return { docs: doc.getDescription().trim(), examples };
}

/**
 * The TypeScript type of each option as the transform's `visit` receives it (`ctx.options`).
 * @param {import('ts-morph').CallExpression} call
 * @returns {Map<string, string>}
 */
function optionValueTypes(call) {
  const out = new Map();
  // defineTransform returns AnyTransform & TransformDefinition<S>; the typed half holds OptionsOf<S>.
  const typed = call
    .getReturnType()
    .getIntersectionTypes()
    .find((t) => t.getSymbol()?.getName() === 'TransformDefinition');
  const visit = typed?.getProperty('visit')?.getTypeAtLocation(call);
  const ctx = visit?.getCallSignatures()[0]?.getParameters()[1];
  const options = ctx?.getTypeAtLocation(call).getProperty('options')?.getTypeAtLocation(call);
  for (const prop of options?.getProperties() ?? []) {
    out.set(prop.getName(), prop.getTypeAtLocation(call).getText(call, 1 << 30 /* no truncation */));
  }
  return out;
}

/**
 * Reads every transform defined in `files`.
 * @param {string[]} files absolute paths
 * @returns {TransformDoc[]}
 */
export function readTransformDocs(files, root = repoRoot) {
  const p = project(root);
  const sources = files.map((f) => p.addSourceFileAtPath(f));
  p.resolveSourceFileDependencies();
  /** @type {TransformDoc[]} */
  const out = [];
  for (const sf of sources) {
    const calls = sf.getDescendantsOfKind(SyntaxKind.CallExpression).filter((c) => c.getExpression().getText() === 'defineTransform');
    for (const call of calls) {
      const arg = call.getArguments()[0];
      if (!arg || !Node.isObjectLiteralExpression(arg)) throw new Error(`${where(call)}: defineTransform needs an object literal`);
      const field = (name) => {
        const prop = arg.getProperty(name);
        if (!prop || !Node.isPropertyAssignment(prop)) throw new Error(`${where(arg)}: missing "${name}"`);
        return prop.getInitializerOrThrow();
      };
      const specs = /** @type {Record<string, Record<string, unknown>>} */ (literalValue(field('options')));
      const valueTypes = optionValueTypes(call);
      const options = Object.entries(specs).map(([name, s]) => ({
        name,
        type: String(s['type']),
        valueType: valueTypes.get(name) ?? String(s['type']),
        required: s['required'] === true,
        ...(s['default'] !== undefined ? { default: s['default'] } : {}),
        description: String(s['description'] ?? ''),
        example: String(s['example'] ?? ''),
        ...(Array.isArray(s['choices']) ? { choices: s['choices'].map(String) } : {}),
      }));
      out.push({
        name: String(literalValue(field('name'))),
        displayName: String(literalValue(field('displayName'))),
        description: String(literalValue(field('description'))),
        options,
        ...tsdocOf(documentingStatement(call)),
        source: path.relative(root, sf.getFilePath()).split(path.sep).join('/'),
      });
    }
  }
  return out;
}

/** @param {string} s */
function cell(s) {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** @param {unknown} v */
function shown(v) {
  if (v === undefined) return '';
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v).map(([k, x]) => `${k}=${x}`).join(' ');
  }
  return Array.isArray(v) ? v.join(',') : String(v);
}

/**
 * One transform's section of the reference (also what `ansimod list` shows, from the registry).
 * @param {TransformDoc} t
 */
export function transformSection(t) {
  const lines = [`### \`${t.name}\` — ${t.displayName}`, '', t.description, '', `Source: [\`${t.source}\`](../${t.source})`, ''];
  if (t.docs) lines.push(t.docs, '');
  if (t.options.length) {
    lines.push('| Option | Type | Value in `ctx.options` | Required | Default | Description | Example |', '|---|---|---|---|---|---|---|');
    for (const o of t.options) {
      const type = o.choices ? `${o.type} (one of ${o.choices.join(', ')})` : o.type;
      const def = 'default' in o ? `\`${cell(shown(o.default))}\`` : '';
      lines.push(`| \`${o.name}\` | \`${cell(type)}\` | \`${cell(o.valueType)}\` | ${o.required ? 'yes' : 'no'} | ${def} | ${cell(o.description)} | \`${cell(o.example)}\` |`);
    }
    lines.push('');
  } else {
    lines.push('No options.', '');
  }
  for (const ex of t.examples) lines.push('```ts', ex, '```', '');
  return lines.join('\n');
}

/** The whole reference, as Markdown. */
export function generateTransformReference(root = repoRoot) {
  const { builtin, examples } = transformSources(root);
  const parts = [
    '# Transform reference',
    '',
    '<!-- Generated by scripts/gen-transform-reference.mjs from the defineTransform calls and their TSDoc. Do not edit: run `node scripts/gen-transform-reference.mjs`. -->',
    '',
    'Every transform takes typed options, validated before anything runs. In a recipe, options are',
    'written under a step\'s `options:`; a `map` is `{ from: to }` (on the command line `FROM=TO`).',
    'Run one with `ansimod plan --recipe FILE` (a recipe naming it) or, for a transform file of your',
    'own, `ansimod plan --transform FILE` (options at their defaults). `ansimod list` shows the same data.',
    '',
    '## Built-in transforms (`@ansimod/transforms`)',
    '',
    ...readTransformDocs(builtin, root).map(transformSection),
    '## Example transforms (`examples/transforms/`)',
    '',
    'Written against `@ansimod/core` only, as a team would write its own; each has tests beside it.',
    '',
    ...readTransformDocs(examples, root).map(transformSection),
  ];
  return `${parts.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = generateTransformReference();
  const current = existsSync(referencePath) ? readFileSync(referencePath, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== text) {
      process.stderr.write(`${path.relative(process.cwd(), referencePath)} is stale: run node scripts/gen-transform-reference.mjs\n`);
      process.exit(1);
    }
  } else if (current !== text) {
    writeFileSync(referencePath, text);
    process.stdout.write(`wrote ${path.relative(process.cwd(), referencePath)}\n`);
  }
}
