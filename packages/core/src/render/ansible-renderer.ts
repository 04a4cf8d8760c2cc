/**
 * `--renderer ansible`: renders go to the user's ansible-core (through {@link AnsibleBridge})
 * instead of the embedded renderer. Included templates are sent with the render (so an edited
 * include is rendered as edited); other includes are found on disk beside the template.
 */
import { lookupSearchBases } from './ansible-lookups.js';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { AnsibleBridge, AnsibleRenderError } from './ansible-bridge.js';
import type { RenderFailure, RenderOptions, RenderResult } from './types.js';

/** A renderer verification can use in place of the embedded one. */
export interface RenderBackend {
  /** How the plan names it: `ansible-core 2.14.18`. */
  readonly name: string;
  render(text: string, vars: Record<string, unknown>, opts: RenderOptions): Promise<RenderResult>;
}

/** `{% include 'name' %}` with a literal name, the includes we can send along. */
const STATIC_INCLUDE = /\{%-?\s*(?:include|import|from)\s+(['"])([^'"]+)\1/g;

const CODE: Record<AnsibleRenderError['kind'], Diagnostic['code']> = {
  undefined: 'RENDER_UNDEFINED',
  syntax: 'RENDER_FAILED',
  error: 'RENDER_FAILED',
  budget: 'RENDER_BUDGET',
};

/**
 * The backend rendering through a started bridge; `repo` is the repository's absolute path.
 *
 * @example
 * const bridge = await AnsibleBridge.start({ repo });
 * if (bridge instanceof AnsibleBridge) setRenderBackend(ansibleBackend(bridge, repo));
 */
export function ansibleBackend(bridge: AnsibleBridge, repo: string): RenderBackend {
  return {
    name: `ansible-core ${bridge.versions.ansible}`,
    async render(text, vars, opts) {
      const files: Record<string, string> = {};
      const pending: Array<[string, string]> = [[text, opts.path ?? '<template>']];
      while (pending.length > 0 && opts.resolveInclude) {
        const [src, from] = pending.pop()!;
        for (const m of src.matchAll(STATIC_INCLUDE)) {
          const name = m[2]!;
          if (name in files) continue;
          const included = opts.resolveInclude(name, from);
          if (included === undefined) continue;
          files[name] = included;
          pending.push([included, join(dirname(from), name)]);
        }
      }
      const searchpath = opts.path !== undefined ? [join(repo, dirname(opts.path)), join(repo, dirname(opts.path), 'templates'), repo] : [repo];
      // A variable no inventory source defines: Ansible stops; like the embedded renderer we
      // render on with it empty and name it (the caller decides: unverifiable here, not a pass).
      const missing: string[] = [];
      // Lookups search as in a template task of the template's role or playbook (Ansible sets
      // ansible_search_path for a task; the bridge's basedir is the repository).
      if (opts.path !== undefined && !('ansible_search_path' in vars)) vars = { ...vars, ansible_search_path: lookupSearchBases(opts.path).map((b) => join(repo, b)) };
      let answer = await bridge.render({ template: text, vars, searchpath, files });
      while (!answer.ok && answer.error.kind === 'undefined' && missing.length < 50) {
        const names = (answer.error.undefined ?? []).filter((n) => !(n in vars) && !missing.includes(n) && /^[A-Za-z_]\w*$/.test(n));
        if (names.length === 0) break;
        missing.push(...names);
        answer = await bridge.render({ template: text, vars: { ...vars, ...Object.fromEntries(missing.map((n) => [n, ''])) }, searchpath, files });
      }
      if (answer.ok) return { ok: true, output: answer.output, undefinedVars: missing };
      const e = answer.error;
      const failure: RenderFailure = { kind: e.kind === 'undefined' ? 'undefined' : e.kind === 'syntax' ? 'syntax' : e.kind === 'budget' ? 'budget' : 'error' };
      // Ansible repeats the template in its messages; the first line is the cause.
      const message = e.message.replace(/\. String: [\s\S]*$/, '').split('\n')[0]!;
      const diagnostic: Diagnostic = {
        code: CODE[e.kind],
        severity: 'error',
        message: `cannot render template (ansible-core): ${message}`,
        ...(opts.path !== undefined ? { path: opts.path } : {}),
        ...(e.line !== undefined ? { line: e.line } : {}),
      };
      return { ok: false, diagnostic, undefinedVars: [...missing, ...(e.undefined ?? [])], failure };
    },
  };
}
