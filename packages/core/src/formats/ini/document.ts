import type { JinjaScan } from '../../jinja/types.js';
import type { LineIndex } from '../../text/line-index.js';
import { StructuredDocument } from '../common/structured-document.js';
import { findCommentedEntries } from './commented.js';
import type { IniCommentedEntry, IniEntry, IniNode, IniSection } from './model.js';

/**
 * A parsed INI file: its line nodes (which tile the text), sections and entries. It never
 * re-serialises: `print()` is the text, and changes are {@link TextEdit}s made by the helpers
 * in `ini/edit.ts`.
 *
 * @example
 * const doc = parseIni('production.ini', text, scanJinja(text)) as IniDocument;
 * doc.find('container.source_registry', 'app:main').map((e) => e.value);
 */
export class IniDocument extends StructuredDocument {
  readonly format = 'ini' as const;
  private commented?: IniCommentedEntry[];

  constructor(
    path: string,
    text: string,
    jinja: JinjaScan,
    lines: LineIndex,
    /** Every line, in order. */
    readonly nodes: readonly IniNode[],
    /** Sections in order; the first has `name: null` when entries come before any header. */
    readonly sections: readonly IniSection[],
    /** Every entry, in order. */
    readonly entries: readonly IniEntry[],
  ) {
    super(path, text, jinja, lines);
  }

  /**
   * Entries with this exact key; only those in `section` when it is given (`null`: before the
   * first header). Several entries may match (one per branch of a Jinja `if`, for example).
   */
  find(key: string, section?: string | null): IniEntry[] {
    return this.entries.filter((e) => e.key === key && (section === undefined || e.section === section));
  }

  /** The first section with this name (`null`: the entries before the first header). */
  section(name: string | null): IniSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Comment lines that read like entries (`# key = default`), in order. Computed once. */
  commentedEntries(): IniCommentedEntry[] {
    this.commented ??= findCommentedEntries(this);
    return this.commented;
  }
}
