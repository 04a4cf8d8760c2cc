/**
 * Differential check of scanJinja against Jinja2's own lexer (python3 + jinja2 required; not in CI).
 * Compares tag segmentation on template trees, on tricky samples and on random templates made
 * mostly of delimiters, quotes and brackets. See offline.vitest.config.ts for how to run.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { scanJinja } from '../scanner.js';
import { JINJA2_GOLDEN } from './jinja2-golden.js';

interface Jinja2Result {
  tags: Array<[string, string]>;
  lexError: string | null;
  openAtEnd: boolean;
  parseError: string | null;
}

const here = fileURLToPath(new URL('.', import.meta.url));
// Template trees to compare on, given by the caller (AGREEMENT_DIRS=dir1:dir2); none by default.
const dirs = (process.env['AGREEMENT_DIRS'] ?? '').split(':').filter(Boolean);
const fuzzCount = Number(process.env['AGREEMENT_FUZZ'] ?? '20000');

export const TRICKY: readonly string[] = [
  `{{ "}}" }}`,
  `{{ '}}' ~ "%}" }}`,
  `{{ 'it\\'s' }}{{ "a\\"}}" }}`,
  `{% set x = "%}" %}`,
  `{{ {'a': {'b': 1}}}}`,
  `{{ [1, 2][0]}}`,
  `{%- if a -%}\n  x\n{%+ else +%}\n{%- endif %}`,
  `{{- x -}} {{ -1 }} {{ a-}}`,
  `{# a "#}" #}`,
  `{#- multi\nline -#}`,
  `{% raw %}{{ not a tag }}{% endraw %}`,
  `{%- raw -%}\n  {% if %}\n{%- endraw -%}`,
  `{%raw%}{%endraw%}`,
  `{% raw +%}x{% endraw %}`,
  `{{{ x }}}`,
  `{ {% x %} }`,
  `{{ x }`,
  `{{ "unterminated }}`,
  `{% if a %}{% endfor %}`,
  `{% set a %}b{% endset %}{% set c = d %}`,
  `key: {{ a |\n  default("}}") }}\n`,
  `{{ x }}\r\n{% if y %}\r\n{% endif %}\r\n`,
  `a {{ b`,
  `{{ a % b }}{% x %%}`,
  `{% a 1e+%}`,
  '{%\x1craw\x85%}{{x}}{%\x0cendraw\x1f%}',
  '{%\u3000raw%}a{%endraw\u2028%}',
  '{%\ufeffraw%}{{x}}{%endraw%}',
];

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...listFiles(path));
    else if (st.isFile() && st.size < 5_000_000) out.push(path);
  }
  return out;
}

/** Deterministic PRNG (mulberry32) so a failing sample can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '{', '}', '{{', '}}', '{%', '%}', '{#', '#}', '-', '+', '%', '#', "'", '"', '\\', '(', ')', '[', ']',
  ' ', ' ', '\n', '\r\n', 'a', 'x1', 'raw', 'endraw', 'if', 'endif', 'for', 'endfor', 'else', '=', '|',
  '{% raw %}', '{% endraw %}', '{{ x }}', '{% if a %}', '{% endif %}', '"}}"', "'%}'",
];

const OPEN: ReadonlyArray<[open: string, branches: string[], end: string]> = [
  ['if a', ['elif b', 'else'], 'endif'],
  ['for x in xs', ['else'], 'endfor'],
  ['macro m(a)', [], 'endmacro'],
  ['call m(1)', [], 'endcall'],
  ['filter upper', [], 'endfilter'],
  ['set s', [], 'endset'],
  ['set t = 1', [], ''],
  ['with a = 1', [], 'endwith'],
  ['autoescape true', [], 'endautoescape'],
  ['raw', [], 'endraw'],
];
const STRAY = ['else', 'elif c', 'endif', 'endfor', 'endmacro', 'endset', 'pluralize', 'endraw'];

/**
 * Nested blocks (plus `{% block %}` with unique names and `{% trans %}` with plain bodies, as Jinja2
 * requires), then random damage: dropped or swapped end tags, stray branch and end tags.
 */
