/** A 1-based line and column (column counted in UTF-16 code units, like editors do). */
export interface LinePos {
  line: number;
  column: number;
}

/**
 * Maps offsets to line/column and back. Recognises `\n`, `\r\n` and lone `\r` line ends.
 *
 * @example
 * const idx = new LineIndex('a\nbc');
 * idx.position(3); // => { line: 2, column: 2 }
 */
export class LineIndex {
  /** Offsets at which each line starts; `starts[0] === 0`. */
  readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The 1-based line/column of an offset. */
  position(offset: number): LinePos {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  }

  /** The offset where 1-based `line` starts. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))] as number;
  }

  /** The offset where 1-based `line` ends, before its line break. */
  lineEnd(line: number): number {
    const next = line < this.starts.length ? (this.starts[line] as number) : this.text.length;
    let end = next;
    if (end > this.lineStart(line) && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStart(line) && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The text of 1-based `line`, without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}
