/**
 * The engine's YAML data check catches a wrong edit of every transform that edits YAML Ansible
 * reads as it is, whether the transform declares its data change (VisitResult.data) or not:
 * each transform is run as it is (no error: the control), then wrapped so that its result also
 * changes a scalar elsewhere in the edited file (caught only by the data check: the YAML still
 * parses), and, for a transform that declares its change, so that its first edit writes
 * something else than declared. Each plan is made with and without the worker thread that
 * checks edited YAML during the last step, and both must agree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { editedNodes, YamlDocument, type AnyTransform, type Plan, type FileEdit, type TransformContext, type VisitResult, type VisitedFile, type YamlPath } from '@ansimod/core';
import { transforms } from '../packages/transforms/src/transforms.js';
import { planOn, recipeMaps, type Files } from './support/transform-test.js';

const fixture = (transform: string, name: string): string => readFileSync(new URL(`../packages/transforms/src/${transform}/__fixtures__/${name}`, import.meta.url), 'utf8');

interface Case {
  transform: AnyTransform;
  options: Record<string, unknown>;
  files: Files;
  /** Whether the transform declares its data change. */
  declares: boolean;
}

function byName(name: string): AnyTransform {
  const t = transforms.find((x) => x.name === name);
  if (!t) throw new Error(`no transform ${name}`);
  return t;
}

/** The transforms that never edit YAML Ansible reads as it is (they edit INI, Apache conf and JSON templates). */
const NOT_YAML = ['set-ini-registry-per-environment', 'swap-docker-auth-host', 'insert-registry-redirect'];

const cases: Case[] = [
  { transform: byName('fqcn'), options: {}, files: { 'roles/web/tasks/main.yml': fixture('fqcn', 'tasks.before.yml') }, declares: true },
  { transform: byName('set-yaml-value'), options: { path: 'web_port', value: '8443' }, files: { 'roles/web/defaults/main.yml': fixture('set-yaml-value', 'vars.before.yml') }, declares: true },
  {
    transform: byName('rename-yaml-key'),
    options: { path: '[*].vars.registry', newKey: 'container_registry' },
    files: { 'roles/koji_builder/tasks/main.yml': fixture('rename-yaml-key', 'tasks.before.yml') },
    declares: true,
  },
  { transform: byName('delete-yaml-key'), options: { path: '**.legacy_registry' }, files: { 'inventory/group_vars/builders': fixture('delete-yaml-key', 'vars.before.yml') }, declares: true },
  {
    transform: byName('rename-variable'),
    options: { maps: { item_count: 'app_item_count', result: 'app_result', entry: 'app_entry' } },
    files: { 'roles/app/tasks/main.yml': `${fixture('rename-variable', 'tasks.before.yml')}- name: untouched\n  ansible.builtin.debug:\n    msg: hello\n` },
    declares: false,
  },
  { transform: byName('replace-host'), options: { maps: { '*.iad2.example.org': '*.rdu3.example.org' } }, files: { 'roles/app/defaults/main.yml': `${fixture('replace-host', 'vars.before.yml')}app_name: web\n` }, declares: false },
  {
    transform: byName('swap-registry-endpoint'),
    options: { maps: recipeMaps, keys: ['registry'], sections: ['push'], formats: ['ini'] },
    files: { 'roles/koji_builder/templates/flatpak.conf': fixture('swap-registry-endpoint', 'flatpak.conf'), 'roles/koji_builder/tasks/main.yml': fixture('swap-registry-endpoint', 'tasks-key-value.before.yml') },
    declares: false,
  },
  {
    transform: byName('rename-file'),
    options: { paths: ['roles/r/templates/*.yml'], appendSuffix: '.j2' },
    files: { 'roles/r/tasks/main.yml': '- name: the page\n  template:\n    src: page.yml\n    dest: /srv/page.yml\n    mode: "0644"\n', 'roles/r/templates/page.yml': 'a: 1\n' },
    declares: false,
  },
];

const startsWith = (path: YamlPath, prefix: YamlPath): boolean => prefix.length <= path.length && prefix.every((p, i) => path[i] === p);

/**
 * An extra edit that changes the value of a scalar the transform's result leaves alone: outside
 * every edit, every node an undeclared edit may change, and every path a declared change names.
 */
function strayEdit(doc: YamlDocument, result: VisitResult & { outcome: 'changed' }): FileEdit | undefined {
  const edits = result.edits.filter((e) => (e.path ?? doc.path) === doc.path);
  const free = result.data ? [] : editedNodes(doc, edits).map((n) => n.at);
  const declared = (result.data ?? []).map((d) => d.at);
  const candidates = doc.pairs().filter(
    (p) =>
      p.value.kind === 'scalar' &&
      !p.value.value?.includes('{') &&
      !edits.some((e) => e.start < p.value.range.end && e.end > p.key.range.start) &&
      ![...free, ...declared].some((at) => startsWith(p.path, at) || startsWith(at, p.path)),
  );
  const target = candidates.at(-1);
  return target && { path: doc.path, start: target.value.range.start, end: target.value.range.end, text: '"changed by mistake"' };
}

