import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { holdRenderSemantics, renderExpression, renderTemplate, resolveIncludePath, MAX_VARIABLE_DEPTH } from './renderer.js';
import { loadNunjucks } from './nunjucks-internals.js';
import { PyFloat } from './python-values.js';
import { bridgeJson } from './ansible-bridge.js';

async function out(text: string, vars: Record<string, unknown> = {}): Promise<string> {
  const r = await renderTemplate(text, vars);
  if (!r.ok) throw new Error(r.diagnostic.message);
  return r.output;
}

describe('Jinja2 tests', () => {
  it('defined, undefined, none', async () => {
    expect(await out('{{ a is defined }} {{ b is defined }} {{ b is undefined }} {{ a is not defined }}', { a: 1 })).toBe('True False True False');
    expect(await out('{{ n is none }} {{ a is none }} {{ b is none }}', { n: null, a: 0 })).toBe('True False False');
  });
  it('string, number', async () => {
    expect(await out("{{ 'x' is string }} {{ 1 is string }} {{ 1.5 is number }} {{ '1' is number }}")).toBe('True False True False');
  });
  it('match (anchored) and search', async () => {
    expect(await out("{{ 'registry.stg' is match('registry') }} {{ 'a.registry' is match('registry') }} {{ 'a.registry' is search('registry') }}")).toBe(
      'True False True',
    );
    expect(await out("{{ 'REG' is match('reg', ignorecase=True) }}")).toBe('True');
  });
  it('in, with and without parentheses', async () => {
    expect(await out("{{ 'b' is in ['a', 'b'] }} {{ 'z' is in('abc') }} {{ 'a' is in {'a': 1} }} {{ 'x' is not in ['x'] }}")).toBe(
      'True False True False',
    );
  });
  it('version and version_compare', async () => {
    expect(await out("{{ '1.10' is version('1.9', '>') }} {{ '2.0' is version('2.0.0', '<') }} {{ '1.2.3' is version_compare('1.2.3', '==') }} {{ '3' is version('4', 'ge') }}")).toBe(
      'True True True False',
    );
  });
});

describe('Python string methods in expressions', () => {
  it('startswith/endswith with strings and tuples', async () => {
    const vars = { h: 'buildvm-s390x-15.iad2' };
    expect(await out("{{ h.startswith('buildvm') }} {{ h.startswith(('bkernel', 'buildvm-s390x')) }} {{ h.endswith('.iad2') }} {{ h.endswith(('x', 'y')) }}", vars)).toBe(
      'True True True False',
    );
  });
  it('split, strip, lower, upper, replace, format', async () => {
    expect(await out("{{ ' a  b '.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }}")).toBe(
      "['a', 'b'] ['a', 'b', '', 'c'] ['a', 'b,c']",
    );
    expect(await out("[{{ '  x  '.strip() }}] [{{ 'xxaxx'.strip('x') }}] {{ 'Ab'.lower() }} {{ 'Ab'.upper() }}")).toBe('[x] [a] ab AB');
    expect(await out("{{ 'a.a.a'.replace('.', '-') }} {{ 'a.a.a'.replace('.', '-', 1) }}")).toBe('a-a-a a-a.a');
    expect(await out("{{ '{}-{}'.format('a', 1) }} {{ '{1}{0}'.format('a', 'b') }} {{ '{x}!'.format(x='hi') }} {{ '{{}}'.format() }}")).toBe('a-1 ba hi! {}');
  });
  it('leaves nunjucks as it found it once a render is over', async () => {
    const nj = await loadNunjucks();
    const runtimeBefore = { ...nj.runtime };
    const compilerBefore = Object.getOwnPropertyNames(nj.compiler.Compiler.prototype).map((k) => [k, nj.compiler.Compiler.prototype[k]]);
    await out("{% if 'a'.startswith('a') and not [] %}{{ ('x', 'y') | join }}{% endif %}{# c #}");
    await renderTemplate('{{ broken', {});
    expect({ ...nj.runtime }).toEqual(runtimeBefore);
    expect(Object.getOwnPropertyNames(nj.compiler.Compiler.prototype).map((k) => [k, nj.compiler.Compiler.prototype[k]])).toEqual(compilerBefore);
  });
  it('keeps its changes installed while held, for every render, and removes them with the last release', async () => {
    const nj = await loadNunjucks();
    const runtimeBefore = { ...nj.runtime };
    const outer = holdRenderSemantics();
    const inner = holdRenderSemantics();
    expect({ ...nj.runtime }).toEqual(runtimeBefore); // nothing rendered yet: nothing installed
    expect(await out("{{ 'a'.startswith('a') }}")).toBe('True');
    const installed = { ...nj.runtime };
    expect(installed).not.toEqual(runtimeBefore);
    expect(await out('{{ [] | length }}')).toBe('0');
    expect({ ...nj.runtime }).toEqual(installed); // the same installation for the next render
    inner();
    inner(); // a second call of the same release counts once
    expect({ ...nj.runtime }).toEqual(installed);
    outer();
    expect({ ...nj.runtime }).toEqual(runtimeBefore);
    expect(await out("{{ 'a'.startswith('a') }}")).toBe('True');
    expect({ ...nj.runtime }).toEqual(runtimeBefore);
  });
  it('renders from the variables without copying them and never writes to them, held or not', async () => {
    const includes = { 'inc.j2': '{{ a }}-{{ b }}{% set a = 9 %}' };
    for (const hold of [false, true]) {
      const release = hold ? holdRenderSemantics() : () => undefined;
      try {
        const vars = { a: 1, b: '{{ a }}{{ c }}', c: 'c' };
        const r = await renderTemplate("{% set a = 2 %}{{ a }} {{ b }} {% include 'inc.j2' %} {{ a }} {{ lookup('vars', 'c') }}", vars, {
          path: 'x.j2',
          resolveInclude: (name) => includes[name as keyof typeof includes],
        });
        expect(r.ok && r.output).toBe('2 1c 2-1c 2 c'); // b is templated with the inventory's a, as Ansible does
        expect(vars).toEqual({ a: 1, b: '{{ a }}{{ c }}', c: 'c' });
      } finally {
        release();
      }
    }
  });
  it('does not change String.prototype', async () => {
    await out("{{ 'a'.startswith('a') }}");
    expect((String.prototype as unknown as Record<string, unknown>).startswith).toBeUndefined();
    expect('a b'.split(' ')).toEqual(['a', 'b']);
  });
});

