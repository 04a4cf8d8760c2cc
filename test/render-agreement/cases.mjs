// @ts-check
/**
 * The agreement harness's cases: the hand-written ones in `cases/*.yaml` and the generated ones
 * below, each a template, its variables and the files it includes. Both the unit test (which
 * renders them with ansimod) and `scripts/render-regen.mjs` (which renders them with ansible-core
 * and records the outputs in `ansible-outputs.json`) read them from here.
 *
 * A case file is a YAML list of `{ name, template, vars?, files? }` (or `{ vars, cases }`, the
 * vars shared by its cases); names are unique across files
 * (the file's name prefixes them: `loops/loop-index`).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the recorded ansible-core outputs live. */
export const FIXTURE_PATH = join(here, 'ansible-outputs.json');

/**
 * @typedef {{ name: string, template: string, vars: Record<string, unknown>, files: Record<string, string> }} AgreementCase
 */

/** @returns {AgreementCase[]} */
function handWritten() {
  const dir = join(here, 'cases');
  /** @type {AgreementCase[]} */
  const out = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const group = file.replace(/\.yaml$/, '');
    const doc = parse(readFileSync(join(dir, file), 'utf8'));
    const list = Array.isArray(doc) ? doc : doc?.cases;
    const defaults = Array.isArray(doc) ? {} : (doc?.vars ?? {});
    if (!Array.isArray(list)) throw new Error(`${file}: expected a list of cases, or { vars, cases }`);
    for (const c of list) {
      if (typeof c?.name !== 'string' || typeof c?.template !== 'string') throw new Error(`${file}: a case needs name and template: ${JSON.stringify(c)}`);
      out.push({ name: `${group}/${c.name}`, template: c.template, vars: { ...defaults, ...(c.vars ?? {}) }, files: c.files ?? {} });
    }
  }
  return out;
}

/** Whitespace control: every statement kind with each of `{%`/`{%-` and `%}`/`-%}`, inside text. */
function whitespaceCases() {
  /** @type {AgreementCase[]} */
  const out = [];
  const statements = [
    ['if', '{OPEN} if x {CLOSE}', '{OPEN} endif {CLOSE}'],
    ['for', '{OPEN} for i in xs {CLOSE}', '{OPEN} endfor {CLOSE}'],
    ['set', '{OPEN} set y = 1 {CLOSE}', ''],
  ];
  const opens = [['', '{%'], ['minus', '{%-']];
  const closes = [['', '%}'], ['minus', '-%}']];
  const bodies = [['inline', 'a {S}b{E} c\n'], ['lines', 'a\n  {S}\n  b\n  {E}\nc\n'], ['blank', 'a\n\n{S}\n\nb\n\n{E}\n\nc\n\n']];
  for (const [kind, start, end] of statements) {
    for (const [on, open] of opens) {
      for (const [cn, close] of closes) {
        for (const [bn, body] of bodies) {
          const s = start.replace('{OPEN}', open).replace('{CLOSE}', close);
          const e = end === '' ? '' : end.replace('{OPEN}', open).replace('{CLOSE}', close);
          out.push({
            name: `generated/ws-${kind}-${on || 'plain'}-${cn || 'plain'}-${bn}`,
            template: body.replace('{S}', s).replace('{E}', e),
            vars: { x: true, xs: [1, 2] },
            files: {},
          });
        }
      }
    }
  }
  return out;
}

/** Values of each Python type printed, tested and passed through common filters. */
function valueCases() {
  /** @type {[string, unknown][]} */
  const values = [
    ['str', 'Hello World'], ['empty', ''], ['int', 42], ['neg', -7], ['float', 2.5],
    ['true', true], ['false', false], ['null', null], ['list', [3, 1, 2]], ['empty-list', []],
    ['dict', { b: 2, a: 1 }], ['nested', { a: [1, { b: 'c' }] }], ['strlist', ['b', 'a', 'b']],
  ];
  const exprs = [
    ['print', '{{ v }}'], ['string', '{{ v | string }}'], ['bool', '{{ v | bool }}'], ['length', '{{ v | length }}'],
    ['if', '{% if v %}yes{% else %}no{% endif %}'], ['is-string', '{{ v is string }}'], ['is-number', '{{ v is number }}'],
    ['is-mapping', '{{ v is mapping }}'], ['is-iterable', '{{ v is iterable }}'], ['is-sequence', '{{ v is sequence }}'],
    ['to-json', '{{ v | to_json }}'], ['to-yaml', '{{ v | to_yaml }}'], ['to-nice-yaml', '{{ v | to_nice_yaml }}'],
    ['default', '{{ v | default("d") }}'], ['default-true', '{{ v | default("d", true) }}'], ['list-filter', '{{ v | list }}'],
    ['tojson', '{{ v | tojson }}'], ['eq-none', '{{ v == none }}'], ['concat', '{{ "<" ~ v ~ ">" }}'], ['is-none', '{{ v is none }}'],
    ['to-nice-json', '{{ v | to_nice_json }}'], ['type-debug', '{{ v | type_debug }}'],
  ];
  /** @type {AgreementCase[]} */
  const out = [];
  for (const [vn, v] of values) {
    for (const [en, e] of exprs) out.push({ name: `generated/value-${vn}-${en}`, template: `${e}\n`, vars: { v }, files: {} });
  }
  return out;
}

