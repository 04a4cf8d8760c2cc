import { BINARY_TARGET_MESSAGE, LineIndex, RepoIndex, discoverEnvironments, evaluateTemplate, walkRepository, type AnyDocument, type Diagnostic, type Environment, type JsonValue } from '@ansimod/core';
import { EndpointMap } from '../endpoints/endpoint-map.js';
import { findHostOccurrences, type HostOccurrence } from '../endpoints/host-occurrences.js';
import { classifyReference, type ReferenceKind, type ReferenceSurroundings } from './classify.js';

/** One remaining reference to a mapped registry host. */
export interface AuditReference {
  /** Repository-relative path. */
  path: string;
  /** 1-based line and column of the host as written. */
  line: number;
  column: number;
  /** Offsets of the host as written in the file's text (end exclusive); set by {@link auditRepository}. */
  start?: number;
  end?: number;
  /** The mapped host it names (in at least one environment). */
  endpoint: string;
  /** The host as written, Jinja included (`candidate-registry{{ env_suffix }}.example.org`). */
  source: string;
  /** Where it is: a YAML key path, `section.key` for INI, a JSON path, an Apache directive, or `comment`. */
  context: string;
  kind: ReferenceKind;
  /** The mapped host per environment (for templated hosts the environments differ). */
  environments: Record<string, string>;
  templated: boolean;
}

export interface AuditReport {
  references: AuditReference[];
  /** The environments the hosts were evaluated for. */
  environments: Environment[];
  filesScanned: number;
  /** Files not read (over the size limit, not regular files, read errors), each naming why: their references are unknown. */
  notRead: Diagnostic[];
}

export interface AuditOptions {
  /** Registry host → new host[/namespace]; only the hosts matter here. */
  maps: Readonly<Record<string, string>>;
  environments?: Environment[];
}

