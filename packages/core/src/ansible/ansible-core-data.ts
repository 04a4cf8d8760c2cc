import data from './data/ansible-core.json' with { type: 'json' };

/**
 * What the Ansible layer knows about ansible-core, generated from an installed ansible-core by
 * `scripts/gen-ansible-core-data.py` (`data/ansible-core.json`, schema beside it) and never
 * written by hand: the keywords of each playbook object, the `ansible.builtin` modules and the
 * actions the parser treats specially. `version` says which ansible-core it came from.
 *
 * @example
 * ansibleCore.version; // => '2.14.18'
 * ansibleCore.modules.includes('copy'); // => true
 */
export interface AnsibleCoreData {
  readonly source: 'ansible-core';
  readonly version: string;
  readonly generatedBy: string;
  readonly keywords: Readonly<Record<'play' | 'block' | 'task' | 'handler' | 'role', readonly string[]>>;
  /** Keys the module-argument parser takes as task keywords besides the field attributes. */
  readonly taskKeywordExtras: readonly string[];
  /** `with_items`, `with_dict`…: loops, never modules. */
  readonly loopKeywordPrefix: string;
  /** A task-list entry with any of these keys is a block. */
  readonly blockKeys: readonly string[];
  /** Short names of the `ansible.builtin` modules. */
  readonly modules: readonly string[];
  readonly deprecatedModules: readonly string[];
  /** Short names of builtin actions ansible-core treats specially (`includeTasks`, `importPlaybook`…). */
  readonly actionGroups: Readonly<Record<string, readonly string[]>>;
}

/**
 * The shipped ansible-core data (see {@link AnsibleCoreData}).
 *
 * @example
 * ansibleCore.keywords.task.includes('when'); // => true
 */
export const ansibleCore: AnsibleCoreData = data as AnsibleCoreData;

const BUILTIN_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];
const modules = new Set(ansibleCore.modules);
const taskKeywords = new Set([...ansibleCore.keywords.task, ...ansibleCore.keywords.handler, ...ansibleCore.taskKeywordExtras]);
const blockKeywords = new Set(ansibleCore.keywords.block);
const playKeywords = new Set(ansibleCore.keywords.play);
const groups = new Map(Object.entries(ansibleCore.actionGroups).map(([k, v]) => [k, new Set(v)]));

/**
 * Whether a task key is a keyword (`when`, `loop`, `with_items`, `local_action`…) rather than a
 * module, as ansible-core's module-argument parser decides: task and handler field attributes,
 * `local_action`, `static`, and every `with_` key.
 *
 * @example
 * isTaskKeyword('notify'); // => true
 * isTaskKeyword('copy'); // => false
 */
export function isTaskKeyword(key: string): boolean {
  return taskKeywords.has(key) || key.startsWith(ansibleCore.loopKeywordPrefix);
}

/**
 * Whether a key of a task-list entry is a block keyword (`block`, `rescue`, `when`…).
 *
 * @example
 * isBlockKeyword('rescue'); // => true
 */
export function isBlockKeyword(key: string): boolean {
  return blockKeywords.has(key);
}

/**
 * Whether a key of a play is a play keyword (`hosts`, `pre_tasks`, `vars_files`…).
 *
 * @example
 * isPlayKeyword('hosts'); // => true
 */
export function isPlayKeyword(key: string): boolean {
  return playKeywords.has(key);
}

/**
 * The short name of an `ansible.builtin` module named `name` — short (`copy`) or qualified
 * (`ansible.builtin.copy`, `ansible.legacy.copy`) — or undefined for anything else (another
 * collection's module, a role's own module, a keyword).
 *
 * @example
 * builtinModuleName('ansible.builtin.copy'); // => 'copy'
 * builtinModuleName('community.general.ufw'); // => undefined
 */
export function builtinModuleName(name: string): string | undefined {
  for (const prefix of BUILTIN_PREFIXES) if (name.startsWith(prefix)) name = name.slice(prefix.length);
  return modules.has(name) ? name : undefined;
}

/**
 * Whether the builtin action `name` (short or qualified) belongs to one of ansible-core's
 * special groups (`includeTasks`, `importTasks`, `include`, `includeRole`, `importRole`,
 * `includeVars`, `importPlaybook`, `rawParams`, `builtinTasks`).
 *
 * @example
 * isAction('ansible.builtin.import_tasks', 'importTasks'); // => true
 */
export function isAction(name: string, group: string): boolean {
  const short = builtinModuleName(name) ?? name;
  return groups.get(group)?.has(short) === true && (short === name || builtinModuleName(name) !== undefined);
}