describe('Python values and truthiness', () => {
  it('prints booleans, lists and dicts as Python does, None as nothing (Ansible finalize)', async () => {
    expect(await out('{{ t }} {{ f }} {{ l }} {{ d }} [{{ n }}]', { t: true, f: false, l: ['a', 1], d: { k: "it's" }, n: null })).toBe(
      `True False ['a', 1] {'k': "it's"} []`,
    );
  });
  it('treats empty collections as false in if, not, and/or, inline if', async () => {
    const vars = { empty: [], full: [1], none: {} };
    expect(await out('{% if empty %}A{% else %}B{% endif %}{% if not none %}C{% endif %}{{ empty or "D" }}{{ full and "E" }}{{ "F" if empty else "G" }}', vars)).toBe('BCDEG');
  });
  it('supports tuples, ~ with Python str, % formatting and True/False/None', async () => {
    // A tuple is a list to us: it behaves like one, but prints with [] where Python prints ().
    expect(await out("{{ ('a', 'b') | join(',') }} {{ 'v' ~ True }} {{ '%s=%d' % ('x', 3) }} {{ '%(a)s' % {'a': 'y'} }} {{ None is none }}")).toBe(
      'a,b vTrue x=3 y True',
    );
  });
  it('iterates dict keys, repeats and concatenates like Python, chains and compares structurally', async () => {
    const vars = { d: { a: 1, b: 2 }, l: [1], n: null };
    expect(await out("{% for k in d %}{{ k }};{% endfor %} {{ 'x' * 3 }} {{ l + [2] }} {{ 3 > 2 > 1 }} {{ l == [1] }} {{ d == {'b': 2, 'a': 1} }}", vars)).toBe(
      'a;b; xxx [1, 2] True True True',
    );
    expect(await out('{{ 1 == 1.0 }} {{ n == none }} {{ missing == none }} {{ 1 != 2 }}', vars)).toBe('True True False True');
  });
  it('supports dict methods and slices from Jinja2', async () => {
    expect(await out("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d.get('z', 'dflt') }} {{ 'abcdef'[1:3] }} {{ [1,2,3][-2:] }}", { d: { a: 1 } })).toBe(
      "a=1; dflt bc [2, 3]",
    );
  });
});

