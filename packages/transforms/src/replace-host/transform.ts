import { defineTransform, isTemplatePath, readByAnsible, type VisitResult } from '@ansimod/core';
import { hostMapFor } from './host-map.js';
import { hostVarsRename } from './host-vars.js';
import { keepsWholeFile, parseKeepRules, type KeepRule } from './keep-rules.js';
import { planHostMoves } from './plan-file.js';
import { hostMoveCheck } from './render-check.js';

/** Keep rules parsed once per options object. */
const keepRules = new WeakMap<object, KeepRule[]>();

function keepRulesFor(keep: Readonly<Record<string, string>> | undefined): KeepRule[] {
  if (!keep) return [];
  let rules = keepRules.get(keep);
  if (!rules) keepRules.set(keep, (rules = parseKeepRules(keep)));
  return rules;
}

/**
 * `replace-host`: moves host names to new names in every file that names them, whatever its
 * format (YAML, INI, JSON, Apache conf, plain text and templates): exact names or `*.domain`
 * patterns, per environment where a rule names one, hosts split by Jinja or regex-escaped
 * included; a longer host that merely contains a mapped one is not matched, and keep rules
 * (data: `path:GLOB host:NAME` → reason) keep what must stay, each accounted for.
 *
 * @example
 * await planSteps(root, [{
 *   transform: replaceHost,
 *   options: { maps: { '*.iad2.fedoraproject.org': '*.rdu3.fedoraproject.org' } },
 *   stage: 'hosts',
 *   target: 'iad2 hosts',
 * }]);
 */
export const replaceHost = defineTransform({
  name: 'replace-host',
  displayName: 'Replace host names',
  description:
    'Moves host names (exact names or *.domain patterns, per environment where a rule names one) to new names in every format, finding hosts split by Jinja and regex-escaped hosts, never a longer host that contains one; keep rules say what stays and why.',
  options: {
    maps: {
      type: 'map',
      required: true,
      description: 'Host (or *.domain, optionally ENV:-prefixed) to its new name (or *.domain).',
      example: '*.iad2.fedoraproject.org=*.rdu3.fedoraproject.org',
    },
    keep: {
      type: 'map',
      description: 'Keep rules: "path:GLOB host:NAME" (either or both) to the reason the occurrence stays.',
      example: 'path:roles/nagios/**=monitoring keeps the old names until the move is done',
    },
  },
  select: (options) => ({ contains: hostMapFor(options.maps).needles(), named: hostMapFor(options.maps).hostVarsGlobs() }),

  async visit(file, ctx): Promise<VisitResult> {
    const map = hostMapFor(ctx.options.maps);
    const keep = keepRulesFor(ctx.options.keep);
    const whole = keepsWholeFile(keep, file.path);
    if (whole) return { outcome: 'skip', reason: `kept: ${whole.reason}` };
    const hostVars = hostVarsRename(file.path, map, keep, ctx.environments);
    const renames = hostVars.rename ? [hostVars.rename] : [];
    const jinjaError = file.document.jinja.errors[0];
    if (jinjaError && !readByAnsible(file.path)) {
      // Text Ansible never reads (a README) whose braces read as unbalanced Jinja: listed, not guessed at.
      return { outcome: 'nochange', matched: false, notes: [`not read: line ${jinjaError.line ?? '?'}: ${jinjaError.message}`] };
    }
    const plan = await planHostMoves(file.path, file.text, {
      map,
      keep,
      environments: ctx.environments,
      evaluate: (t, env) => ctx.evaluate(t, env),
      jinjaAllowed: isTemplatePath(file.path) || file.document.format === 'yaml',
    });
    const notes = [...(hostVars.rename ? [`renamed to ${hostVars.rename.to}`] : hostVars.note ? [hostVars.note] : []), ...plan.moved, ...plan.kept.map((k) => `kept ${k}`), ...plan.unresolved];
    if (plan.edits.length === 0 && renames.length > 0) return { outcome: 'changed', edits: [], renames, notes };
    if (plan.edits.length === 0) {
      if (plan.kept.length > 0 || hostVars.note?.startsWith('kept')) return { outcome: 'nochange', matched: true, notes };
      if (hostVars.note) return { outcome: 'nochange', matched: false, notes };
      if (plan.unresolved.length > 0) return { outcome: 'nochange', matched: false, notes };
      return { outcome: 'skip', reason: 'names no mapped host' };
    }
    return { outcome: 'changed', edits: plan.edits, renames, checks: [hostMoveCheck(file.path, map, plan.keptHosts)], notes };
  },
});