type Corruption = 'stray' | 'undeclared-text' | 'spill';

/** The first edit of a scalar value, rewritten to spill out of it: the value, then a new line with a key at column 0. */
function spilled(doc: YamlDocument, edits: readonly FileEdit[]): FileEdit[] | undefined {
  const nodes = [...doc.pairs().map((p) => p.value), ...doc.allItems().map((i) => i.value)].filter((n) => n.kind === 'scalar');
  for (const [i, e] of edits.entries()) {
    const n = (e.path ?? doc.path) === doc.path ? nodes.find((x) => x.range.start <= e.start && e.end <= x.range.end) : undefined;
    if (!n) continue;
    const text = `${doc.text.slice(n.range.start, e.start)}${e.text}${doc.text.slice(e.end, n.range.end)}\nzz_spilled: true`;
    return edits.map((x, k) => (k === i ? { ...x, start: n.range.start, end: n.range.end, text } : x));
  }
  return undefined;
}

/** The transform, with its result made wrong in one way. */
function corrupted(t: AnyTransform, how: Corruption): AnyTransform {
  return {
    ...t,
    async visit(file: VisitedFile, ctx: TransformContext<Record<string, unknown>>): Promise<VisitResult> {
      const result = await t.visit(file, ctx as never);
      if (result.outcome !== 'changed' || result.edits.length === 0) return result;
      const first = result.edits[0] as FileEdit;
      if (how === 'undeclared-text') return { ...result, edits: [{ ...first, text: `${first.text}x` }, ...result.edits.slice(1)] };
      const target = first.path ?? file.path;
      const doc = (await ctx.repo.file(target))?.document;
      if (!(doc instanceof YamlDocument)) throw new Error(`${t.name}: the edited file ${target} is not YAML`);
      if (how === 'spill') {
        const edits = spilled(doc, result.edits);
        if (!edits) throw new Error(`${t.name}: no edit of a scalar in ${target}`);
        return { ...result, edits };
      }
      const stray = strayEdit(doc, result);
      if (!stray) throw new Error(`${t.name}: no scalar to change by mistake in ${target}`);
      return { ...result, edits: [...result.edits, stray] };
    },
  } as AnyTransform;
}

/**
 * The plan, made with the worker thread that checks edited YAML files during the last step (the
 * default on two cores) and again without it (ANSIMOD_VERIFY_THREADS=0): both must agree.
 */
async function planBothWays(files: Files, transform: AnyTransform, options: Record<string, unknown>): Promise<Plan> {
  const threaded = await planOn(files, transform, options);
  process.env.ANSIMOD_VERIFY_THREADS = '0';
  try {
    const single = await planOn(files, transform, options);
    expect(single.errors).toEqual(threaded.errors);
    expect(single.changes.map((c) => c.after)).toEqual(threaded.changes.map((c) => c.after));
  } finally {
    delete process.env.ANSIMOD_VERIFY_THREADS;
  }
  return threaded;
}

describe('the YAML data check catches a wrong edit of every YAML-editing transform', () => {
  it('every registered transform is here, or edits no YAML', () => {
    expect(transforms.map((t) => t.name).filter((n) => !NOT_YAML.includes(n)).sort()).toEqual(cases.map((c) => c.transform.name).sort());
  });

  for (const c of cases) {
    describe(c.transform.name, () => {
      it('as it is: edits YAML, and passes the check', async () => {
        const plan = await planBothWays(c.files, c.transform, c.options);
        expect(plan.errors).toEqual([]);
        expect(plan.changes.filter((ch) => ch.path.endsWith('.yml') || !ch.path.includes('.')).length).toBeGreaterThan(0);
      });

      if (c.declares) {
        it('a value changed elsewhere in the file is caught (the YAML still parses)', async () => {
          const plan = await planBothWays(c.files, corrupted(c.transform, 'stray'), c.options);
          expect(plan.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([expect.stringMatching(/^VERIFY_FAILED: the YAML data differ from the declared change .*expected .*, got "changed by mistake"/)]);
        });

        it('an edit that writes something else than it declares is caught', async () => {
          const plan = await planBothWays(c.files, corrupted(c.transform, 'undeclared-text'), c.options);
          expect(plan.errors.map((e) => e.code)).toContain('VERIFY_FAILED');
          expect(plan.errors.map((e) => e.message).join('\n')).toMatch(/YAML data differ from the declared change|does not parse as Ansible reads it/);
        });
      } else {
        // Undeclared, an edit may change the node it touches (a value elsewhere would be another
        // such edit), and nothing outside it.
        it('an edit that spills out of the value it touches is caught', async () => {
          const plan = await planBothWays(c.files, corrupted(c.transform, 'spill'), c.options);
          expect(plan.errors.map((e) => e.code)).toContain('VERIFY_FAILED');
          expect(plan.errors.map((e) => e.message).join('\n')).toMatch(/YAML data differ from the declared change|is not at its place in the data|does not parse as Ansible reads it/);
        });
      }
    });
  }
});