const YAML_KEY = /^\s*(?:-\s+)?(["']?)([^"'#:{}[\],]+?)\1\s*:(?:\s|$)/;
const INI_KEY = /^\s*([^=:#;[\s][^=:]*?)\s*[=:]/;
const CONF_DIRECTIVE = /^\s*<?\/?([A-Za-z][A-Za-z0-9_]*)/;

/** The key or directive of a line, and the keys of the less indented lines above it (a YAML-ish path). */
function lineContext(lines: LineIndex, lineNo: number, format: string): { key?: string; path: string[] } {
  const text = lines.lineText(lineNo);
  if (format === 'conf') {
    const m = CONF_DIRECTIVE.exec(text);
    return m?.[1] ? { key: m[1], path: [m[1]] } : { path: [] };
  }
  if (format === 'ini') {
    const m = INI_KEY.exec(text);
    let section: string | undefined;
    for (let l = lineNo - 1; l >= 1; l--) {
      const s = /^\s*\[([^\]]+)\]/.exec(lines.lineText(l));
      if (s?.[1]) {
        section = s[1];
        break;
      }
    }
    const key = m?.[1]?.trim();
    return { ...(key ? { key } : {}), path: [section, key].filter((x): x is string => !!x) };
  }
  if (format === 'json') {
    const keys = [...text.matchAll(/"([^"\\]*)"\s*:/g)].map((m) => m[1] as string);
    return { ...(keys.length ? { key: keys[keys.length - 1] as string } : {}), path: keys };
  }
  // YAML and text: the key on the line, then each less indented key above it.
  const path: string[] = [];
  const own = YAML_KEY.exec(text);
  let indent = text.length - text.trimStart().length;
  if (own?.[2]) path.unshift(own[2].trim());
  for (let l = lineNo - 1; l >= 1 && indent > 0; l--) {
    const t = lines.lineText(l);
    if (!t.trim() || /^\s*(#|\{[%#])/.test(t)) continue;
    const ind = t.length - t.trimStart().length;
    if (ind >= indent) continue;
    const m = YAML_KEY.exec(t);
    if (m?.[2]) path.unshift(m[2].trim());
    indent = ind;
  }
  return { ...(own?.[2] ? { key: own[2].trim() } : {}), path };
}

type Located = { key?: string; path: string[] } | undefined;

/** The YAML key path at an offset from the document model (sequence items as `[i]`); block scalars defer to their lines. */
function yamlContext(doc: AnyDocument, offset: number, lines: LineIndex, lineNo: number): Located {
  if (doc.format !== 'yaml') return undefined;
  type Hit = { path: readonly (string | number)[]; size: number; block: boolean };
  let best: Hit | undefined;
  const consider = (path: readonly (string | number)[], start: number, end: number, block: boolean) => {
    if (offset < start || offset > end) return;
    if (!best || end - start < best.size) best = { path, size: end - start, block };
  };
  for (const p of doc.pairs()) {
    consider(p.path, p.key.range.start, p.key.range.end, false);
    consider(p.path, p.value.range.start, p.value.range.end, p.value.kind === 'block-scalar');
  }
  for (const it of doc.allItems()) if (it.value.kind === 'scalar') consider(it.path, it.value.range.start, it.value.range.end, false);
  const hit = best as Hit | undefined;
  if (!hit) return undefined;
  const path = hit.path.map((x) => (typeof x === 'number' ? `[${x}]` : x));
  const keyName = [...hit.path].reverse().find((x): x is string => typeof x === 'string');
  if (hit.block && YAML_KEY.test(lines.lineText(lineNo))) {
    // Inside a block scalar holding another YAML document: the path inside it, from its lines.
    const inner = lineContext(lines, lineNo, 'yaml');
    return { ...(inner.key ? { key: inner.key } : {}), path: [...path, ...inner.path.filter((k) => !path.includes(k))] };
  }
  return { ...(keyName ? { key: keyName } : {}), path };
}

/** The JSON path of the member whose key or value holds the offset. */
function jsonContext(doc: AnyDocument, offset: number): Located {
  if (doc.format !== 'json') return undefined;
  let found: { path: readonly (string | number)[]; key: string } | undefined;
  const visit = (v: JsonValue): void => {
    if (v.kind === 'object') {
      for (const m of v.members) {
        if (offset >= m.keySpan.start && offset <= m.keySpan.end) found = { path: m.path, key: m.key };
        else if (offset >= m.value.span.start && offset <= m.value.span.end) {
          found = { path: m.path, key: m.key };
          visit(m.value);
        }
      }
    } else if (v.kind === 'array') v.items.forEach(visit);
  };
  visit(doc.root);
  if (!found) return undefined;
  return { key: found.key, path: found.path.map((x) => (typeof x === 'number' ? `[${x}]` : x)) };
}

function isComment(lineText: string, column: number, format: string): boolean {
  const head = lineText.slice(0, column - 1);
  if (/^\s*#/.test(lineText) || (format === 'ini' && /^\s*;/.test(lineText))) return true;
  const open = head.lastIndexOf('{#');
  if (open >= 0 && head.indexOf('#}', open) < 0) return true;
  return (format === 'yaml' || format === 'conf') && /\s#\s/.test(head) && !/["']/.test(head.slice(head.search(/\s#\s/)));
}

function surroundings(text: string, lines: LineIndex, occ: HostOccurrence, doc: AnyDocument): { s: ReferenceSurroundings; line: number; column: number; context: string } {
  const format = doc.format;
  const { line, column } = lines.position(occ.start);
  const lineText = lines.lineText(line);
  const before = lineText.slice(0, column - 1);
  const after = text.slice(occ.end, lines.lineEnd(line));
  const inComment = isComment(lineText, column, format);
  const ctx = jsonContext(doc, occ.start) ?? yamlContext(doc, occ.start, lines, line) ?? lineContext(lines, line, format);
  const context = inComment ? 'comment' : ctx.path.length ? ctx.path.join(format === 'conf' ? ' ' : '.') : lineText.trim().slice(0, 60);
  return { s: { before, after, inComment, ...(ctx.key ? { key: ctx.key } : {}), path: ctx.path }, line, column, context };
}

/**
 * Lists every remaining reference to the mapped registry hosts in a repository — Jinja-templated
 * hosts included — with where it is, what it is used as, and for which environments.
 *
 * @example
 * const { references } = await auditRepository('/srv/ansible', { maps: { 'registry.example.org': 'quay.io/example' } });
 */
export async function auditRepository(root: string, opts: AuditOptions): Promise<AuditReport> {
  const map = EndpointMap.from(opts.maps);
  const walk = await walkRepository(root);
  const environments = opts.environments ?? (await discoverEnvironments(walk.root));
  const repo = new RepoIndex(walk.root, walk.files);
  const candidates = await repo.prefilter(map.needles());
  const references: AuditReference[] = [];
  for (const p of candidates) {
    const file = await repo.file(p);
    if (!file) continue;
    const occurrences = await findHostOccurrences(file.text, map, environments, (t, env) => evaluateTemplate(t, env));
    if (!occurrences.length) continue;
    const lines = file.document.lines ?? new LineIndex(file.text);
    for (const occ of occurrences) {
      const { s, line, column, context } = surroundings(file.text, lines, occ, file.document);
      references.push({
        path: p,
        line,
        column,
        start: occ.start,
        end: occ.end,
        endpoint: occ.endpoint,
        source: occ.source,
        context,
        kind: /\.(md|rst|txt|adoc)$/i.test(p) ? 'documentation' : classifyReference(occ, s),
        environments: occ.byEnv,
        templated: occ.templated,
      });
    }
  }
  // A file holding a mapped host that is binary at a glance is listed, not silently left out.
  const binary: Diagnostic[] = (await repo.binaryPathsContaining(map.needles())).map((p) => ({ code: 'BINARY_FILE', severity: 'warning', path: p, message: BINARY_TARGET_MESSAGE }));
  return { references, environments, filesScanned: walk.files.length, notRead: [...repo.refusedFiles().map((e) => e.diagnostic), ...binary] };
}