function blockSamples(count: number): string[] {
  const rand = prng(8300);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  let blockName = 0;
  const damage = (tag: string): string => {
    const r = rand();
    if (r < 0.04) return '';
    if (r < 0.07) return `{% ${pick(STRAY)} %}`;
    if (r < 0.09) return tag + `{% ${pick(STRAY)} %}`;
    return tag;
  };
  const body = (depth: number): string => {
    let out = '';
    const n = Math.floor(rand() * 4);
    for (let k = 0; k < n; k++) {
      const r = rand();
      if (depth > 3 || r < 0.3) out += pick(['x\n', '{{ v }}', ' ', '{# c #}']);
      else if (r < 0.35) out += damage(`{% block b${blockName++} %}`) + body(depth + 1) + damage('{% endblock %}');
      else if (r < 0.4) {
        out += damage('{% trans count=n %}') + 'one' + (rand() < 0.5 ? damage('{% pluralize %}') + 'many' : '') + damage('{% endtrans %}');
      } else {
        const [open, branches, end] = pick(OPEN);
        if (open === 'raw') {
          out += damage('{% raw %}') + pick(['', '{{ x }}', '{% if %}']) + damage('{% endraw %}');
          continue;
        }
        out += damage(`{% ${open} %}`) + body(depth + 1);
        for (const b of branches) if (rand() < 0.5) out += damage(`{% ${b} %}`) + body(depth + 1);
        if (end) out += damage(`{% ${end} %}`);
      }
    }
    return out;
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    blockName = 0;
    out.push(body(0));
  }
  return out;
}

function fuzzSamples(count: number): string[] {
  const rand = prng(20230830);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const len = 1 + Math.floor(rand() * 24);
    let s = '';
    for (let j = 0; j < len; j++) s += PIECES[Math.floor(rand() * PIECES.length)];
    out.push(s);
  }
  return out;
}

/**
 * Jinja2 quirk: its lexer stops without error when the text ends right after `{#` or `{% raw %}`
 * (no char left for its "missing end" rule), and the parser accepts that. We report those as
 * never closed, deliberately.
 */
