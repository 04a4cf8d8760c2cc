import type { JinjaBlock, JinjaScan, JinjaToken } from '../../jinja/types.js';
import { LineIndex } from '../../text/line-index.js';
import { enclosingBlocks } from '../../jinja/query.js';
import { jinjaTags, type JinjaTag } from '../common/jinja-tags.js';
import { onlyTags, skipBlanks, skipControlTags, splitSourceLines, trimBlanksEnd, trimControlTags, type SourceLine } from '../common/source-lines.js';
import { fallbackAt } from '../fallback.js';
import type { Fallback } from '../types.js';
import { splitArgs } from './args.js';
import { ConfDocument } from './document.js';
import type { ConfDirective, ConfInclude, ConfNode, ConfSection, ConfSectionOpen } from './model.js';

const INCLUDE = /^include\s+(['"])(.*?)\1/;

/**
 * Parses an Apache httpd configuration file (or template) into a lossless line model:
 * directives with their arguments, `<Section>` … `</Section>` nesting, comments, blank lines,
 * Jinja-only lines (`{% include %}` exposed) and `\` continuation lines.
 *
 * Sections are matched per Jinja branch: each `{% elif %}`/`{% else %}` starts from the
 * section stack its `{% if %}` saw, so `<VirtualHost>` opened differently in two branches and
 * closed once after `{% endif %}` is fine. A mismatched or unclosed section is a
 * {@link Fallback} with its line.
 *
 * @example
 * const text = '<Location /v2>\n  Require all granted\n</Location>\n';
 * const doc = parseConf('proxy.conf', text, scanJinja(text)) as ConfDocument;
 * doc.directives[0]?.sections.map((s) => s.name); // => ['Location']
 */
export function parseConf(path: string, text: string, jinja: JinjaScan): ConfDocument | Fallback {
  const tags = jinjaTags(jinja);
  const lines = new LineIndex(text);
  const nodes: ConfNode[] = [];
  const sections: ConfSection[] = [];
  const includes: ConfInclude[] = [];
  let stack: ConfSection[] = [];
  /** Section stacks at each open `{% if %}`/`{% for %}`, restored by its `elif`/`else`. */
  const saved: BranchFrame[] = [];
  const blockOf = blocksByTag(jinja.blocks);
  /** Sections opened in an earlier branch, closed by the close tag of their counterpart. */
  const alternatives = new Map<ConfSection, ConfSection[]>();
  const physical = splitSourceLines(text, tags);

  for (let p = 0; p < physical.length; p++) {
    const first = physical[p] as SourceLine;
    let last = first;
    // Join `\` continuation lines.
    while (endsWithBackslash(text, last, tags) && p + 1 < physical.length) last = physical[++p] as SourceLine;
    const contentStart = skipBlanks(text, first.start, first.end);
    const lineStart = first.start === 0 && text.charCodeAt(0) === 0xfeff ? 1 : first.start;
    // Nodes are built as literals with all their fields (no spread of a shared base): object
    // spread is several times slower and this loop runs for every line of every file.
    const line = first.line;
    const lastLine = last.line;
    const start = first.start;
    const end = last.end;
    const next = last.next;
    const eol = last.eol;
    const indent = text.slice(lineStart, contentStart);
    const contentEnd = trimBlanksEnd(text, contentStart, last.end);
    if (contentStart >= contentEnd) {
      nodes.push({ line, lastLine, start, end, next, eol, indent, kind: 'blank' });
      continue;
    }
    if (first === last && onlyTags(text, first.start, first.end, tags, first.tagFrom, first.tagTo)) {
      let output = false;
      let include: ConfInclude | undefined;
      for (let k = first.tagFrom; k < first.tagTo; k++) {
        const t = tags[k] as JinjaTag;
        if (t.kind === 'expression') output = true;
        if (t.kind !== 'statement') continue;
        const keyword = t.token.keyword ?? '';
        const block = blockOf.get(t.token);
        if (block !== undefined && block.open === t.token) {
          if (block.branches.length > 0 && block.close !== undefined) saved.push({ open: t.token, snapshot: [...stack], abandoned: [] });
        } else if (block !== undefined) {
          // Only blocks opened on a line of their own have a frame; a tag of another block is ignored.
          const frame = saved.at(-1);
          if (frame === undefined || frame.open !== block.open) continue;
          if (t.token === block.close) {
            saved.pop();
            pairBranches(frame, stack, alternatives);
          } else {
            frame.abandoned.push(stack.slice(frame.snapshot.length));
            stack = [...frame.snapshot];
          }
        } else if (keyword === 'include') {
          const inner = t.token.inner ?? '';
          const m = INCLUDE.exec(inner);
          include = { target: m?.[2], statement: inner, tag: t.token, line: first.line };
          includes.push(include);
        }
      }
      nodes.push(include === undefined ? { line, lastLine, start, end, next, eol, indent, kind: 'jinja', output } : { line, lastLine, start, end, next, eol, indent, kind: 'jinja', output, include });
      continue;
    }
    const c = text.charCodeAt(contentStart);
    if (c === 35 /* # */) {
      nodes.push({ line, lastLine, start, end, next, eol, indent, kind: 'comment', body: text.slice(contentStart + 1, contentEnd) });
      continue;
    }
    if (c === 60 /* < */ && text.charCodeAt(contentStart + 1) === 47 /* / */) {
      const nameStart = contentStart + 2;
      const nameEnd = wordEnd(text, nameStart, contentEnd, 62 /* > */);
      const name = text.slice(nameStart, nameEnd);
      if (text.charCodeAt(contentEnd - 1) !== 62) return fallbackAt('conf', `</${name}> without a closing >`, lines, contentEnd);
      const open = stack.pop();
      if (open === undefined) return fallbackAt('conf', `</${name}> closes no open section`, lines, contentStart);
      if (open.name.toLowerCase() !== name.toLowerCase()) {
        return fallbackAt('conf', `</${name}> closes <${open.name}> opened at line ${open.open.line}`, lines, contentStart);
      }
      const close = { line, lastLine, start, end, next, eol, indent, kind: 'close' as const, name, nameSpan: { start: nameStart, end: nameEnd } };
      open.close = close;
      for (const alt of alternatives.get(open) ?? []) alt.close = close;
      nodes.push(close);
      continue;
    }
    let kind: 'open' | 'directive';
    let nameStart: number;
    let nameEnd: number;
    let argsStart: number;
    let argsEnd: number;
    if (c === 60 /* < */) {
      if (text.charCodeAt(contentEnd - 1) !== 62) return fallbackAt('conf', 'section opening without a closing >', lines, contentEnd);
      kind = 'open';
      nameStart = contentStart + 1;
      nameEnd = wordEnd(text, nameStart, contentEnd - 1, 62);
      argsStart = skipBlanks(text, nameEnd, contentEnd - 1);
      argsEnd = trimBlanksEnd(text, argsStart, contentEnd - 1);
    } else {
      // `{% if x %}Require all granted{% endif %}`: the tags around are not name or arguments.
      kind = 'directive';
      nameStart = skipControlTags(text, contentStart, contentEnd, tags, first.tagFrom);
      argsEnd = trimControlTags(text, nameStart, contentEnd, tags, first.tagFrom, last.tagTo);
      nameEnd = wordEnd(text, nameStart, argsEnd, -1, tags, first.tagFrom);
      argsStart = skipBlanks(text, nameEnd, argsEnd);
    }
    // One literal for both kinds (not a spread of a shared part; see above).
    const node: ConfDirective | ConfSectionOpen = {
      line,
      lastLine,
      start,
      end,
      next,
      eol,
      indent,
      kind,
      name: text.slice(nameStart, nameEnd),
      nameSpan: { start: nameStart, end: nameEnd },
      args: splitArgs(text, argsStart, argsEnd, tags, first.tagFrom),
      argsRaw: text.slice(argsStart, argsEnd),
      argsSpan: { start: argsStart, end: argsEnd },
      sections: [...stack],
      jinja: enclosingBlocks(jinja, first.start),
    };
    nodes.push(node);
    if (node.kind === 'open') {
      const section: ConfSection = { name: node.name, args: node.args, open: node, close: undefined };
      stack.push(section);
      sections.push(section);
    }
  }
  const unclosed = sections.find((s) => s.close === undefined);
  if (unclosed !== undefined) {
    return fallbackAt('conf', `<${unclosed.name}> opened at line ${unclosed.open.line} is never closed`, lines, unclosed.open.start + unclosed.open.indent.length);
  }
  return new ConfDocument(path, text, jinja, lines, nodes, sections, includes);
}

/** Each open, branch and close tag of every block, mapped to its block. */
function blocksByTag(blocks: readonly JinjaBlock[]): Map<JinjaToken, JinjaBlock> {
  const map = new Map<JinjaToken, JinjaBlock>();
  const visit = (b: JinjaBlock): void => {
    map.set(b.open, b);
    for (const branch of b.branches) map.set(branch, b);
    if (b.close !== undefined) map.set(b.close, b);
    b.children.forEach(visit);
  };
  blocks.forEach(visit);
  return map;
}

interface BranchFrame {
  /** The open tag of the block. */
  open: JinjaToken;
  /** The section stack when the block opened. */
  snapshot: ConfSection[];
  /** For each finished branch, the sections it left open. */
  abandoned: ConfSection[][];
}

/**
 * At the close tag of a block with branches: a section left open by an earlier branch is the
 * counterpart of the one left open at the same depth by the last branch (same name), and
 * shares its close tag.
 */
function pairBranches(frame: BranchFrame, stack: readonly ConfSection[], alternatives: Map<ConfSection, ConfSection[]>): void {
  const tail = stack.slice(frame.snapshot.length);
  for (const left of frame.abandoned) {
    left.forEach((section, i) => {
      const counterpart = tail[i];
      if (counterpart === undefined || counterpart.name.toLowerCase() !== section.name.toLowerCase()) return;
      const list = alternatives.get(counterpart) ?? [];
      list.push(section, ...(alternatives.get(section) ?? []));
      alternatives.set(counterpart, list);
    });
  }
}

/** True when the line's content ends with a `\` that is not inside a Jinja tag. */
function endsWithBackslash(text: string, line: SourceLine, tags: readonly JinjaTag[]): boolean {
  if (line.eol === '') return false;
  const end = trimBlanksEnd(text, line.start, line.end);
  if (end === line.start || text.charCodeAt(end - 1) !== 92) return false;
  for (let k = line.tagFrom; k < line.tagTo; k++) {
    const t = tags[k] as JinjaTag;
    if (t.start < end && end <= t.end) return false;
  }
  return true;
}

/**
 * Offset after the word starting at `from`: up to a blank, a line break, `stop` or `to`.
 * Jinja tags (given `tags`) are part of the word even when they hold blanks.
 */
function wordEnd(text: string, from: number, to: number, stop: number, tags?: readonly JinjaTag[], tagFrom = 0): number {
  let k = tagFrom;
  let i = from;
  while (i < to) {
    if (tags !== undefined) {
      while (k < tags.length && (tags[k] as JinjaTag).end <= i) k++;
      const t = tags[k];
      if (t !== undefined && t.start === i) {
        i = t.end;
        continue;
      }
    }
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === stop) break;
    if (c === 92 /* \ */ && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) break;
    i++;
  }
  return i;
}
