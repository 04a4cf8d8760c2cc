import { BINARY_TARGET_MESSAGE, LineIndex, RepoIndex, discoverEnvironments, evaluateTemplate, notReadDiagnostics, walkRepository, type AnyDocument, type Diagnostic, type Environment, type JsonValue } from '@ansimod/core';
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

/**
 * The innermost of a set of nested spans holding an offset, in O(log n + depth) per question:
 * the spans are sorted once (outer first at equal starts) and each knows its parent, so a file
 * with 20,000 references costs 20,000 look-ups, not 20,000 passes over its document.
 */
class SpanLocator<T> {
  private readonly spans: Array<{ start: number; end: number; value: T; parent: number }>;

  constructor(spans: ReadonlyArray<{ start: number; end: number; value: T }>) {
    const ordered = spans.map((x, order) => ({ ...x, order })).sort((a, b) => a.start - b.start || b.end - a.end || b.order - a.order);
    const stack: number[] = [];
    this.spans = ordered.map((x, i) => {
      while (stack.length && !((ordered[stack.at(-1) as number]?.end ?? -1) >= x.end)) stack.pop();
      const parent = stack.length ? (stack.at(-1) as number) : -1;
      stack.push(i);
      return { start: x.start, end: x.end, value: x.value, parent };
    });
  }

  /** The value of the innermost span with start ≤ offset ≤ end, or undefined. */
  at(offset: number): T | undefined {
    let lo = 0;
    let hi = this.spans.length - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.spans[mid]?.start ?? Infinity) <= offset) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (; i >= 0; i = this.spans[i]?.parent ?? -1) {
      const span = this.spans[i];
      if (span && offset <= span.end) return span.value;
    }
    return undefined;
  }
}

/** One locator per document, built on first use. */
const yamlLocators = new WeakMap<AnyDocument, SpanLocator<{ path: readonly (string | number)[]; block: boolean }>>();
const jsonLocators = new WeakMap<AnyDocument, SpanLocator<{ path: readonly (string | number)[]; key: string }>>();

/** The YAML key path at an offset from the document model (sequence items as `[i]`); block scalars defer to their lines. */
function yamlContext(doc: AnyDocument, offset: number, lines: LineIndex, lineNo: number): Located {
  if (doc.format !== 'yaml') return undefined;
  let locator = yamlLocators.get(doc);
  if (!locator) {
    const spans: Array<{ start: number; end: number; value: { path: readonly (string | number)[]; block: boolean } }> = [];
    for (const p of doc.pairs()) {
      spans.push({ start: p.key.range.start, end: p.key.range.end, value: { path: p.path, block: false } });
      spans.push({ start: p.value.range.start, end: p.value.range.end, value: { path: p.path, block: p.value.kind === 'block-scalar' } });
    }
    for (const it of doc.allItems()) if (it.value.kind === 'scalar') spans.push({ start: it.value.range.start, end: it.value.range.end, value: { path: it.path, block: false } });
    yamlLocators.set(doc, (locator = new SpanLocator(spans)));
  }
  const hit = locator.at(offset);
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
  let locator = jsonLocators.get(doc);
  if (!locator) {
    const spans: Array<{ start: number; end: number; value: { path: readonly (string | number)[]; key: string } }> = [];
    const visit = (v: JsonValue): void => {
      if (v.kind === 'object') {
        for (const m of v.members) {
          spans.push({ start: m.keySpan.start, end: m.keySpan.end, value: { path: m.path, key: m.key } });
          spans.push({ start: m.value.span.start, end: m.value.span.end, value: { path: m.path, key: m.key } });
          visit(m.value);
        }
      } else if (v.kind === 'array') v.items.forEach(visit);
    };
    visit(doc.root);
    jsonLocators.set(doc, (locator = new SpanLocator(spans)));
  }
  const found = locator.at(offset);
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
  const repo = new RepoIndex(walk.root, walk.files, undefined, walk.skipped);
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
  return { references, environments, filesScanned: walk.files.length, notRead: [...repo.refusedFiles().map((e) => e.diagnostic), ...notReadDiagnostics(walk.skipped), ...binary] };
}
