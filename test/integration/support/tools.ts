/**
 * The real tools the integration suite compares against. A missing tool fails the test that needs
 * it with the command that installs it (never a skip: `.ci/run` installs them all).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Debian package that provides each tool the suite runs. */
const PACKAGE_OF: Record<string, string> = {
  'ansible-playbook': 'ansible-core',
  ansible: 'ansible-core',
  python3: 'python3',
  chromium: 'chromium',
  'pre-commit': 'pre-commit',
  strace: 'strace',
  git: 'git',
};

/**
 * The absolute path of `tool` on PATH; throws, naming the Debian package, when it is missing.
 *
 * @example
 * const playbook = requireTool('ansible-playbook');
 */
export function requireTool(tool: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  const where = found.stdout.trim();
  if (found.status !== 0 || where === '') {
    throw new Error(`${tool} is not installed: apt-get install ${PACKAGE_OF[tool] ?? tool} (the integration suite needs it; .ci/run installs it)`);
  }
  return where;
}

/**
 * The Python that runs ansible-core: the interpreter of `ansible-playbook`'s #! line.
 *
 * @example
 * spawnSync(ansiblePython(), ['scripts/gen-ansible-core-data.py', '--print']);
 */
export function ansiblePython(): string {
  const first = readFileSync(requireTool('ansible-playbook'), 'utf8').split('\n')[0] ?? '';
  return first.replace(/^#!\s*/, '').split(/\s+/)[0] ?? 'python3';
}
