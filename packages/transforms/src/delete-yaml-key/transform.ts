import { defineTransform, pairDeleteEdit, type DataChange, type TextEdit, type VisitResult } from '@ansimod/core';
import { selectedPairs, yamlPathOptions, yamlPathSelect } from '../yaml-path-options.js';

/**
 * `delete-yaml-key` (after OpenRewrite's `DeleteKey`): removes every entry the path selects —
 * its lines, or, for `- key: v`, up to the next key; the only entry of a mapping leaves `{}`.
 * Every other byte stays; once deleted, the path selects nothing, so a second run changes nothing.
 *
 * @example
 * await planSteps(root, [{ transform: deleteYamlKey, options: { path: 'tasks[*].vars.legacy_registry' }, stage: 'yaml', target: 'legacy_registry' }]);
 */
export const deleteYamlKey = defineTransform({
  name: 'delete-yaml-key',
  displayName: 'Delete a YAML key',
  description: 'Deletes every entry a YAML path selects (Jinja keys and {% if %} branches included), keeping every other byte.',
  options: { ...yamlPathOptions },
  select: (o) => yamlPathSelect(o),

  visit(file, ctx): VisitResult {
    const hit = selectedPairs(file, ctx.options.path);
    if (!hit || hit.pairs.length === 0) return { outcome: 'skip', reason: 'the path selects nothing here' };
    // An entry inside a deleted one goes with it.
    const outer = hit.pairs.filter((p) => !hit.pairs.some((q) => q !== p && q.doc === p.doc && q.path.length < p.path.length && q.path.every((s, i) => p.path[i] === s)));
    const edits: TextEdit[] = outer.map((p) => pairDeleteEdit(hit.doc, p, `${p.path.join('.')} deleted`));
    const data: DataChange[] = [];
    for (const p of outer) data.push({ op: 'delete', doc: p.doc, at: p.path });
    return { outcome: 'changed', edits, data, notes: [`${edits.length} entr${edits.length === 1 ? 'y' : 'ies'} deleted`] };
  },
});
