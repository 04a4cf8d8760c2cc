/**
 * The Ansible layer: a repository as Ansible sees it — which files are playbooks, tasks,
 * handlers, vars, templates (by place and by reference, never by content), its roles, and
 * plays, blocks, tasks and handlers with their modules, arguments and keywords, every node
 * located in the lossless YAML document. What it knows about ansible-core is data
 * (`data/ansible-core.json`, generated from ansible-core).
 */
export { ansibleCore, builtinModuleName, isAction, isBlockKeyword, isPlayKeyword, isTaskKeyword, type AnsibleCoreData } from './ansible-core-data.js';
export { AnsibleRepository, type AnsibleFileClass, type AnsibleReference, type AnsibleReferenceSite, type AnsibleRole, type AnsibleSource, type UnresolvedReference } from './AnsibleRepository.js';
export { kindByPlace, roleOfPath, type AnsibleFileKind } from './places.js';
export { readPlaybook, readTaskFile } from './read-playbook.js';
export { allTasks, readTaskList } from './read-tasks.js';
export { parseFreeForm, splitTaskArgs } from './free-form.js';
export type * from './types.js';
export { collectReferences, resolveReference, scopeOf, underCheckout, type FileReference, type ReferenceSource } from './references.js';
export { includeCandidates, resolveTarget, searchPaths, ROLE_KINDS, type ReferenceKind, type ResolveScope } from './references-resolve.js';
