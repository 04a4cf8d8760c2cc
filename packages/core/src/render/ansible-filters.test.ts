import { describe, expect, it } from 'vitest';
import { renderTemplate } from './renderer.js';

/** Renders `text` and returns its output, failing the test on a render error. */
async function out(text: string, vars: Record<string, unknown> = {}): Promise<string> {
  const r = await renderTemplate(text, vars);
  if (!r.ok) throw new Error(r.diagnostic.message);
  return r.output;
}

const nested = { b: [1, 2], a: { c: 'x', l: [{ k: 1, j: 'y z' }] }, e: [], f: {}, s: 'yes', n: null };

describe('Ansible filters (expected outputs taken from Ansible/Jinja2/PyYAML)', () => {
  it('b64encode / b64decode', async () => {
    expect(await out('{{ "user:pässword" | b64encode }}')).toBe('dXNlcjpww6Rzc3dvcmQ=');
    expect(await out('{{ "dXNlcjpww6Rzc3dvcmQ=" | b64decode }}')).toBe('user:pässword');
    expect(await out('{{ u ~ ":" ~ p | b64encode }}', { u: 'a', p: 'b' })).toBe('a:Yg==');
    expect(await out('{{ (u ~ ":" ~ p) | b64encode }}', { u: 'a', p: 'b' })).toBe('YTpi');
  });

  it('ternary, including the none branch', async () => {
    expect(await out("{{ (env == 'staging') | ternary('s', 'p') }}", { env: 'staging' })).toBe('s');
    expect(await out("{{ (env == 'staging') | ternary('s', 'p') }}", { env: 'production' })).toBe('p');
    expect(await out("{{ x | ternary('t', 'f', 'n') }}", { x: null })).toBe('n');
    expect(await out("{{ [] | ternary('t', 'f') }}")).toBe('f');
  });

  it('bool', async () => {
    expect(await out("{{ 'yes' | bool }} {{ 'On' | bool }} {{ '1' | bool }} {{ 'no' | bool }} {{ 0 | bool }} {{ 1 | bool }}")).toBe(
      'True True True False False True',
    );
  });

  it('to_json and to_nice_json', async () => {
    expect(await out('{{ d | to_json }}', { d: { b: [1, true], a: 'é' } })).toBe('{"b": [1, true], "a": "\\u00e9"}');
    expect(await out('{{ d | to_nice_json }}', { d: nested })).toBe(
      '{\n    "a": {\n        "c": "x",\n        "l": [\n            {\n                "j": "y z",\n                "k": 1\n            }\n        ]\n    },\n    "b": [\n        1,\n        2\n    ],\n    "e": [],\n    "f": {},\n    "n": null,\n    "s": "yes"\n}',
    );
    expect(await out('{{ d | to_nice_json(indent=2) }}', { d: { a: [1] } })).toBe('{\n  "a": [\n    1\n  ]\n}');
  });

  it('to_yaml and to_nice_yaml', async () => {
    expect(await out('{{ d | to_nice_yaml }}', { d: nested })).toBe(
      "a:\n    c: x\n    l:\n    -   j: y z\n        k: 1\nb:\n- 1\n- 2\ne: []\nf: {}\nn: null\ns: 'yes'\n",
    );
    expect(await out('{{ d | to_yaml }}', { d: nested })).toBe(
      "a:\n  c: x\n  l:\n  - {j: y z, k: 1}\nb: [1, 2]\ne: []\nf: {}\nn: null\ns: 'yes'\n",
    );
    // ansible-core 2.14 renders a scalar without PyYAML's document end marker.
    expect(await out('{{ "abc" | to_yaml }}')).toBe('abc\n');
    expect(await out('{{ d | to_nice_yaml }}', { d: [[1, 2], [3]] })).toBe('-   - 1\n    - 2\n-   - 3\n');
  });

  it('regex_replace with Python syntax, flags and keyword arguments', async () => {
    expect(await out("{{ 'candidate-registry.stg.fedoraproject.org' | regex_replace('\\\\.stg\\\\.', '.') }}")).toBe(
      'candidate-registry.fedoraproject.org',
    );
    expect(await out("{{ 'ab-12' | regex_replace('(?P<w>[a-z]+)-(\\\\d+)', '\\\\g<2>-\\\\1') }}")).toBe('12-ab');
    expect(await out("{{ 'ABC' | regex_replace('b', 'x', ignorecase=True) }}")).toBe('AxC');
    expect(await out("{{ 'a$b' | regex_replace('b', '$') }}")).toBe('a$$');
    expect(await out("{{ 'aaa' | regex_replace('a', 'b') }}")).toBe('bbb');
  });

  it('regex_search, whole match, groups and no match', async () => {
    expect(await out("{{ 'registry.stg.example.org' | regex_search('\\\\.(stg)\\\\.') }}")).toBe('.stg.');
    expect(await out("{{ 'registry.stg.example.org' | regex_search('(\\\\w+)\\\\.(?P<e>stg)', '\\\\1', '\\\\g<e>') }}")).toBe(
      "['registry', 'stg']",
    );
    expect(await out("{{ 'abc' | regex_search('z') }}|{{ 'abc' | regex_search('z') is none }}")).toBe('|True');
  });

  it('default and d, with the boolean argument', async () => {
    expect(await out("{{ missing | default('x') }}|{{ missing | d('y') }}")).toBe('x|y');
    expect(await out("{{ empty | default('x') }}|{{ empty | default('x', true) }}|{{ lst | d('z', true) }}", { empty: '', lst: [] })).toBe(
      '|x|z',
    );
    expect(await out("{{ zero | default('x', boolean=True) }}", { zero: 0 })).toBe('x');
    expect(await out("{{ missing | default(omit_me) }}")).toBe('');
  });

  it('mandatory', async () => {
    expect(await out('{{ v | mandatory }}', { v: 'ok' })).toBe('ok');
    const r = await renderTemplate('a\n{{ registry_host | mandatory }}', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic.message).toContain("Mandatory variable 'registry_host' not defined.");
    const custom = await renderTemplate("{{ x | mandatory('set x please') }}", {});
    expect(!custom.ok && custom.diagnostic.message).toContain('set x please');
  });

  it('quote (shlex.quote)', async () => {
    expect(await out("{{ \"it's\" | quote }} {{ 'a b' | quote }} {{ 'ok-1.2' | quote }} {{ '' | quote }}")).toBe(
      `'it'"'"'s' 'a b' ok-1.2 ''`,
    );
  });

  it('lower, upper, join, replace, trim', async () => {
    expect(await out("{{ 'MiXed' | lower }} {{ 'MiXed' | upper }} {{ true | lower }}")).toBe('mixed MIXED true');
    expect(await out("{{ ['a', 1, true] | join(',') }}|{{ [1, 2] | join }}")).toBe('a,1,True|12');
    expect(await out("{{ users | join(' ', attribute='name') }}", { users: [{ name: 'a' }, { name: 'b' }] })).toBe('a b');
    expect(await out("{{ 'a.b.c' | replace('.', '-') }}|{{ 'a.b.c' | replace('.', '-', 1) }}")).toBe('a-b-c|a-b.c');
    expect(await out("{{ '  x \\n' | trim }}|{{ '--x--' | trim('-') }}")).toBe('x|x');
  });

  it('int, string, list', async () => {
    expect(await out("{{ '42' | int + 1 }} {{ '3.7' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ '0x1A' | int(0, 16) }}")).toBe('43 3 0 7 26');
    expect(await out("{{ 5 | string ~ 'x' }} {{ true | string }} {{ none | string }}")).toBe('5x True None');
    expect(await out("{{ 'ab' | list }} {{ {'k': 1, 'j': 2} | list }} {{ [1] | list }}")).toBe("['a', 'b'] ['k', 'j'] [1]");
  });

  it('dict2items, items2dict, combine', async () => {
    expect(await out('{{ d | dict2items }}', { d: { a: 1, b: 'x' } })).toBe("[{'key': 'a', 'value': 1}, {'key': 'b', 'value': 'x'}]");
    expect(await out("{{ d | dict2items(key_name='k', value_name='v') }}", { d: { a: 1 } })).toBe("[{'k': 'a', 'v': 1}]");
    expect(await out("{{ [{'key': 'a', 'value': 1}] | items2dict }}")).toBe("{'a': 1}");
    expect(await out("{{ [{'n': 'a', 'v': 1}] | items2dict(key_name='n', value_name='v') }}")).toBe("{'a': 1}");
    expect(await out('{{ a | combine(b) }}', { a: { x: 1, n: { p: 1 } }, b: { y: 2, n: { q: 2 } } })).toBe("{'x': 1, 'n': {'q': 2}, 'y': 2}");
    expect(await out('{{ a | combine(b, recursive=True) }}', { a: { n: { p: 1 } }, b: { n: { q: 2 } } })).toBe("{'n': {'p': 1, 'q': 2}}");
  });

  it('basename, dirname (Python os.path)', async () => {
    expect(await out("{{ '/etc/pki/a.cert' | basename }}|{{ '/a/b/' | basename }}|{{ '/a/b/' | dirname }}|{{ 'a' | dirname }}|{{ '/a' | dirname }}")).toBe(
      'a.cert||/a/b||/',
    );
  });

  it('password_hash is a deterministic, well-formed stand-in', async () => {
    const first = await out("{{ 'secret' | password_hash('sha512') }}");
    expect(first).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(await out("{{ 'secret' | password_hash('sha512') }}")).toBe(first);
    expect(await out("{{ 'secret' | password_hash('sha512', 'mysalt') }}")).toMatch(/^\$6\$mysalt\$/);
    expect(await out("{{ 'other' | password_hash }}")).not.toBe(first);
  });

  it('hash', async () => {
    expect(await out("{{ 'abc' | hash }}")).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(await out("{{ 'abc' | hash('md5') }}")).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('urlsplit (urllib.parse.urlsplit)', async () => {
    const url = 'https://user:pw@Registry.Example.org:5000/v2/x?q=1#f';
    expect(await out("{{ u | urlsplit('hostname') }} {{ u | urlsplit('port') }} {{ u | urlsplit('path') }} {{ u | urlsplit('scheme') }}", { u: url })).toBe(
      'registry.example.org 5000 /v2/x https',
    );
    expect(await out('{{ (u | urlsplit).netloc }} {{ (u | urlsplit).query }} {{ (u | urlsplit).fragment }}', { u: url })).toBe(
      'user:pw@Registry.Example.org:5000 q=1 f',
    );
    expect(await out("{{ 'https://registry.fedoraproject.org/' | urlsplit('port') is none }}")).toBe('True');
  });

  it('map, select, selectattr, unique, flatten', async () => {
    expect(await out("{{ xs | map(attribute='h') | list }}", { xs: [{ h: 'a' }, { h: 'b' }] })).toBe("['a', 'b']");
    expect(await out("{{ ['A', 'B'] | map('lower') | join }}")).toBe('ab');
    expect(await out("{{ ['a', '', 'b'] | select | list }}")).toBe("['a', 'b']");
    expect(await out("{{ xs | selectattr('env', 'equalto', 'stg') | map(attribute='h') | list }}", { xs: [{ h: 'a', env: 'stg' }, { h: 'b', env: 'prod' }] })).toBe(
      "['a']",
    );
    expect(await out('{{ [1, 2, 1] | unique }} {{ [1, [2, [3]]] | flatten }}')).toBe('[1, 2] [1, 2, 3]');
  });
});