describe('whitespace control (Ansible: trim_blocks=True, lstrip_blocks=False, trailing newline kept)', () => {
  it('removes the newline after a block tag but not the indentation before it', async () => {
    const text = 'a\n{% if env == "staging" %}\nstg\n{% endif %}\nb\n  {% if true %}\n  x\n  {% endif %}\n';
    // The template's trailing newline, eaten by trim_blocks, is added back (Ansible's preserve_trailing_newlines).
    expect(await out(text, { env: 'staging' })).toBe('a\nstg\nb\n    x\n  \n');
    expect(await out(text, { env: 'production' })).toBe('a\nb\n    x\n  \n');
  });
  it('removes the newline after a comment too, like Jinja2', async () => {
    expect(await out('a\n{# note #}\nb\n')).toBe('a\nb\n');
  });
  it('honours {%- and -%} like Jinja2', async () => {
    expect(await out('a  \n  {%- if x -%}  \n yes \n {%- endif %}\nb\n', { x: 1 })).toBe('ayesb\n');
    expect(await out('x\n{{- "y" -}}\nz')).toBe('xyz');
  });
  it('keeps the final newline or its absence, and does not add one', async () => {
    expect(await out('{"a":"{{ x }}"}', { x: 1 })).toBe('{"a":"1"}');
    expect(await out('line\n')).toBe('line\n');
  });
});

describe('undefined variables', () => {
  it('render as empty and are listed once, in order of use', async () => {
    const r = await renderTemplate('{{ b }}|{{ a }}|{{ b }}|{{ a.x }}|{% for i in c %}{{ i }}{% endfor %}', {});
    expect(r).toEqual({ ok: true, output: '||||', undefinedVars: ['b', 'a', 'c'] });
  });
  it('are not listed when the template guards them', async () => {
    const r = await renderTemplate(
      "{% if a is defined %}{{ a }}{% endif %}{{ b | default('x') }}{{ c.d | default('y') }}{% if e is not defined %}z{% endif %}{{ o.missing | default('w') }}{{ f }}",
      { o: {} },
    );
    expect(r).toEqual({ ok: true, output: 'xyzw', undefinedVars: ['f'] });
  });
  it('calling a method on an undefined value renders as false/empty and records the variable', async () => {
    const r = await renderTemplate("{% if inventory_hostname.startswith('bodhi') %}B{% else %}W{% endif %}", {});
    expect(r).toEqual({ ok: true, output: 'W', undefinedVars: ['inventory_hostname'] });
  });
  it("'in' an undefined container is false", async () => {
    expect(await renderTemplate("{{ 'runroot' in group_names }}", {})).toEqual({ ok: true, output: 'False', undefinedVars: ['group_names'] });
  });
  it('include undefined uses from variables templated on use', async () => {
    const r = await renderTemplate('{{ admin_password }}', { admin_password: '{{ ipa_prod_admin_password }}' });
    expect(r).toEqual({ ok: true, output: '', undefinedVars: ['ipa_prod_admin_password'] });
  });
});

describe('includes', () => {
  const files: Record<string, string> = {
    'roles/httpd/templates/site.conf': "top\n{% include './generic.conf' %}\nbottom {{ env }}\n",
    'roles/httpd/templates/generic.conf': "{% if env == 'production' %}\ncdn\n{% endif %}\n{% include 'sub/leaf.conf' %}\n",
    'roles/httpd/templates/sub/leaf.conf': 'leaf {{ env }}\n',
  };
  const resolveInclude = (name: string, from: string) => files[resolveIncludePath(name, from)];

  // An included template loses its final newline (Jinja2's keep_trailing_newline is off), and
  // trim_blocks removes the newline after the include tag: as ansible-core renders it.
  it('resolves names relative to the including template, recursively', async () => {
    const text = files['roles/httpd/templates/site.conf']!;
    const opts = { path: 'roles/httpd/templates/site.conf', resolveInclude };
    expect(await renderTemplate(text, { env: 'production' }, opts)).toEqual({
      ok: true,
      output: 'top\ncdn\nleaf productionbottom production\n',
      undefinedVars: [],
    });
    expect((await renderTemplate(text, { env: 'staging' }, opts)).ok && (await renderTemplate(text, { env: 'staging' }, opts))).toMatchObject({
      output: 'top\nleaf stagingbottom staging\n',
    });
  });

  it('reports a missing include as a diagnostic', async () => {
    const r = await renderTemplate("a\n{% include 'nope.conf' %}\n", {}, { path: 'roles/x/templates/a.conf', resolveInclude });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic).toMatchObject({ code: 'RENDER_FAILED', path: 'roles/x/templates/a.conf' });
      expect(r.diagnostic.message).toContain('nope.conf');
    }
    const noResolver = await renderTemplate("{% include 'x' %}", {});
    expect(noResolver.ok).toBe(false);
  });

  it('resolveIncludePath normalises ./ and ../', () => {
    expect(resolveIncludePath('./a.conf', 'r/t/x.conf')).toBe('r/t/a.conf');
    expect(resolveIncludePath('../b/a.conf', 'r/t/x.conf')).toBe('r/b/a.conf');
    expect(resolveIncludePath('a.conf', 'x.conf')).toBe('a.conf');
  });
});

