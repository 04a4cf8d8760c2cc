import { AnsimodError, type Environment, type IniEntry, type JinjaBlock, type JinjaToken, type LineIndex } from '@ansimod/core';
import type { Evaluate } from '../endpoints/host-occurrences.js';

/**
 * The Jinja blocks around an INI line, outermost first, with the branch holding the line.
 *
 * @example
 * const around: Enclosures = entry.jinja; // [{ block, branch: 0, tag }] under `{% if env == 'staging' %}`
 */
export type Enclosures = IniEntry['jinja'];

/** The condition of an `if`/`elif` tag (`env == 'staging'`), or undefined for `else`. */
function conditionOf(tag: JinjaToken): string | undefined {
  const inner = tag.inner ?? '';
  const m = /^(?:el)?if\b\s*([\s\S]*)$/.exec(inner);
  return m ? (m[1] as string) : undefined;
}

/**
 * The tag that opens branch `index` of a block.
 *
 * @example
 * branchTag(scanJinja('{% if a %}x{% else %}y{% endif %}').blocks[0]!, 1).inner; // => 'else'
 */
export function branchTag(block: JinjaBlock, index: number): JinjaToken {
  return index === 0 ? block.open : (block.branches[index - 1] as JinjaToken);
}

/**
 * The tag that ends branch `index` of a block: the next `elif`/`else`, or the end tag.
 *
 * @example
 * branchEndTag(scanJinja('{% if a %}x{% else %}y{% endif %}').blocks[0]!, 1)?.inner; // => 'endif'
 */
export function branchEndTag(block: JinjaBlock, index: number): JinjaToken | undefined {
  return block.branches[index] ?? block.close;
}

/**
 * Tells, per environment, which branch of each `{% if %}` block a template takes, by rendering
 * each condition with the environment's variables (`{{ 'yes' if (COND) else '' }}`). Results are
 * cached per block and environment, so a condition is rendered once per run of a file.
 *
 * @example
 * const branches = new BranchActivity(ctx.evaluate);
 * await branches.isActive(entry.jinja, production); // => false for an entry under `{% if env == 'staging' %}`
 */
export class BranchActivity {
  private readonly taken = new Map<JinjaBlock, Map<string, number>>();

  constructor(
    private readonly evaluate: Evaluate,
    /** The file and its lines, for diagnostics. */
    private readonly path: string,
    private readonly lines?: LineIndex,
  ) {}

  /**
   * The index of the branch `block` takes in `env` (0 = the `if` body, k = the body after the
   * k-th `elif`/`else`), or -1 when no branch is taken. Only `if` blocks can be told apart.
   */
  async takenBranch(block: JinjaBlock, env: Environment): Promise<number> {
    let perEnv = this.taken.get(block);
    if (perEnv === undefined) this.taken.set(block, (perEnv = new Map()));
    const known = perEnv.get(env.name);
    if (known !== undefined) return known;
    if (block.keyword !== 'if') {
      throw new AnsimodError({
        code: 'UNSUPPORTED_TEMPLATE',
        path: this.path,
        ...(this.lines ? { line: this.lines.position(block.open.start).line } : {}),
        message: `a managed key is inside a {% ${block.keyword} %} block, whose effect per environment cannot be told`,
      });
    }
    let result = -1;
    for (let i = 0; i <= block.branches.length; i++) {
      const condition = conditionOf(branchTag(block, i));
      if (condition === undefined || (await this.holds(condition, env, branchTag(block, i)))) {
        result = i;
        break;
      }
    }
    perEnv.set(env.name, result);
    return result;
  }

  /** True when every enclosing block takes the branch holding the line in `env`. */
  async isActive(enclosures: Enclosures, env: Environment): Promise<boolean> {
    for (const { block, branch } of enclosures) {
      if ((await this.takenBranch(block, env)) !== branch) return false;
    }
    return true;
  }

  private async holds(condition: string, env: Environment, tag: JinjaToken): Promise<boolean> {
    try {
      return (await this.evaluate(`{{ 'yes' if (${condition}) else '' }}`, env)).trim() === 'yes';
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new AnsimodError({
        code: 'RENDER_FAILED',
        path: this.path,
        ...(this.lines ? { line: this.lines.position(tag.start).line } : {}),
        message: `cannot tell whether {% ${tag.inner ?? ''} %} holds in ${env.name}: ${why}`,
      });
    }
  }
}
