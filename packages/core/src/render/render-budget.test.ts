import { describe, expect, it } from 'vitest';
import { renderTemplate } from './renderer.js';

/** Templates that would run for minutes or take gigabytes stop at once with the budget diagnostic. */
describe('render budget', () => {
  const budget = async (text: string) => {
    const started = Date.now();
    const r = await renderTemplate(text, { xs: Array.from({ length: 10_000 }, (_, i) => i) });
    return { r, ms: Date.now() - started };
  };

  it.each([
    ['nested loops of 10^8 iterations', '{% for a in xs %}{% for b in xs %}.{% endfor %}{% endfor %}'],
    ['range(10**8)', '{% for i in range(10**8) %}{{ i }}{% endfor %}'],
    ['range(10**8) built as a list', '{{ range(10**8) | length }}'],
    ['a string of 10^9 characters', "{{ 'x' * 10**9 }}"],
    ['a list of 10^9 items', '{{ ([1] * 10**9) | length }}'],
    ['unbounded macro recursion', '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}'],
  ])('%s', async (_what, text) => {
    const { r } = await budget(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('budget');
    expect(r.diagnostic.code).toBe('RENDER_BUDGET');
    expect(r.diagnostic.message).toMatch(/render budget exceeded|call stack/);
  });

  it('leaves ordinary loops alone', async () => {
    const { r } = await budget('{% for a in xs[:100] %}{% for b in xs[:100] %}.{% endfor %}{% endfor %}');
    expect(r.ok && r.output.length).toBe(10_000);
  });
});
