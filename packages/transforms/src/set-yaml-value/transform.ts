import { defineTransform, yamlData, type DataChange, type TextEdit, type VisitResult } from '@ansimod/core';
import { selectedPairs, yamlPathOptions, yamlPathSelect } from '../yaml-path-options.js';

/**
 * What YAML reads from the written scalar: a plain scalar kept plain reads with its type (`8443`
 * where `8080` was), anything quoted or block-written reads as the string.
 */
function writtenValue(written: string, value: string, style: string | undefined): unknown {
  if (style !== 'plain' && style !== undefined) return value;
  if (/^\s*["']/.test(written)) return value;
  const read = yamlData(`v: ${written.trim()}\n`);
  return read.ok ? (read.docs[0] as { v: unknown }).v : value;
}

/**
 * `set-yaml-value` (after OpenRewrite's `ChangeValue`): sets the scalar value of every entry the
 * path selects, keeping its quoting style (a plain scalar stays plain when the new value reads as the
 * same type as the old one, `8080` → `8443`; otherwise it gets double quotes); an entry already holding the value is left alone, so a second run changes nothing.
 *
 * @example
 * // path: **.public_url, value: https://quay.io/   →   public_url: https://quay.io/
 * await planSteps(root, [{ transform: setYamlValue, options: { path: '**.public_url', value: 'https://quay.io/' }, stage: 'yaml', target: 'public_url' }]);
 */
export const setYamlValue = defineTransform({
  name: 'set-yaml-value',
  displayName: 'Set a YAML value',
  description: 'Sets the scalar value of every entry a YAML path selects (Jinja keys and {% if %} branches included), keeping its quoting style.',
  options: {
    ...yamlPathOptions,
    value: { type: 'string', required: true, description: 'The new value, as a string (Jinja allowed, written verbatim).', example: 'https://quay.io/' },
    oldValue: { type: 'string', description: 'Only entries whose current value is this one (default: any scalar value).', example: 'https://registry.fedoraproject.org/' },
  },
  select: (o) => yamlPathSelect(o),

  visit(file, ctx): VisitResult {
    const hit = selectedPairs(file, ctx.options.path);
    if (!hit || hit.pairs.length === 0) return { outcome: 'skip', reason: 'the path selects nothing here' };
    const { value, oldValue } = ctx.options;
    const edits: TextEdit[] = [];
    const data: DataChange[] = [];
    const notes: string[] = [];
    let matched = false;
    for (const p of hit.pairs) {
      const where = p.path.join('.');
      const v = p.value;
      if (v.kind !== 'scalar' && v.kind !== 'block-scalar' && v.kind !== 'null') {
        notes.push(`${where}: a ${v.kind}, not a scalar; left alone`);
        continue;
      }
      if (v.value === value) {
        matched = true;
        continue;
      }
      if (oldValue !== undefined && v.value !== oldValue) continue;
      const edit = hit.doc.scalarEdit(v, value, `${where} = ${value}`);
      edits.push(edit);
      data.push({ op: 'set', doc: p.doc, at: p.path, value: writtenValue(edit.text, value, v.style) });
    }
    if (edits.length === 0) return matched ? { outcome: 'nochange', matched: true, ...(notes.length ? { notes } : {}) } : notes.length ? { outcome: 'nochange', notes } : { outcome: 'skip', reason: 'no selected value to change' };
    return { outcome: 'changed', edits, data, notes: [`${edits.length} value(s) set`, ...notes] };
  },
});