const JINJA2_ACCEPTS_AT_END = /(?:\{#[-+]?|\{%[-+]?\s*raw\s*-?%\}\s*)$/;

/** Known difference: we do not report non-ASCII chars that Jinja2 rejects inside tags (see README). */
const NON_ASCII_REJECTED = /^unexpected char '\\u[0-9a-f]{4}'/;

const normalize = (s: string): string => s.replace(/\r\n?/g, '\n');

function ourTags(text: string): Array<[string, string]> {
  return scanJinja(text)
    .tokens.filter((t) => t.kind !== 'text')
    .map((t) => [t.kind, normalize(text.slice(t.start, t.end))] as [string, string])
    .map(([kind, src]) => [kind, kind === 'raw' ? src.trim() : src] as [string, string])
    .filter(([kind, src]) => !(kind === 'raw' && src === ''));
}

function theirTags(r: Jinja2Result): Array<[string, string]> {
  return r.tags
    .map(([kind, src]) => [kind, kind === 'raw' ? src.trim() : src] as [string, string])
    .filter(([kind, src]) => !(kind === 'raw' && src === ''));
}

function jinja2(sources: string[]): Jinja2Result[] {
  const out = execFileSync('python3', [join(here, 'jinja2_segments.py')], {
    input: JSON.stringify(sources),
    maxBuffer: 1 << 30,
  });
  return JSON.parse(out.toString('utf8')) as Jinja2Result[];
}

interface Tally {
  samples: number;
  segmentationAgrees: number;
  segmentationDiffers: Array<{ name: string; ours: unknown; theirs: unknown }>;
  lexErrorsBothReport: number;
  lexErrorOnlyJinja2: Array<{ name: string; error: string }>;
  falseErrors: Array<{ name: string; ours: string[] }>;
  parseErrorsWeMiss: number;
  jinja2ParseErrors: number;
}

function compare(names: string[], sources: string[]): Tally {
  const results = jinja2(sources);
  const tally: Tally = {
    samples: sources.length,
    segmentationAgrees: 0,
    segmentationDiffers: [],
    lexErrorsBothReport: 0,
    lexErrorOnlyJinja2: [],
    falseErrors: [],
    parseErrorsWeMiss: 0,
    jinja2ParseErrors: 0,
  };
  sources.forEach((text, k) => {
    const r = results[k] as Jinja2Result;
    const name = names[k] as string;
    const scan = scanJinja(text);
    const ours = ourTags(text);
    const theirs = theirTags(r);
    const lexFails = r.lexError !== null || r.openAtEnd;
    const oursLex = scan.errors.filter(
      (e) => e.code === 'JINJA_UNTERMINATED' || e.code === 'JINJA_SYNTAX' || e.message.startsWith('{% raw %}'),
    );
    const same = lexFails
      ? JSON.stringify(ours.slice(0, theirs.length)) === JSON.stringify(theirs)
      : JSON.stringify(ours) === JSON.stringify(theirs);
    if (same) tally.segmentationAgrees++;
    else tally.segmentationDiffers.push({ name, ours, theirs });
    if (lexFails) {
      if (oursLex.length > 0) tally.lexErrorsBothReport++;
      else if (!NON_ASCII_REJECTED.test(r.lexError ?? '')) {
        tally.lexErrorOnlyJinja2.push({ name, error: r.lexError ?? 'ends inside a tag' });
      }
    } else if (oursLex.length > 0 && !JINJA2_ACCEPTS_AT_END.test(text)) {
      tally.falseErrors.push({ name, ours: oursLex.map((e) => e.message) });
    }
    if (r.parseError === null && scan.errors.length > 0 && !JINJA2_ACCEPTS_AT_END.test(text)) {
      tally.falseErrors.push({ name, ours: scan.errors.map((e) => e.message) });
    }
    if (r.parseError !== null) tally.jinja2ParseErrors++;
    if (r.parseError !== null && scan.errors.length === 0) tally.parseErrorsWeMiss++;
  });
  return tally;
}

function summary(label: string, t: Tally): string {
  return [
    `${label}: ${t.samples} samples (${t.jinja2ParseErrors} rejected by Jinja2), segmentation agrees on ${t.segmentationAgrees}`,
    `  lexer errors reported by both: ${t.lexErrorsBothReport}; only by Jinja2: ${t.lexErrorOnlyJinja2.length}`,
    `  errors we report where Jinja2 parses fine: ${t.falseErrors.length}`,
    `  Jinja2 parse errors we do not report (expression syntax, unknown tags): ${t.parseErrorsWeMiss}`,
    ...t.segmentationDiffers.slice(0, 5).map((d) => `  DIFF ${d.name}: ours ${JSON.stringify(d.ours)} theirs ${JSON.stringify(d.theirs)}`),
    ...t.lexErrorOnlyJinja2.slice(0, 5).map((d) => `  ONLY-JINJA2 ${d.name}: ${d.error}`),
    ...t.falseErrors.slice(0, 5).map((d) => `  FALSE-ERROR ${d.name}: ${d.ours.join('; ')}`),
  ].join('\n');
}

test('scanJinja agrees with Jinja2 on real templates, tricky samples and random templates', () => {
  const files = dirs.flatMap(listFiles);
  const tallies: Array<[string, Tally]> = [
    ['files', compare(files, files.map((f) => readFileSync(f, 'utf8')))],
    ['tricky', compare(TRICKY.map((_, k) => `tricky#${k}`), [...TRICKY])],
  ];
  const fuzz = fuzzSamples(fuzzCount);
  tallies.push(['fuzz', compare(fuzz.map((s) => JSON.stringify(s)), fuzz)]);
  const blocks = blockSamples(fuzzCount / 4);
  const blockTally = compare(blocks.map((s) => JSON.stringify(s)), blocks);
  tallies.push(['blocks', blockTally]);
  const golden = jinja2(JINJA2_GOLDEN.map((g) => g.template));
  JINJA2_GOLDEN.forEach((g, k) => expect(theirTags(golden[k] as Jinja2Result)).toEqual(g.tags));
  console.log(`golden: ${JINJA2_GOLDEN.length} samples still match Jinja2`);
  for (const [label, t] of tallies) console.log(summary(label, t));
  // Block structure is all the scanner checks there, so every Jinja2 parse error must be ours too.
  expect(blockTally.parseErrorsWeMiss).toBe(0);
  for (const [, t] of tallies) {
    expect(t.segmentationDiffers).toEqual([]);
    expect(t.lexErrorOnlyJinja2).toEqual([]);
    expect(t.falseErrors).toEqual([]);
  }
});
