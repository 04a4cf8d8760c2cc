import { renderTemplate, toRenderedData, type Environment, type RenderCheck, type RenderedData, type YamlPath } from '@ansimod/core';
import type { EndpointMap } from '../endpoints/endpoint-map.js';
import { mapRenderedHosts } from '../endpoints/rendered-hosts.js';
import { iniSectionPath, isRecord } from '../rendered-data.js';
import type { NestedBlock, SiteLocation } from './value-sites.js';
import type { VariableDefinition } from './variable-definitions.js';

/** A quote a plain scalar got when edited ('' when none). */
export type Quote = '' | '"' | "'";

/** The settings a change touches, as the rendered file shows them. */
export class ChangedSettings {
  /** `section\0key` of INI entries (null section: before any header). */
  private readonly ini = new Set<string>();
  /** Keys of YAML pairs (rendered keys may differ from written ones, so by name). */
  private readonly yamlKeys = new Set<string>();
  /** Rendered paths (document index first) of YAML values that change, when the key alone would say too much. */
  private readonly yamlPaths: YamlPath[] = [];
  /** Rendered paths (document index first) of YAML keys set to a value, added when missing. */
  private readonly yamlSets: Array<{ path: YamlPath; value: string | undefined }> = [];
  /** Documents in block scalars: per block, keys (and for INI, the sections) that change. */
  private readonly nested = new Map<string, { block: NestedBlock; keys: Map<string, Quote>; sections: Set<string | null> }>();

  /**
   * Records a changed setting. `quotedNow` is the quote a plain YAML scalar got when edited: in
   * a document held in a block scalar the rendered text keeps it, so the expected line has it.
   */
  add(key: string, location: SiteLocation, quotedNow: Quote = '', exact = false): void {
    const section = location.format === 'ini' ? location.section : null;
    if (exact && location.format === 'yaml' && !location.nested && location.doc !== undefined) {
      this.yamlPaths.push([location.doc, ...location.path]);
    } else if (location.nested) {
      const id = `${location.nested.doc}\0${location.nested.path.join('\0')}`;
      const entry = this.nested.get(id) ?? { block: location.nested, keys: new Map<string, Quote>(), sections: new Set<string | null>() };
      if (!entry.keys.get(key)) entry.keys.set(key, quotedNow);
      entry.sections.add(section);
      this.nested.set(id, entry);
    } else if (location.format === 'ini') {
      this.ini.add(`${section ?? ''}\0${key}`);
    } else {
      this.yamlKeys.add(key);
    }
  }

  /** Records a YAML key (document index first) set to `value`, added when the mapping has none (undefined: removed). */
  set(path: YamlPath, value: string | undefined): void {
    this.yamlSets.push({ path, value });
  }

  get size(): number {
    return this.ini.size + this.yamlKeys.size + this.yamlPaths.length + this.yamlSets.length + this.nested.size;
  }

  /** The keys, for the check's description. */
  keys(): string[] {
    const out = new Set<string>([...this.yamlKeys, ...[...this.yamlPaths, ...this.yamlSets.map((s) => s.path)].map((p) => String(p[p.length - 1]))]);
    for (const k of this.ini) out.add(k.slice(k.indexOf('\0') + 1));
    for (const n of this.nested.values()) for (const k of n.keys.keys()) out.add(k);
    return [...out];
  }

  /**
   * The rendered data expected after the change: `before` with exactly the changed settings'
   * values holding their mapped registries (hosts replaced in the rendered text), nothing else.
   *
   * @example
   * settings.expected({ format: 'ini', value: { push: { registry: 'docker://registry.example.org' } } }, map);
   * // => { format: 'ini', value: { push: { registry: 'docker://quay.io/example' } } }
   */
  expected(before: RenderedData, map: EndpointMap): RenderedData {
    if (before.format === 'ini') return { format: 'ini', value: this.expectedIni(before.value, map) };
    if (before.format === 'yaml' || before.format === 'json') {
      let value = this.mapYamlKeys(before.value, map);
      for (const p of this.yamlPaths) value = updateAt(value, p, (v) => (typeof v === 'string' ? mapRenderedHosts(v, map) : v));
      for (const { path, value: v } of this.yamlSets) value = setAt(value, path, v);
      for (const { block, keys, sections } of this.nested.values()) {
        value = updateAt(value, [block.doc, ...block.path], (s) =>
          typeof s === 'string' ? mapLines(s, keys, block.format, sections, map) : s,
        );
      }
      return { format: before.format, value };
    }
    return before;
  }

