import { AnsibleRepository, type AnsibleSource } from '../ansible/index.js';
import { YamlDocument } from '../formats/yaml/index.js';
import { walkRepository } from '../repo/index.js';
import { RepoIndex } from './repo-index.js';
import type { RepoView } from './types.js';

/**
 * The Ansible layer's view of a repository read through a {@link RepoView}: texts come from the
 * plan's cache, documents are parsed once and shared with the transforms.
 *
 * @example
 * const ansible = await AnsibleRepository.analyze(ansibleSourceOf(ctx.repo));
 */
export function ansibleSourceOf(repo: RepoView): AnsibleSource {
  return {
    paths: () => repo.paths(),
    text: async (p) => (await repo.file(p))?.text,
    yaml: async (p) => {
      const f = await repo.file(p);
      if (!f) return undefined;
      const d = f.document;
      return d instanceof YamlDocument ? d : undefined;
    },
  };
}

/**
 * Walks the repository at `root` and classifies it as Ansible does: a library user's entry
 * to the Ansible layer.
 *
 * @example
 * const ansible = await analyzeAnsibleRepository('/srv/ansible');
 * ansible.filesOf('tasks').length;
 */
export async function analyzeAnsibleRepository(root: string): Promise<AnsibleRepository> {
  const walk = await walkRepository(root);
  return AnsibleRepository.analyze(ansibleSourceOf(new RepoIndex(walk.root, walk.files)));
}
