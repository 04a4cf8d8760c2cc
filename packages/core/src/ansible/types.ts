import type { TextRange, YamlNode, YamlPair, YamlPath } from '../formats/yaml/index.js';

/**
 * Where a task list sits: a play's sections, a role's tasks or handlers file, or a block's parts.
 *
 * @example
 * const s: TaskSection = 'pre_tasks';
 */
export type TaskSection = 'tasks' | 'pre_tasks' | 'post_tasks' | 'handlers' | 'block' | 'rescue' | 'always';

/**
 * How a task names its module: as a key (`copy:`), in `action: copy src=a` / `action: {module: copy}`,
 * or in `local_action:` (the same, run on the controller).
 *
 * @example
 * const f: ModuleForm = 'local_action';
 */
export type ModuleForm = 'key' | 'action' | 'local_action';

/**
 * The module (action) a task runs, located in the file.
 *
 * @example
 * // `- copy: src=a dest=b` gives { name: 'copy', builtin: 'copy', form: 'key', range: <the key> }
 */
export interface AnsibleModuleRef {
  /** The name as written: `copy`, `ansible.builtin.copy`, `community.general.ufw`. */
  readonly name: string;
  /** The `ansible.builtin` short name, when it is a builtin module (short or qualified). */
  readonly builtin?: string;
  readonly form: ModuleForm;
  /**
   * Exactly where the name is written: the key (quotes included) for the key form; the name
   * token inside the `action:` string, or the `module:` value, for the action forms. Undefined
   * when the name cannot be located byte for byte (it is spelled with escapes).
   */
  readonly range?: TextRange;
  /** The node holding the name: the key, the `action:` string, or the `module:` value. */
  readonly node: YamlNode;
  /** The task's pair that names the module: `copy: …`, `action: …` or `local_action: …`. */
  readonly pair: YamlPair;
}

/**
 * One `key=value` of a free-form argument string.
 *
 * @example
 * const p: FreeFormParam = { key: 'dest', value: '/etc/motd' };
 */
export interface FreeFormParam {
  readonly key: string;
  readonly value: string;
}

/**
 * A task's arguments: none, a free-form string (`src=a dest=b`, or a command line), or a mapping.
 * `args:` (the keyword) is kept separately on the task.
 *
 * @example
 * if (task.args.form === 'free-form') task.args.params.map((p) => p.key); // => ['src', 'dest']
 */
export type TaskArgs =
  | { readonly form: 'none' }
  | {
      readonly form: 'free-form';
      /** The scalar holding the string (for the action forms, the whole `action:` string). */
      readonly node: YamlNode;
      /** The arguments as Ansible reads them (the module name of an action string removed). */
      readonly raw: string;
      readonly params: readonly FreeFormParam[];
      /** What is not `key=value` (a command line), joined by single spaces; '' when none. */
      readonly freeText: string;
    }
  | { readonly form: 'mapping'; readonly node: YamlNode; readonly pairs: readonly YamlPair[] };

interface TaskListEntryBase {
  /** YAML document of the stream. */
  readonly doc: number;
  /** Path of the entry's mapping in its document. */
  readonly path: YamlPath;
  readonly node: YamlNode;
  readonly section: TaskSection;
  /** True inside a handlers file or a play's `handlers:`. */
  readonly handler: boolean;
  /** `name:` when it is a plain string. */
  readonly name?: string;
  /** The keyword pairs (`when`, `notify`, `vars`, `loop`, `with_items`, `args`…). */
  readonly keywords: readonly YamlPair[];
}

/**
 * A task or handler.
 *
 * @example
 * task.module?.builtin; // => 'template'
 * task.keywords.map((k) => k.key.value); // => ['name', 'notify', 'when']
 */
export interface AnsibleTask extends TaskListEntryBase {
  readonly kind: 'task';
  /** Undefined when the task names no module, or several keys could be one (`problem` says which). */
  readonly module?: AnsibleModuleRef;
  readonly args: TaskArgs;
  /** Keys that are neither keywords nor the module. */
  readonly unknown: readonly YamlPair[];
  readonly problem?: string;
}

/**
 * A block with its `block:`, `rescue:` and `always:` lists.
 *
 * @example
 * block.rescue.length; // => 1
 */
export interface AnsibleBlock extends TaskListEntryBase {
  readonly kind: 'block';
  readonly block: readonly TaskListEntry[];
  readonly rescue: readonly TaskListEntry[];
  readonly always: readonly TaskListEntry[];
}

/**
 * An entry of a task list.
 *
 * @example
 * const e: TaskListEntry = entries[0]!;
 * if (e.kind === 'block') e.block.length;
 */
export type TaskListEntry = AnsibleTask | AnsibleBlock;

/**
 * A role named by a play's `roles:` (`- base`, `- role: x`, `- { role: x, var: 1 }`).
 *
 * @example
 * play.roles.map((r) => r.name); // => ['base', 'docker-distribution']
 */
export interface PlayRoleEntry {
  readonly name: string;
  readonly node: YamlNode;
  readonly path: YamlPath;
  readonly doc: number;
}

/**
 * A play of a playbook.
 *
 * @example
 * play.hosts; // => 'oci_registry:oci_registry_stg'
 * play.tasks.length + play.pre_tasks.length;
 */
export interface AnsiblePlay {
  readonly kind: 'play';
  readonly doc: number;
  readonly path: YamlPath;
  readonly node: YamlNode;
  readonly name?: string;
  readonly hosts?: string;
  readonly keywords: readonly YamlPair[];
  readonly pre_tasks: readonly TaskListEntry[];
  readonly tasks: readonly TaskListEntry[];
  readonly post_tasks: readonly TaskListEntry[];
  readonly handlers: readonly TaskListEntry[];
  readonly roles: readonly PlayRoleEntry[];
  /** `vars_files:` entries as written (strings only). */
  readonly varsFiles: readonly { readonly value: string; readonly node: YamlNode }[];
}

/**
 * A playbook entry importing another playbook (`- import_playbook: other.yml`).
 *
 * @example
 * entry.target; // => 'include/proxies-websites.yml'
 */
export interface PlaybookImport {
  readonly kind: 'import_playbook';
  readonly doc: number;
  readonly path: YamlPath;
  readonly node: YamlNode;
  readonly module: AnsibleModuleRef;
  /** The playbook named, as written. */
  readonly target?: string;
  readonly keywords: readonly YamlPair[];
}

/**
 * A problem met while reading a file as Ansible would (an entry that is not a mapping, a task
 * naming two modules), at an offset of the file.
 *
 * @example
 * const p: AnsibleProblem = { offset: 120, message: 'a task list entry must be a mapping' };
 */
export interface AnsibleProblem {
  readonly offset: number;
  readonly message: string;
}

/**
 * A playbook read as Ansible reads it.
 *
 * @example
 * playbook.entries.filter((e) => e.kind === 'play').length;
 */
export interface PlaybookModel {
  readonly kind: 'playbook';
  readonly entries: readonly (AnsiblePlay | PlaybookImport)[];
  readonly problems: readonly AnsibleProblem[];
}

/**
 * A tasks or handlers file read as Ansible reads it.
 *
 * @example
 * model.entries.length;
 */
export interface TaskFileModel {
  readonly kind: 'tasks' | 'handlers';
  readonly entries: readonly TaskListEntry[];
  readonly problems: readonly AnsibleProblem[];
}