  private expectedIni(value: unknown, map: EndpointMap): unknown {
    let out = value;
    for (const id of this.ini) {
      const cut = id.indexOf('\0');
      const section = id.slice(0, cut);
      const key = id.slice(cut + 1);
      const path = section === '' ? [key] : [...iniSectionPath(section), key];
      out = updateAt(out, path, (v) => (typeof v === 'string' ? mapRenderedHosts(v, map) : v));
    }
    return out;
  }

  private mapYamlKeys(value: unknown, map: EndpointMap): unknown {
    if (this.yamlKeys.size === 0) return value;
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (!isRecord(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) {
        out[k] = this.yamlKeys.has(k) && typeof child === 'string' ? mapRenderedHosts(child, map) : walk(child);
      }
      return out;
    };
    return walk(value);
  }
}

/** A copy of `value` with the key at `path` set to `v` (added when its mapping lacks it; removed when `v` is undefined); unchanged when the mapping is missing. */
function setAt(value: unknown, path: YamlPath, v: unknown): unknown {
  const parent = path.slice(0, -1);
  const key = path[path.length - 1];
  if (typeof key !== 'string') return value;
  return updateAt(value, parent, (m) => {
    if (!isRecord(m)) return m;
    if (v !== undefined) return { ...m, [key]: v };
    const { [key]: _removed, ...rest } = m;
    return rest;
  });
}

/** A copy of `value` with the node at `path` replaced by `update(node)`; unchanged when the path is missing. */
function updateAt(value: unknown, path: YamlPath, update: (v: unknown) => unknown): unknown {
  if (path.length === 0) return update(value);
  const [head, ...rest] = path;
  if (Array.isArray(value) && typeof head === 'number' && head < value.length) {
    const copy = [...value];
    copy[head] = updateAt(value[head], rest, update);
    return copy;
  }
  if (isRecord(value) && typeof head === 'string' && head in value) {
    return { ...value, [head]: updateAt(value[head], rest, update) };
  }
  return value;
}

/**
 * A rendered nested document (a block scalar's content) with the values of `keys` mapped, line
 * by line: the document is a string in the rendered data, and only those lines may change.
 */
