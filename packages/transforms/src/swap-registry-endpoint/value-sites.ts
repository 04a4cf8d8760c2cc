import {
  isFallback,
  parseIni,
  parseYaml,
  setValueEdit,
  YamlDocument,
  type AnyDocument,
  type Fallback,
  type IniDocument,
  type NestedDocument,
  type TextEdit,
  type YamlPath,
  type YamlScalarStyle,
} from '@ansimod/core';

/** A block scalar of a YAML file whose content is a document of its own (a ConfigMap's `config.yaml: |-`). */
export interface NestedBlock {
  /** YAML document index and path of the block scalar in the file. */
  doc: number;
  path: YamlPath;
  /** The format of the content. */
  format: 'yaml' | 'ini';
}

/** Where a managed setting sits, as the render check needs to know it. */
export type SiteLocation =
  | { format: 'ini'; section: string | null; nested?: NestedBlock }
  | { format: 'yaml'; path: YamlPath; /** YAML document index in the file. */ doc?: number; nested?: NestedBlock };

/** One value of a managed key: an INI entry or a YAML pair (at any depth, nested documents included). */
export interface ValueSite {
  key: string;
  /** The value as the format reads it (quotes removed, Jinja kept). */
  value: string;
  location: SiteLocation;
  /** Human-readable place: `[push] registry`, `data.config.yaml › registries.fedora.public_url`. */
  where: string;
  /** How a YAML scalar is written (a plain one may get quotes when edited). */
  style?: YamlScalarStyle;
  /** An edit of the visited file setting the value, keeping the format's quoting. */
  edit(newValue: string, reason: string): TextEdit;
}

/** What to look for. */
export interface SiteQuery {
  keys: ReadonlySet<string>;
  /** INI sections to look in (all when undefined). */
  sections?: ReadonlySet<string>;
  /** YAML: only values whose key path goes through one of these keys (`registries`). */
  under?: ReadonlySet<string>;
  /** YAML: only parameters of a role entry (`- role: NAME` beside the key) of one of these roles. */
  roles?: ReadonlySet<string>;
}

/** Whether a YAML pair passes the query's `under` and `roles` conditions. */
function inScope(doc: YamlDocument, path: YamlPath, docIndex: number, q: SiteQuery): boolean {
  if (q.under && !path.slice(0, -1).some((k) => typeof k === 'string' && q.under?.has(k))) return false;
  if (q.roles) {
    const role = doc.pairsAt([...path.slice(0, -1), 'role'], docIndex)[0]?.value;
    if (role?.kind !== 'scalar' || role.value === undefined || !q.roles.has(role.value)) return false;
  }
  return true;
}

/** Sites found, and nested documents that could not be read (reported, never edited). */
export interface SiteScan {
  sites: ValueSite[];
  unreadable: UnreadableBlock[];
}

/** A block scalar that should hold a document but does not parse as one. */
export interface UnreadableBlock {
  /** Key path of the block, e.g. `data.config.yaml`. */
  where: string;
  format: 'yaml' | 'ini';
  reason: string;
  /** Offset in the outer file of the problem (or of the block). */
  offset: number;
  /** The block's content, for deciding whether it would have been a target. */
  content: string;
}

function iniSites(doc: IniDocument, q: SiteQuery, lift: (e: TextEdit) => TextEdit, prefix: string, nested?: NestedBlock): ValueSite[] {
  const out: ValueSite[] = [];
  for (const entry of doc.entries) {
    if (!q.keys.has(entry.key)) continue;
    if (q.sections && (entry.section === null || !q.sections.has(entry.section))) continue;
    out.push({
      key: entry.key,
      value: entry.value,
      location: { format: 'ini', section: entry.section, ...(nested ? { nested } : {}) },
      where: `${prefix}${entry.section === null ? '' : `[${entry.section}] `}${entry.key}`,
      edit: (v, reason) => lift(setValueEdit(entry, v, reason)),
    });
  }
  return out;
}

function yamlSites(doc: YamlDocument, q: SiteQuery, lift: (e: TextEdit) => TextEdit, prefix: string, nested?: NestedBlock): ValueSite[] {
  const out: ValueSite[] = [];
  for (const pair of doc.pairs()) {
    const key = pair.key.value;
    if (key === undefined || !q.keys.has(key) || pair.value.kind !== 'scalar' || pair.value.value === undefined) continue;
    if (!inScope(doc, pair.path, pair.doc, q)) continue;
    const node = pair.value;
    out.push({
      key,
      value: node.value as string,
      location: { format: 'yaml', path: pair.path, doc: pair.doc, ...(nested ? { nested } : {}) },
      where: `${prefix}${pair.path.join('.')}`,
      ...(node.style ? { style: node.style } : {}),
      edit: (v, reason) => lift(doc.scalarEdit(node, v, reason)),
    });
  }
  return out;
}

function parseNested(path: string, nested: NestedDocument): YamlDocument | IniDocument | Fallback | undefined {
  if (nested.format === 'yaml') return parseYaml(path, nested.text, nested.jinja);
  if (nested.format === 'ini') return parseIni(path, nested.text, nested.jinja);
  return undefined;
}

/** Offset in the child text of a fallback's line and column. */
function childOffset(text: string, fb: Fallback): number {
  if (fb.line === undefined) return 0;
  let off = 0;
  for (let l = 1; l < fb.line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) break;
    off = nl + 1;
  }
  return off + Math.max(0, (fb.column ?? 1) - 1);
}

/**
 * Every value of a managed key in a document: INI entries (in the given sections), YAML pairs
 * at any depth, and the same inside documents held in YAML block scalars (a ConfigMap's
 * `config.yaml: |-`, whose Jinja lines at column 0 the nested document keeps), with edits lifted
 * back to the file.
 *
 * @example
 * const { sites } = findValueSites(doc, { keys: new Set(['public_url']) });
 * sites[0]?.where; // => 'data.config.yaml › registries.fedora.public_url'
 */
export function findValueSites(document: AnyDocument, q: SiteQuery): SiteScan {
  const same = (e: TextEdit) => e;
  if (document.format === 'ini') return { sites: iniSites(document, q, same, ''), unreadable: [] };
  if (!(document instanceof YamlDocument)) return { sites: [], unreadable: [] };
  const sites = yamlSites(document, q, same, '');
  const unreadable: UnreadableBlock[] = [];
  for (const pair of document.pairs()) {
    if (pair.value.kind !== 'block-scalar') continue;
    const content = pair.value.value ?? '';
    if (![...q.keys].some((k) => content.includes(k))) continue;
    const nested = document.nestedDocument(pair);
    if (!nested || (nested.format !== 'yaml' && nested.format !== 'ini')) continue;
    const where = `${pair.path.join('.')}`;
    const child = parseNested(`${document.path}#${where}`, nested);
    if (!child || isFallback(child)) {
      const at = child ? nested.lift({ start: childOffset(nested.text, child), end: childOffset(nested.text, child), text: '' }).start : pair.value.range.start;
      unreadable.push({ where, format: nested.format, reason: child?.reason ?? 'does not parse', offset: at, content });
      continue;
    }
    const block: NestedBlock = { doc: pair.doc, path: pair.path, format: nested.format };
    const lift = (e: TextEdit) => nested.lift(e);
    sites.push(...(child.format === 'ini' ? iniSites(child, q, lift, `${where} › `, block) : yamlSites(child, q, lift, `${where} › `, block)));
  }
  return { sites, unreadable };
}
