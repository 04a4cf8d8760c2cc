import { describe, expect, it } from 'vitest';
import { renderTemplate } from './renderer.js';

/** Render failures are typed values: code, kind, the construct refused, path and line. */
describe('render failures', () => {
  it.each([
    ["{{ x | my_plugin_filter }}", "filter 'my_plugin_filter'"],
    ['{% if x is my_plugin_test %}{% endif %}', "test 'my_plugin_test'"],
    ["{{ lookup('pipe', 'date') }}", "lookup('pipe'), refused by design: it runs a shell command, and verification never runs commands from the repository"],
    ["{{ lookup('file', 'motd') }}", "lookup('file'), which reads repository files (no repository given to this render)"],
    ['{% macro m() %}{{ caller() }}{% endmacro %}{{ m.caller }}', "a macro's attributes (`.caller`)"],
    ['{{ (-8) ** 0.5 }}', 'a complex number (a negative number raised to a fractional power)'],
    ["{{ '%Y' | strftime }}", '`strftime` of the current time'],
    ["{{ '%Z' | strftime(0) }}", 'the `%Z` directive of `strftime`'],
    ['{{ [1, 2, 3] | batch(4 / 2) | list }}', 'JavaScript arithmetic on the float 2.0 (in a filter that does not handle floats)'],
  ])('%s is refused by name', async (text, construct) => {
    const r = await renderTemplate(text, { x: 1, xs: [] }, { path: 'roles/r/templates/t.j2' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toEqual({ kind: 'unsupported', construct });
    expect(r.diagnostic).toMatchObject({ code: 'RENDER_UNSUPPORTED', path: 'roles/r/templates/t.j2' });
    expect(r.diagnostic.message).toContain(construct.split(' ')[0]);
  });

  it('a syntax error has its kind and line', async () => {
    const r = await renderTemplate('a\nb\n{% if %}\n', {}, { path: 't.j2' });
    expect(r.ok === false && r.failure.kind).toBe('syntax');
    expect(r.ok === false && r.diagnostic).toMatchObject({ code: 'RENDER_FAILED', path: 't.j2', line: 3 });
  });

  it('any other error is kind error', async () => {
    const r = await renderTemplate("{{ 'x' | mandatory }}{{ nope | mandatory }}", {});
    expect(r.ok === false && r.failure.kind).toBe('error');
  });
});
