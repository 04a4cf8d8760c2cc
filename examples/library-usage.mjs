// Using ansimod from another program: plan a transform on a repository, print the diff as a
// git patch, then write the changes. Run: node examples/library-usage.mjs path/to/ansible-repo
import { formatPatch, planSteps, writeChangesAtomically } from '@ansimod/core';
import { builtinRegistry } from '@ansimod/transforms';

const root = process.argv[2] ?? '.';
const transform = builtinRegistry().transform('swap-docker-auth-host');

// Plan: nothing is written yet. Every edit is re-parsed and the templates are rendered for each
// environment of the repository's inventory before the plan is returned.
const plan = await planSteps(root, [
  {
    transform,
    options: { maps: { 'candidate-registry.fedoraproject.org': 'quay.io/fedora' } },
    stage: 'OSBS',
    target: 'docker auth entries',
  },
]);
if (plan.errors.length) {
  for (const e of plan.errors) console.error(`${e.path ?? ''}:${e.line ?? ''}: ${e.message}`);
  process.exit(3);
}
if (plan.changes.length === 0) {
  console.error('nothing to change');
  process.exit(0);
}

// The diff, as a `git format-patch` mail that `git am` applies.
const changes = plan.changes.map((c) => ({ path: c.path, before: c.beforeBytes, after: c.afterBytes, modeBefore: c.mode, modeAfter: c.mode }));
process.stdout.write(
  formatPatch({
    author: { name: 'Registry Bot', email: 'registry-bot@example.org' },
    date: new Date(),
    subject: 'Move docker auth entries to the new registry',
    body: 'Generated with the ansimod library.',
    changes,
  }),
);

// Apply: all files or none, each only if it still has the bytes the plan read.
const written = await writeChangesAtomically(plan.root, changes);
console.error(`wrote ${written.length} file(s): ${written.map((w) => w.path).join(', ')}`);