function mapLines(text: string, keys: ReadonlyMap<string, Quote>, format: 'yaml' | 'ini', sections: ReadonlySet<string | null>, map: EndpointMap): string {
  let section: string | null = null;
  return text
    .split('\n')
    .map((line) => {
      const t = line.trim();
      if (format === 'ini' && t.startsWith('[') && t.includes(']')) {
        section = t.slice(1, t.indexOf(']'));
        return line;
      }
      const sep = format === 'yaml' ? line.indexOf(':') : firstOf(line, '=', ':');
      if (sep < 0) return line;
      const key = line.slice(0, sep).trim().replace(/^(["'])(.*)\1$/, '$2');
      if (!keys.has(key) || (format === 'ini' && !sections.has(section))) return line;
      const rest = line.slice(sep + 1);
      const quote = keys.get(key) ?? '';
      const value = rest.trimStart();
      if (quote === '' || value.startsWith('"') || value.startsWith("'")) return line.slice(0, sep + 1) + mapRenderedHosts(rest, map);
      return `${line.slice(0, sep + 1)}${rest.slice(0, rest.length - value.length)}${quote}${mapRenderedHosts(value, map)}${quote}`;
    })
    .join('\n');
}

function firstOf(line: string, a: string, b: string): number {
  const i = line.indexOf(a);
  const j = line.indexOf(b);
  return i < 0 ? j : j < 0 ? i : Math.min(i, j);
}

/** Values of variables the template is rendered with, per environment and phase. */
export type CheckVars = ReadonlyMap<string, { before: Record<string, unknown>; after: Record<string, unknown> }>;

/**
 * The check the engine runs on the consumer template in every environment: rendered before and
 * after (with the variables' values of each phase when they come from a task's `vars:`, which the
 * engine does not know), the only difference is the changed settings naming their mapped registries.
 *
 * @example
 * registryRenderCheck('roles/koji_builder/templates/flatpak.conf', settings, map, vars, 'vars of task "configure flatpak-builder plugin"');
 */
export function registryRenderCheck(path: string, settings: ChangedSettings, map: EndpointMap, vars?: CheckVars, context?: string): RenderCheck {
  const check: RenderCheck = {
    path,
    describe: `${settings.keys().join(', ')} name the mapped registries${context ? ` (${context})` : ''}`,
    expect: (before: RenderedData) => settings.expected(before, map),
  };
  if (vars && vars.size > 0) {
    check.vars = (env: Environment, phase: 'before' | 'after') => vars.get(env.name)?.[phase] ?? {};
  }
  return check;
}

function valueAt(value: unknown, path: YamlPath): unknown {
  let v = value;
  for (const p of path) {
    if (Array.isArray(v) && typeof p === 'number') v = v[p];
    else if (isRecord(v) && typeof p === 'string') v = v[p];
    else return undefined;
  }
  return v;
}

/**
 * Whether the file holding a variable's definition renders, for each environment it applies to,
 * to YAML holding the variable as a string where it is written: then a check on that file can
 * verify the edited definition itself (a tasks file is rendered the way Ansible templates the
 * variable's value lazily: with the environment's variables).
 *
 * @example
 * await definitionRenders(def, envs); // => true for `vars: { candidate_registry: "…{{ env_suffix }}…" }`
 */
export async function definitionRenders(def: VariableDefinition, environments: readonly Environment[]): Promise<boolean> {
  for (const env of environments) {
    if (!def.environments.includes(env.name)) continue;
    const r = await renderTemplate(def.document.text, env.vars, { path: def.path });
    if (!r.ok) return false;
    const data = toRenderedData('yaml', r.output);
    if (!data.ok || data.data.format !== 'yaml') return false;
    if (typeof valueAt(data.data.value, [def.doc, ...def.valuePath]) !== 'string') return false;
  }
  return true;
}

/**
 * The check on the edited variable definitions of one file: the file, rendered before and after
 * for each environment the definitions apply to, differs only in those variables' values, which
 * name the mapped registry. Unlike the check on the consumer template (which is given the
 * intended values), this one reads the edited text itself.
 *
 * @example
 * definitionRenderCheck([def], map); // { path: 'roles/koji_builder/tasks/main.yml', … }
 */
export function definitionRenderCheck(defs: readonly VariableDefinition[], map: EndpointMap): RenderCheck {
  const first = defs[0];
  if (!first) throw new Error('definitionRenderCheck needs a definition');
  const environments = [...new Set(defs.flatMap((d) => d.environments))];
  return {
    path: first.path,
    describe: `${[...new Set(defs.map((d) => d.name))].join(', ')} in ${first.path} name${defs.length > 1 ? '' : 's'} the mapped registry`,
    environments,
    expect: (before: RenderedData, env: Environment) => {
      if (before.format !== 'yaml') return before;
      let value = before.value;
      for (const d of defs) {
        if (!d.environments.includes(env.name)) continue;
        value = updateAt(value, [d.doc, ...d.valuePath], (v) => (typeof v === 'string' ? mapRenderedHosts(v, map) : v));
      }
      return { format: 'yaml', value };
    },
  };
}
