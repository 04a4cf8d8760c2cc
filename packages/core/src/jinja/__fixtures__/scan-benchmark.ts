/** Throughput of scanJinja / maskJinja on 1 MB inputs (not in CI; see offline.vitest.config.ts). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { maskJinja } from '../mask.js';
import { scanJinja } from '../scanner.js';

const TEMPLATE_CHUNK = `---
# {{ ansible_managed }}
- name: deploy {{ app_name }}
  hosts: "{{ target_hosts | default('all') }}"
  vars:
    image: "{{ registry }}/flatpak/{{ name }}:{{ tag | default('latest') }}"
{% for arch in ['x86_64', 'aarch64'] %}
    latest-{{ arch }}: "{{ '}}' ~ arch }}"
{% endfor %}
{% if env == "staging" %}
    registry: candidate-registry{{ env_suffix }}.example.org
{% else %}
    registry: registry.example.org
{% endif %}
  tasks:
    - command: echo {{ {'a': [1, 2]} | to_json }}   {# comment with }} inside #}
      when: item.enabled and not (item.name in skip_list)
`;

const PLAIN_CHUNK = 'key: value\nlist:\n  - one\n  - two\n"json": [1, 2, 3]\n';
const JSON_CHUNK = '{"a": {"b": [{"c": 1}, {"d": "x"}]}, "e": {}}\n';

function repeatTo(chunk: string, size: number): string {
  return chunk.repeat(Math.ceil(size / chunk.length)).slice(0, size);
}

/** Min and median of many runs: the machine may be shared, the minimum is the cost itself. */
function timeIt(label: string, text: string, f: () => void): void {
  for (let k = 0; k < 10; k++) f(); // warm up
  const times: number[] = [];
  for (let k = 0; k < 60; k++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const min = (times[0] as number).toFixed(2);
  const median = (times[30] as number).toFixed(2);
  console.log(`${label}: ${(text.length / 1e6).toFixed(2)} MB, min ${min} ms, median ${median} ms`);
}

test('scanJinja and maskJinja on 1 MB', () => {
  const size = 1_000_000;
  const templated = repeatTo(TEMPLATE_CHUNK, size);
  const plain = repeatTo(PLAIN_CHUNK, size);
  const json = repeatTo(JSON_CHUNK, size);
  const scan = scanJinja(templated);
  console.log(`templated: ${scan.tokens.length} tokens, ${scan.blocks.length} top-level blocks, ${scan.errors.length} errors`);
  timeIt('scan templated YAML', templated, () => scanJinja(templated));
  timeIt('mask templated YAML', templated, () => maskJinja(templated, scan));
  timeIt('scan YAML without {', plain, () => scanJinja(plain));
  // Real-world density: a real template tree given as BENCH_REFERENCE=DIR, read where it is
  // (never copied into the repository).
  const reference = process.env['BENCH_REFERENCE'];
  if (reference !== undefined && existsSync(reference)) {
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    const real = repeatTo(walk(reference).map((f) => readFileSync(f, 'utf8')).join('\n'), size);
    const realScan = scanJinja(real);
    console.log(`reference-like: ${realScan.tokens.length} tokens`);
    timeIt('scan reference-like templates', real, () => scanJinja(real));
    timeIt('mask reference-like templates', real, () => maskJinja(real, realScan));
  }
  timeIt('scan JSON full of { (no tags)', json, () => scanJinja(json));
});
