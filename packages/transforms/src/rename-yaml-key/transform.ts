import { defineTransform, type DataChange, type TextEdit, type VisitResult } from '@ansimod/core';
import { selectedPairs, yamlPathOptions, yamlPathSelect } from '../yaml-path-options.js';

/**
 * `rename-yaml-key` (after OpenRewrite's `ChangeKey`): renames the key of every entry the path
 * selects, keeping its quoting style and its value byte for byte. A mapping that already has
 * the new key is left alone (renaming would make a duplicate), and said so; once renamed, the
 * path selects nothing, so a second run changes nothing.
 *
 * @example
 * // path: tasks[*].vars.registry, newKey: container_registry
 * await planSteps(root, [{ transform: renameYamlKey, options: { path: '**.registry', newKey: 'container_registry' }, stage: 'yaml', target: 'registry' }]);
 */
export const renameYamlKey = defineTransform({
  name: 'rename-yaml-key',
  displayName: 'Rename a YAML key',
  description: 'Renames the key of every entry a YAML path selects (Jinja keys and {% if %} branches included), keeping its quoting and its value.',
  options: {
    ...yamlPathOptions,
    newKey: { type: 'string', required: true, description: 'The new key, as it reads (quoted as the old key was).', example: 'container_registry' },
  },
  select: (o) => yamlPathSelect(o),

  visit(file, ctx): VisitResult {
    const hit = selectedPairs(file, ctx.options.path);
    if (!hit || hit.pairs.length === 0) return { outcome: 'skip', reason: 'the path selects nothing here' };
    const { newKey } = ctx.options;
    const edits: TextEdit[] = [];
    const data: DataChange[] = [];
    const notes: string[] = [];
    for (const p of hit.pairs) {
      const from = p.key.value;
      const where = p.path.join('.');
      if (from === undefined || p.key.kind !== 'scalar') {
        notes.push(`${where}: the key is not a scalar; left alone`);
        continue;
      }
      if (from === newKey) continue;
      const siblings = hit.doc.entries(p.path.slice(0, -1), p.doc);
      if (siblings.some((s) => s.key.value === newKey && JSON.stringify(s.jinja.map((j) => [j.block.open.start, j.branch])) === JSON.stringify(p.jinja.map((j) => [j.block.open.start, j.branch])))) {
        notes.push(`${where}: the mapping already has ${newKey}; left alone`);
        continue;
      }
      edits.push(hit.doc.scalarEdit(p.key, newKey, `${where} → ${newKey}`));
      data.push({ op: 'rename-key', doc: p.doc, at: p.path.slice(0, -1), from, to: newKey });
    }
    if (edits.length === 0) return notes.length ? { outcome: 'nochange', notes } : { outcome: 'nochange', matched: true };
    return { outcome: 'changed', edits, data, notes: [`${edits.length} key(s) renamed`, ...notes] };
  },
});
