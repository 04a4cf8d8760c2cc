import type { JinjaScan } from '../../jinja/types.js';
import type { LineIndex } from '../../text/line-index.js';
import { StructuredDocument } from '../common/structured-document.js';
import type { ConfDirective, ConfInclude, ConfNode, ConfSection } from './model.js';

/**
 * What {@link ConfDocument.find} matches besides the name.
 *
 * @example
 * doc.find('RewriteRule', { args: [/^\^\/v2\//], within: 'Location' });
 */
export interface ConfDirectiveFilter {
  /**
   * Leading arguments to match, in order: a string equals the unquoted value exactly, a
   * RegExp tests it. `['^/v2/(.*)']` matches `RewriteRule ^/v2/(.*) …`.
   */
  args?: readonly (string | RegExp)[];
  /** Only directives inside a section with this name (case-insensitive), at any depth. */
  within?: string;
}

/**
 * A parsed Apache httpd configuration file: line nodes tiling the text, sections, and the
 * Jinja includes. `print()` is the text; changes are {@link TextEdit}s from `conf/edit.ts`.
 *
 * @example
 * const doc = parseConf('proxy.conf', text, scanJinja(text)) as ConfDocument;
 * doc.find('RewriteRule', { args: [/^\^\/v2\//] }).map((d) => d.line);
 */
export class ConfDocument extends StructuredDocument {
  readonly format = 'conf' as const;
  /** Every directive (section openings excluded), in order. */
  readonly directives: readonly ConfDirective[];

  constructor(
    path: string,
    text: string,
    jinja: JinjaScan,
    lines: LineIndex,
    readonly nodes: readonly ConfNode[],
    readonly sections: readonly ConfSection[],
    /** `{% include %}` lines, in order. */
    readonly includes: readonly ConfInclude[],
  ) {
    super(path, text, jinja, lines);
    this.directives = nodes.filter((n): n is ConfDirective => n.kind === 'directive');
  }

  /** Directives named `name` (case-insensitive, as httpd reads them) that pass `filter`. */
  find(name: string, filter: ConfDirectiveFilter = {}): ConfDirective[] {
    const lower = name.toLowerCase();
    const within = filter.within?.toLowerCase();
    return this.directives.filter((d) => {
      if (d.name.toLowerCase() !== lower) return false;
      if (within !== undefined && !d.sections.some((s) => s.name.toLowerCase() === within)) return false;
      const args = filter.args ?? [];
      for (let i = 0; i < args.length; i++) {
        const want = args[i] as string | RegExp;
        const have = d.args[i];
        if (have === undefined) return false;
        if (typeof want === 'string' ? have.value !== want : !want.test(have.value)) return false;
      }
      return true;
    });
  }
}
