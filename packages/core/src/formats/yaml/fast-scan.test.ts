import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { maskJinja } from '../../jinja/mask.js';
import { scanJinja } from '../../jinja/scanner.js';
import type { YamlModel } from './build-model.js';
import { scanBlockYaml } from './fast-scan.js';
import { JinjaTagIndex } from './jinja-context.js';
import { parseYaml } from './parse-yaml.js';
import { YamlDocument } from './YamlDocument.js';

/** The fast reader's model of `text`, or undefined when it leaves the text to the full parser. */
function fast(text: string): { documentCount: number; model: YamlModel } | undefined {
  const jinja = scanJinja(text);
  return scanBlockYaml(text, jinja.hasJinja ? maskJinja(text, jinja) : text, jinja, JinjaTagIndex.of(jinja));
}

/**
 * The property: whenever the fast reader takes a text, the full parser takes it too and builds
 * the same model — every root, pair and item with the same offsets, styles and values, and the
 * same block scalar layouts. Returns whether the fast reader took it.
 */
function agrees(text: string): boolean {
  const f = fast(text);
  if (!f) return false;
  const full = parseYaml('p.yml', text, scanJinja(text), { fast: false });
  expect(full, `the full parser rejects what the fast reader took: ${JSON.stringify(text)}`).toBeInstanceOf(YamlDocument);
  const doc = full as YamlDocument;
  const model = (doc as unknown as { model: YamlModel }).model;
  expect(f.documentCount, JSON.stringify(text)).toBe(doc.documentCount);
  expect(f.model.roots, JSON.stringify(text)).toEqual(model.roots);
  expect(f.model.pairs, JSON.stringify(text)).toEqual(model.pairs);
  expect(f.model.items, JSON.stringify(text)).toEqual(model.items);
  const blocks = (m: YamlModel, nodes: readonly { value: { kind: string } }[]) => nodes.map((n) => (n.value.kind === 'block-scalar' ? m.facts.get(n.value as never)?.block : undefined));
  expect(blocks(f.model, f.model.pairs), JSON.stringify(text)).toEqual(blocks(model, model.pairs));
  expect(blocks(f.model, f.model.items), JSON.stringify(text)).toEqual(blocks(model, model.items));
  return true;
}

const TASKS = `---
# Tasks of the web role
- name: Install packages
  package:
    name: "{{ item }}"
    state: present
  loop: [httpd, 'mod_ssl', "php"]
  tags: [web, packages]

- name: Configure
  template: src=httpd.conf.j2 dest=/etc/httpd/conf/httpd.conf   # a comment
  notify: restart httpd
  when: env == 'staging'

- block:
    - copy:
        src: a
        dest: /tmp/a
    - shell: |
        echo {{ x }}
          indented

  rescue:
  - debug: msg="failed"
  always:
  - command: >-
      /bin/true
      --flag
- include_tasks: other.yml
- import_role: { name: base, tasks_from: "main.yml" }
- 'quoted': "value with \\"escape\\" and {{ y }}"
  vars:
    empty:
    list:
    - a
    -
    - { k: v, n: [1, 2] }
`;