describe('errors', () => {
  it('syntax errors carry the template line', async () => {
    const r = await renderTemplate('ok\nok\n{{ x + }}\n', {}, { path: 't.j2' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic).toMatchObject({ code: 'RENDER_FAILED', path: 't.j2', line: 3 });
  });
  it('unclosed blocks are errors', async () => {
    const r = await renderTemplate('{% if x %}\nno end\n', {});
    expect(r.ok).toBe(false);
  });
  it('runtime errors carry the line of the output or condition that raised them', async () => {
    const out = await renderTemplate('a\n\n{{ registry_host | mandatory }}', {}, { path: 't.j2' });
    expect(out).toMatchObject({ ok: false, diagnostic: { path: 't.j2', line: 3, column: 1 } });
    const cond = await renderTemplate('a\n{% if x | mandatory %}\n{% endif %}', {}, { path: 't.j2' });
    expect(cond).toMatchObject({ ok: false, diagnostic: { line: 2 } });
  });
  it('errors inside an included template are reported against that file', async () => {
    const syntax = await renderTemplate('a\n{% include "inc.j2" %}', {}, { path: 'd/t.j2', resolveInclude: () => 'ok\n{{ 1 + }}' });
    expect(syntax).toMatchObject({ ok: false, diagnostic: { path: 'd/inc.j2', line: 2 } });
    const runtime = await renderTemplate('a\n{% include "inc.j2" %}', {}, { path: 'd/t.j2', resolveInclude: () => 'ok\n{{ y | mandatory }}' });
    expect(runtime).toMatchObject({ ok: false, diagnostic: { path: 'd/inc.j2', line: 2 } });
  });
  it('errors inside a variable value name the variable', async () => {
    const r = await renderTemplate('a\n{{ v }}', { v: 'x{{ 1 + }}' }, { path: 't.j2' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic.path).toBe('t.j2');
      expect(r.diagnostic.message).toContain("in variable 'v'");
    }
  });
  it('unknown filters are errors', async () => {
    const r = await renderTemplate('{{ x | no_such_filter }}', { x: 1 });
    expect(!r.ok && r.diagnostic.message).toMatch(/no_such_filter/);
  });
});

describe('renderExpression', () => {
  it('evaluates a value per environment', async () => {
    const expr = 'candidate-registry{{ env_suffix }}.fedoraproject.org';
    expect(await renderExpression(expr, { env_suffix: '' })).toEqual({ ok: true, output: 'candidate-registry.fedoraproject.org', undefinedVars: [] });
    expect(await renderExpression(expr, { env_suffix: '.stg' })).toEqual({ ok: true, output: 'candidate-registry.stg.fedoraproject.org', undefinedVars: [] });
  });
  it('templates variables recursively, including inside lists and dicts', async () => {
    const vars = { a: '{{ b }}-{{ c }}', b: 'B{{ env_suffix }}', c: ['{{ env_suffix }}'], env_suffix: '.stg' };
    expect(await renderExpression('{{ a }}|{{ c[0] }}', vars)).toMatchObject({ ok: true, output: "B.stg-['.stg']|.stg" });
  });
  it('detects self-reference and excessive depth', async () => {
    const loop = await renderExpression('{{ a }}', { a: '{{ b }}', b: '{{ a }}' });
    expect(!loop.ok && loop.diagnostic.message).toMatch(/recursive loop/);
    const chain: Record<string, unknown> = { v0: 'end' };
    for (let i = 1; i <= MAX_VARIABLE_DEPTH + 2; i++) chain[`v${i}`] = `{{ v${i - 1} }}`;
    const deep = await renderExpression(`{{ v${MAX_VARIABLE_DEPTH + 2} }}`, chain);
    expect(!deep.ok && deep.diagnostic.message).toMatch(/deep/);
    const shallow = await renderExpression('{{ v5 }}', chain);
    expect(shallow).toMatchObject({ ok: true, output: 'end' });
  });
});

describe('start-up cost', () => {
  it('no module of the render layer imports nunjucks statically', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const src = readFileSync(`${dir}/${file}`, 'utf8');
      expect(src, file).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+'nunjucks'/m);
    }
  });
});

