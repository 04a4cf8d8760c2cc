import { enclosingBlocks } from '../../jinja/index.js';
import type { JinjaBlock, JinjaScan, JinjaToken } from '../../jinja/types.js';

/**
 * A Jinja block around a place in the text, with the branch the place is in: for
 * `{% if env == 'staging' %}a{% else %}b{% endif %}`, `a` is in branch 0 under the `if` tag and
 * `b` in branch 1 under the `else` tag. `tag.inner` is the condition text (`if env == 'staging'`).
 * (Same shape as the YAML adapter's `JinjaBranchRef`.)
 *
 * @example
 * entry.jinja.some((e) => e.block.keyword === 'if' && e.tag.inner === "if env == 'staging'");
 */
export interface JinjaEnclosure {
  readonly block: JinjaBlock;
  /** 0: the body after the open tag; k: the body after the k-th `elif`/`else`. */
  readonly branch: number;
  /** The `open` tag or the `elif`/`else` tag whose body holds the place. */
  readonly tag: JinjaToken;
}

/**
 * The blocks enclosing `offset`, outermost first, each with the tag of the branch holding it
 * (the jinja layer's `enclosingBlocks`, with the branch index resolved to its tag).
 *
 * @example
 * const text = "{% if env == 'staging' %}\nx = 1\n{% endif %}\n";
 * jinjaContextAt(scanJinja(text), 26).map((e) => e.tag.inner); // => ["if env == 'staging'"]
 */
export function jinjaContextAt(scan: JinjaScan, offset: number): JinjaEnclosure[] {
  if (scan.blocks.length === 0) return [];
  return enclosingBlocks(scan, offset).map(({ block, branch }) => ({
    block,
    branch,
    tag: branch === 0 ? block.open : (block.branches[branch - 1] ?? block.open),
  }));
}