/**
 * Python's numbers: every arithmetic operator with a left operand of each kind (int, negative,
 * bool, whole and fractional float, ints past 2**53) against right operands of each kind, and each
 * operand printed, converted, tested and serialised.
 */
function numberCases() {
  const operands = [
    ['int', '7'], ['neg', '-7'], ['bool', 'true'], ['whole-float', '2.0'], ['neg-float', '-2.5'], ['half', '0.5'],
    ['big', '2 ** 64'], ['neg-big', '-(2 ** 63)'], ['past-2-53', '9007199254740993'], ['zero-float', '-0.0'],
  ];
  const rights = ['2', '-3', '2.0', '0.5', 'true', '2 ** 64 + 1', '-1.5'];
  const ops = [['add', '+'], ['sub', '-'], ['mul', '*'], ['div', '/'], ['floordiv', '//'], ['mod', '%'], ['lt', '<'], ['eq', '==']];
  /** @type {AgreementCase[]} */
  const out = [];
  for (const [on, op] of ops) {
    for (const [ln, left] of operands) {
      const template = `${rights.map((r) => `{{ (${left}) ${op} (${r}) }}`).join(' ')}\n`;
      out.push({ name: `generated/number-${on}-${ln}`, template, vars: {}, files: {} });
    }
  }
  // `**`: small exponents (a negative base with a fractional exponent is complex in Python).
  for (const [ln, left] of operands) {
    const exps = ['2', '3.0', '-1', '0', ...(left.startsWith('-') ? [] : ['0.5'])];
    out.push({ name: `generated/number-pow-${ln}`, template: `${exps.map((e) => `{{ (${left}) ** ${e} }}`).join(' ')}\n`, vars: {}, files: {} });
  }
  const views = [
    '{{ x }}', '{{ -x }}', '{{ x | int }}', '{{ x | float }}', '{{ x | abs }}', '{{ x | round }}', '{{ x | round(1) }}', '{{ x | string }}',
    '{{ [x] }}', '{{ {"k": x} }}', '{{ x | to_json }}', '{{ x is float }}', '{{ x is integer }}', '{{ x == 2 }}', '{{ x < 3 }}',
    '{{ x | bool }}', '{{ "%s|%d|%.2f" % (x, x, x) }}', '{{ [x, 1] | max }}', '{{ [x, 1] | sum }}', '{{ x in [2, 7] }}',
  ];
  for (const [ln, left] of operands) {
    out.push({ name: `generated/number-views-${ln}`, template: `{% set x = ${left} %}${views.join(' ')}\n{{ x | to_yaml }}`, vars: {}, files: {} });
  }
  return out;
}

/** `wordwrap` of hyphenated, dashed and long words at every width from 1 to 12, breaking on hyphens or not. */
function wordwrapCases() {
  const text = 'a well-known x-ray--test of long-standing, user-facing e-mail re-entry; abcdefghij-klm 12-34 --- end-';
  /** @type {AgreementCase[]} */
  const out = [];
  for (let width = 1; width <= 12; width++) {
    out.push({
      name: `generated/wordwrap-${width}`,
      template: `{{ t | wordwrap(${width}, wrapstring='|') }}\n{{ t | wordwrap(${width}, false, '|') }}\n{{ t | wordwrap(${width}, wrapstring='|', break_on_hyphens=false) }}\n`,
      vars: { t: text },
      files: {},
    });
  }
  return out;
}

/** Seeded `shuffle` and `random` for seeds of every kind: short and long strings, ints of one word and of many. */
function randomCases() {
  // Not '' nor 0: `shuffle` takes a false seed as none, and Ansible's order then changes on every run.
  const seeds = ["'a'", "'web01.iad2.fedoraproject.org'", "'é✓'", `'${'x'.repeat(3000)}'`, '1', '-1', '4294967295', '4294967296', '2 ** 64 - 1', '3 ** 500', 'true'];
  /** @type {AgreementCase[]} */
  const out = [];
  seeds.forEach((seed, i) => {
    out.push({
      name: `generated/random-seed-${i}`,
      template: `{{ range(12) | shuffle(seed=${seed}) }} {{ 1000 | random(seed=${seed}) }} {{ (2 ** 40) | random(seed=${seed}) }} {{ 30 | random(5, 5, seed=${seed}) }} {{ 'abcdefgh' | random(seed=${seed}) }}\n`,
      vars: {},
      files: {},
    });
  });
  return out;
}

/**
 * Every case, hand-written first, in a stable order.
 * @returns {AgreementCase[]}
 */
export function agreementCases() {
  const all = [...handWritten(), ...whitespaceCases(), ...valueCases(), ...numberCases(), ...wordwrapCases(), ...randomCases()];
  const seen = new Set();
  for (const c of all) {
    if (seen.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    seen.add(c.name);
  }
  return all;
}

/**
 * The fingerprint of a case's inputs, recorded beside Ansible's output so that a changed case
 * whose output was not regenerated is noticed.
 * @param {AgreementCase} c
 */
export function caseKey(c) {
  return createHash('sha256').update(JSON.stringify([c.template, c.vars, c.files])).digest('hex').slice(0, 16);
}