describe('fast YAML reader', () => {
  test('reads a typical task file exactly as the full parser', () => {
    expect(agrees(TASKS)).toBe(true);
  });

  test.each([
    ['a: |\n  x\n\nb: 1\n'],
    ['a: |+\n  x\n\nb: 1\n'],
    ['a: |-\n  x\n\n\nb: 1\n'],
    ['a: |\n  x\n  \n \nb: 1\n'],
    ['a: |\n  x\n\n  # c\nb: 1\n'],
    ['a: |\n  x\n\n# c\nb: 1\n'],
    ['a: |\n  x'],
    ['a: |+\n  x\n\n'],
    ['k: |+\n      deep\n  '],
    ['k: |\n  deep\n    '],
    ['k: |\n  a\n    \n  b\n'],
    ['k: |+\n  deep\n \n'],
    ['a:\n- x\n# c\nb: 1\n'],
    ['- x\n# c\n- y\n'],
    ['a:\n  - x\n   # c\nb: 1\n'],
    ['a:\n  - x\n  # c\n  - y\n'],
    ['---\na: 1\n'],
    ['a: 1\n---\nb: 2\n'],
    ['---\n'],
    ['--- # c\n- a\n'],
    ['- a\n---\n'],
    ['# only a comment\n'],
    [''],
    ['a: []\nb: {}\nc: [a, [b, c], {d: e}]\n'],
    ["k: 'it''s'\n"],
    ['- - a\n'],
  ])('agrees with the full parser: %j', (text) => {
    agrees(text);
  });

  test.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !unsafe "{{ x }}"\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a Jinja statement', '{% if a %}\na: 1\n{% endif %}\n'],
    ['a tab', 'a:\tb\n'],
    ['CRLF line breaks', 'a: 1\r\nb: 2\r\n'],
    ['a next-line character (a line break to YAML 1.1)', 'a: b\u0085c\n'],
    ['a line separator', 'a: b\u2028c\n'],
    ['a byte order mark', '\uFEFFa: 1\n'],
    ['a complex key', '? a\n: b\n'],
    ['a flow collection over lines', 'a: [1,\n  2]\n'],
    ['an indentation indicator', 'a: |2\n   x\n'],
    ['an indented sequence ending after a comment (the CST adds an empty entry)', 'a:\n  - x\n  # c\nb: 1\n'],
    ['YAML it must reject', 'a: b: c\n'],
    ['a mapping after a scalar', 'a: 1\n- b\n'],
  ])('leaves %s to the full parser', (_what, text) => {
    expect(fast(text)).toBeUndefined();
  });

  test('the fixture repository: every YAML file the fast reader takes, it reads as the full parser', () => {
    const root = fileURLToPath(new URL('../../../../../fixtures/ansible', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && /\.ya?ml$/.test(e.name)) files.push(p);
      }
    };
    walk(root);
    const taken = files.filter((p) => agrees(readFileSync(p, 'utf8')));
    // Not vacuous: most of the fixture's YAML is plain block style.
    expect(taken.length).toBeGreaterThan(files.length / 2);
  });

  // ---- generated block YAML ----------------------------------------------------------------

  const word = fc.stringMatching(/^[a-z][a-z0-9_./-]{0,7}$/);
  const expr = fc.constantFrom('{{ x }}', "{{ a | default('b') }}", '{{ env_suffix }}');
  const plain = fc.oneof(word, fc.tuple(word, word).map(([a, b]) => `${a} ${b}`), fc.tuple(word, expr).map(([a, e]) => `${a}${e}`), fc.constantFrom('1', 'yes', '~', 'null', '-1', 'a:b', 'x#y', 'a]b', 'é'));
  const scalar = fc.oneof(
    plain,
    fc.tuple(word, expr).map(([a, e]) => `"${a} ${e}"`),
    fc.constantFrom("'it''s'", '"tab\\there"', '"q \\" q"', "''", '""', "'{{ y }}'"),
  );
  const flow = fc.oneof(
    fc.array(scalar, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(word, scalar), { maxLength: 3 }).map((xs) => `{ ${xs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
    fc.constantFrom('[a, [b, c]]', '{ a: [1, 2], b: {c: d} }', '[a, b,]'),
  );
  const key = fc.oneof(word, fc.constantFrom('"quoted key"', "'single'", 'with space', '{{ k }}_x'));
  const comment = fc.constantFrom('', '', ' # note', ' #');
  const gap = fc.constantFrom('', '', '\n', '# c\n', '  # indented c\n');

  type Node = { t: 'scalar'; v: string } | { t: 'flow'; v: string } | { t: 'block'; h: string; lines: string[] } | { t: 'map'; es: [string, Node][] } | { t: 'seq'; xs: Node[] } | { t: 'null' };
  const { node } = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar.map((v): Node => ({ t: 'scalar', v })),
      flow.map((v): Node => ({ t: 'flow', v })),
      fc.tuple(fc.constantFrom('|', '>', '|-', '>+', '|+', '>-'), fc.array(fc.oneof(plain, fc.constant(''), fc.constant('  deeper'), fc.constant('# not a comment')), { minLength: 1, maxLength: 3 })).map(([h, lines]): Node => ({ t: 'block', h, lines })),
      fc.constant<Node>({ t: 'null' }),
      fc.array(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 3 }).map((es): Node => ({ t: 'map', es: es as [string, Node][] })),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((xs): Node => ({ t: 'seq', xs: xs as Node[] })),
    ),
  }));

  /** Writes a node as the value after `key:` or `-` at column `col` (its children indented by `step`). */
  function write(n: Node, col: number, step: number, extras: { c: string; g: string }): string {
    const pad = ' '.repeat(col + step);
    switch (n.t) {
      case 'scalar':
      case 'flow':
        return ` ${n.v}${extras.c}\n`;
      case 'null':
        return `${extras.c}\n`;
      case 'block':
        return ` ${n.h}${extras.c}\n${n.lines.map((l) => (l === '' ? '\n' : `${pad}${l}\n`)).join('')}`;
      case 'map':
        return `${extras.c}\n${n.es.map(([k, v]) => `${extras.g}${pad}${k}:${write(v, col + step, step, extras)}`).join('')}`;
      case 'seq':
        return `${extras.c}\n${n.xs.map((v) => `${extras.g}${pad}-${write(v, col + step, step, extras)}`).join('')}`;
    }
  }

  test('generated documents: whatever the fast reader takes, it reads as the full parser', () => {
    let taken = 0;
    fc.assert(
      fc.property(node, fc.constantFrom(1, 2, 4), comment, gap, fc.boolean(), (n, step, c, g, marker) => {
        const body = n.t === 'map' || n.t === 'seq' ? write(n, -step, step, { c, g }).replace(/^[^\n]*\n/, '') : `k:${write(n, 0, step, { c, g })}`;
        if (agrees(`${marker ? '---\n' : ''}${body}`)) taken++;
      }),
      { numRuns: 400 },
    );
    // Not vacuous: a good share of the generated documents is in the fast subset.
    expect(taken).toBeGreaterThan(40);
  });

  test('generated line soups: whatever the fast reader takes, it reads as the full parser', () => {
    const line = fc.constantFrom('- a', '-', '  - b', 'k: v', '  k: v', '    k:', 'k: |', 'k: |+', 'k: >-', '  text', '    text', '      deep', '', '  ', '    ', '# c', '  # c', '---', 'k: [a, b]', '- { a: 1 }', '  - k: "q"', "k: 'x'", 'k: a # c', '  -   k: v', 'k:  ', '- - x');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), fc.boolean(), (lines, lastBreak) => {
        agrees(lines.join('\n') + (lastBreak ? '\n' : ''));
      }),
      { numRuns: 3000 },
    );
  });
});