describe('a whole float from the inventory (PyFloat)', () => {
  const vars = { ratio: new PyFloat(2), zero: new PyFloat(0), big: new PyFloat(1e16) };
  it('prints as Python prints a float, alone, in a list, as JSON and YAML', async () => {
    expect(await out('{{ ratio }} {{ [ratio] }} {{ {"r": ratio} }} {{ big }} {{ ratio | string }} {{ ratio ~ "x" }}', vars)).toBe("2.0 [2.0] {'r': 2.0} 1e+16 2.0 2.0x");
    expect(await out('{{ ratio | to_json }} {{ [ratio] | to_nice_yaml }}{{ big | to_yaml }}', vars)).toBe('2.0 - 2.0\n1.0e+16\n');
  });
  it('tests, truthiness, equality and int', async () => {
    expect(await out('{{ ratio is number }} {{ ratio is float }} {{ ratio is integer }} {{ ratio == 2 }} {{ ratio | int }} {{ zero | bool }} {{ one | bool }}', { ...vars, one: new PyFloat(1) })).toBe(
      'True True False True 2 False True',
    );
    expect(await out('{% if zero %}yes{% else %}no{% endif %} {{ ratio | type_debug }}', vars)).toBe('no float');
  });
  it('stays a float through arithmetic and comparison, as in Python', async () => {
    expect(await out('{{ ratio * 2 }} {{ ratio + 1 }} {{ ratio // 1 }} {{ ratio / 4 }} {{ -zero }} {{ ratio > 1 }} {{ [ratio, 1] | max }} {{ ratio in [2] }}', vars)).toBe(
      '4.0 3.0 2.0 0.5 -0.0 True 2.0 True',
    );
  });
  it('a filter that would do JavaScript arithmetic on it is refused by name, never a silent int', async () => {
    const r = await renderTemplate('{{ [1, 2, 3] | batch(ratio) | list }}', vars);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic.message).toMatch(/JavaScript arithmetic on the float 2\.0/);
  });
  it('is written 2.0 to the ansible-core bridge', () => {
    expect(bridgeJson({ vars: { ratio: new PyFloat(2), n: 2, l: [new PyFloat(-0)] } })).toBe('{"vars":{"ratio":2.0,"n":2,"l":[-0.0]}}');
    expect(bridgeJson({ vars: { big: 12345678901234567890n, l: [-(2n ** 64n)] } })).toBe('{"vars":{"big":12345678901234567890,"l":[-18446744073709551616]}}');
  });
});

describe('lookup() and query()', () => {
  it("vars: a variable by name, templated, with default; lookup joins strings, query gives the list", async () => {
    const vars = { a: 'x', b: 'y', host: 'web{{ env_suffix }}', env_suffix: '.stg', n: 3 };
    expect(await out("{{ lookup('vars', 'a') }} {{ lookup('vars', 'a', 'b') }} {{ query('vars', 'a', 'b') }} {{ q('ansible.builtin.vars', 'host') }}", vars)).toBe("x x,y ['x', 'y'] ['web.stg']");
    expect(await out("{{ lookup('vars', 'n') + 1 }} {{ lookup('vars', 'nope', default='d') }}", vars)).toBe('4 d');
  });
  it('vars: a missing variable fails the render and is named as undefined', async () => {
    const r = await renderTemplate("{{ lookup('vars', 'nope') }}", {});
    expect(r.ok).toBe(false);
    expect(r.undefinedVars).toEqual(['nope']);
  });
  it('lookups outside the repository are refused by name: by design (pipe, password, url), or unknown; file without a repository', async () => {
    for (const [t, want] of [
      ["{{ query('pipe', 'date') }}", "query('pipe'), refused by design: it runs a shell command"],
      ["{{ lookup('ansible.builtin.password', '/dev/null') }}", "lookup('password'), refused by design"],
      ["{{ lookup('url', 'https://example.org') }}", "lookup('url'), refused by design: it fetches a URL"],
      ["{{ lookup('community.general.onepassword', 'x') }}", "lookup('community.general.onepassword'), whose result the embedded renderer does not compute (unverifiable here)"],
      ["{{ lookup('file', 'motd') }}", "lookup('file'), which reads repository files (no repository given to this render)"],
    ]) {
      const r = await renderTemplate(t as string, {});
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.failure.kind).toBe('unsupported');
        expect(r.failure.construct).toContain(want);
        expect(r.diagnostic.code).toBe('RENDER_UNSUPPORTED');
      }
    }
  });
});
