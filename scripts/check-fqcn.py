#!/usr/bin/python3
"""Checks an fqcn change of an Ansible tree independently of ansimod, as its owners would.

Given the tree before and after (`ansimod apply --recipe fqcn` run on a copy), it checks with
PyYAML and ansible-core's own module list and task keywords (nothing of ansimod's code or data):

1. no other byte changed: every changed file is its old bytes with `ansible.builtin.` inserted
   in some places, and no file was added or removed;
2. the YAML data differ by exactly those renames: each changed file, loaded before and after,
   differs only by mapping keys `X` -> `ansible.builtin.X` (and `action:`/`local_action:`/
   `module:` values whose first word is `X`), X a builtin module, one per inserted prefix;
3. no short builtin module key is left in any task or handler of any playbook or task file.
   Playbooks are the YAML files at the top or under `playbooks/` that hold plays; task files
   are a role's `tasks/` and `handlers/` files, top-level `tasks/` and `handlers/`, and what
   `import_tasks`/`include_tasks`/`include` name (followed from plays and task files; templated
   names are not followed and are listed).

Run it with the Python that has ansible-core (Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/check-fqcn.py BEFORE AFTER [--json]

It prints the counts (files and keys changed, task files and tasks looked at, what is left) and
every problem, and exits 0 when all three hold, 1 when not, 2 on bad usage.
"""
import json
import os
import subprocess
import sys

import yaml
from ansible.playbook.block import Block
from ansible.playbook.handler import Handler
from ansible.playbook.play import Play
from ansible.playbook.task import Task
from ansible.release import __version__ as ANSIBLE_VERSION

PREFIX = 'ansible.builtin.'
SKIP_DIRS = {'.git'}


def builtin_modules():
    """ansible-core's own list of ansible.builtin modules (deprecated ones are listed as `_name`)."""
    out = subprocess.run(['ansible-doc', '-t', 'module', '-l', '-j', 'ansible.builtin'], check=True, capture_output=True, text=True).stdout
    return {name[len(PREFIX):].lstrip('_') for name in json.loads(out)}


MODULES = builtin_modules()
TASK_KEYWORDS = set(Task.fattributes) | set(Handler.fattributes) | {'action', 'local_action'}
BLOCK_KEYS = ('block', 'rescue', 'always')
PLAY_TASK_SECTIONS = ('pre_tasks', 'tasks', 'post_tasks', 'handlers')


class Tagged(tuple):
    """An `!unsafe`/`!vault` value: its tag and its value, so that a change of either is seen."""


def construct_tagged(loader, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged((node.tag, json.dumps(value, sort_keys=True, default=str)))


class Loader(yaml.SafeLoader):
    pass


for tag in ('!unsafe', '!vault', '!vault-encrypted'):
    Loader.add_constructor(tag, construct_tagged)


def load(data):
    """Every document of a YAML file. Not UTF-8 (a Latin-1 byte): read as Latin-1, whose bytes map one to one."""
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        text = data.decode('latin-1')
    return list(yaml.load_all(text, Loader=Loader))


def files_of(root):
    out = []
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append(os.path.relpath(p, root))
    return sorted(out)


def insertions(before, after):
    """The offsets (in `before`) where `ansible.builtin.` was inserted, or None if anything else changed."""
    prefix = PREFIX.encode()
    at, i, j = [], 0, 0
    while i < len(before) or j < len(after):
        if i < len(before) and j < len(after) and before[i] == after[j]:
            # Runs of equal bytes are skipped fast.
            k = 0
            n = min(len(before) - i, len(after) - j)
            step = 4096
            while k < n and before[i + k:i + min(n, k + step)] == after[j + k:j + min(n, k + step)]:
                k = min(n, k + step)
            while k < n and before[i + k] == after[j + k]:
                k += 1
            i, j = i + k, j + k
            continue
        if after[j:j + len(prefix)] == prefix:
            at.append(i)
            j += len(prefix)
            continue
        return None
    return at


def first_word(s):
    parts = s.split(None, 1)
    return parts[0] if parts else ''


def compare(b, a, path, renames, problems):
    """Walks the data before and after; records each key rename X -> ansible.builtin.X, and anything else that differs."""
    if isinstance(b, dict) and isinstance(a, dict):
        matched = set()
        for ka, va in a.items():
            if ka in b:
                matched.add(ka)
                compare(b[ka], va, path + [ka], renames, problems)
            elif isinstance(ka, str) and ka.startswith(PREFIX) and ka[len(PREFIX):] in b and ka[len(PREFIX):] not in a and ka[len(PREFIX):] in MODULES:
                short = ka[len(PREFIX):]
                matched.add(short)
                renames.append((path, short))
                compare(b[short], va, path + [ka], renames, problems)
            else:
                problems.append(f'{fmt(path + [ka])}: a key that was not there')
        for kb in b:
            if kb not in matched:
                problems.append(f'{fmt(path + [kb])}: a key that is gone')
        return
    if isinstance(b, list) and isinstance(a, list):
        if len(b) != len(a):
            problems.append(f'{fmt(path)}: {len(b)} entries before, {len(a)} after')
            return
        for k, (x, y) in enumerate(zip(b, a)):
            compare(x, y, path + [k], renames, problems)
        return
    if isinstance(b, str) and isinstance(a, str) and b != a and path and path[-1] in ('action', 'local_action', 'module'):
        lead = len(b) - len(b.lstrip())
        word = first_word(b)
        if word in MODULES and a == b[:lead] + PREFIX + b[lead:]:
            renames.append((path, word))
            return
    if type(b) is not type(a) or b != a:
        problems.append(f'{fmt(path)}: {short_repr(b)} became {short_repr(a)}')


def fmt(path):
    return ''.join(f'[{p}]' if isinstance(p, int) else f'.{p}' for p in path) or '(root)'


def short_repr(v):
    s = repr(v)
    return s if len(s) <= 80 else s[:77] + '...'


def is_playbook_place(p):
    parts = p.split('/')
    return p.endswith(('.yml', '.yaml')) and (len(parts) == 1 or parts[0] == 'playbooks')


def task_place(p):
    """'tasks' or 'handlers' when the place says so."""
    if not p.endswith(('.yml', '.yaml')):
        return None
    parts = p.split('/')
    if parts[0] in ('tasks', 'handlers') and len(parts) > 1:
        return parts[0]
    if 'roles' in parts:
        r = parts.index('roles')
        for k in range(r + 2, len(parts) - 1):
            if parts[k] in ('tasks', 'handlers'):
                return parts[k]
            if parts[k] in ('templates', 'files', 'vars', 'defaults', 'meta'):
                return None
    return None


def module_of(task):
    """The module keys of a task as Ansible would find them: (key, name, via) for each candidate."""
    out = []
    for k, v in task.items():
        if not isinstance(k, str):
            continue
        if k in ('action', 'local_action'):
            name = first_word(v) if isinstance(v, str) else (v.get('module') if isinstance(v, dict) else None)
            if isinstance(name, str):
                out.append((k, name, k))
            continue
        if k in TASK_KEYWORDS or k.startswith('with_'):
            continue
        out.append((k, k, 'key'))
    return out


def walk_tasks(entries, where, seen):
    """Every task of a task list, blocks opened: (path, task)."""
    if not isinstance(entries, list):
        return
    for i, t in enumerate(entries):
        if not isinstance(t, dict):
            continue
        if any(k in t for k in BLOCK_KEYS):
            for k in BLOCK_KEYS:
                walk_tasks(t.get(k), where + [i, k], seen)
            continue
        seen.append((where + [i], t))


def include_target(task):
    for k, name, via in module_of(task):
        if name.replace(PREFIX, '') in ('import_tasks', 'include_tasks', 'include'):
            v = task[k]
            if via != 'key':
                v = v.split(None, 1)[1] if isinstance(v, str) and len(v.split(None, 1)) > 1 else (v.get('file') if isinstance(v, dict) else None)
            if isinstance(v, dict):
                v = v.get('file') or v.get('_raw_params')
            if isinstance(v, str):
                return v.strip() if '{{' in v or '{%' in v else first_word(v)
    return None


def main(argv):
    args = [a for a in argv if not a.startswith('--')]
    if len(args) != 2:
        print(__doc__.strip().split('\n\n')[2], file=sys.stderr)
        return 2
    before_root, after_root = args
    result = {'ansible_core': ANSIBLE_VERSION, 'builtin_modules': len(MODULES), 'files_changed': 0, 'keys_inserted': 0, 'data_renames': 0,
              'playbooks': 0, 'task_files': 0, 'tasks': 0, 'short_keys_left': [], 'byte_problems': [], 'data_problems': [], 'not_followed': [], 'unreadable': []}
    bfiles, afiles = files_of(before_root), files_of(after_root)
    if bfiles != afiles:
        for p in sorted(set(bfiles) ^ set(afiles)):
            result['byte_problems'].append(f'{p}: only in {"before" if p in bfiles else "after"}')
    # 1 and 2: bytes, then data, of every changed file.
    for p in sorted(set(bfiles) & set(afiles)):
        with open(os.path.join(before_root, p), 'rb') as f:
            b = f.read()
        with open(os.path.join(after_root, p), 'rb') as f:
            a = f.read()
        if a == b:
            continue
        result['files_changed'] += 1
        at = insertions(b, a)
        if at is None:
            result['byte_problems'].append(f'{p}: a change other than inserting {PREFIX}')
            continue
        result['keys_inserted'] += len(at)
        try:
            db, da = load(b), load(a)
        except Exception as e:  # noqa: BLE001 - any YAML error is reported
            result['data_problems'].append(f'{p}: does not load as YAML: {str(e).splitlines()[0]}')
            continue
        renames, problems = [], []
        compare(db, da, [], renames, problems)
        result['data_renames'] += len(renames)
        result['data_problems'].extend(f'{p}: {x}' for x in problems)
        if len(renames) != len(at):
            result['data_problems'].append(f'{p}: {len(at)} prefixes inserted, {len(renames)} module names renamed in the data')
    # 3: no short builtin module key left in any task.
    task_files = {}
    queue = []
    for p in afiles:
        place = task_place(p)
        if place:
            task_files[p] = place
            queue.append((p, place))
    for p in afiles:
        if not is_playbook_place(p):
            continue
        try:
            docs = load(open(os.path.join(after_root, p), 'rb').read())
        except Exception as e:  # noqa: BLE001
            result['unreadable'].append(f'{p}: {str(e).splitlines()[0]}')
            continue
        plays = [x for d in docs if isinstance(d, list) for x in d if isinstance(x, dict)]
        if not plays or not all(('hosts' in x or 'import_playbook' in x or 'ansible.builtin.import_playbook' in x) for x in plays):
            continue
        result['playbooks'] += 1
        for i, play in enumerate(plays):
            if 'import_playbook' in play:
                result['short_keys_left'].append(f'{p}[{i}]: import_playbook')
            for section in PLAY_TASK_SECTIONS:
                tasks = []
                walk_tasks(play.get(section), [i, section], tasks)
                check_tasks(p, tasks, result, os.path.dirname(p), queue, task_files, 'handlers' if section == 'handlers' else 'tasks', afiles)
    done = set()
    while queue:
        p, kind = queue.pop()
        if p in done:
            continue
        done.add(p)
        try:
            docs = load(open(os.path.join(after_root, p), 'rb').read())
        except Exception as e:  # noqa: BLE001
            result['unreadable'].append(f'{p}: {str(e).splitlines()[0]}')
            continue
        result['task_files'] += 1
        tasks = []
        for d in docs:
            walk_tasks(d, [], tasks)
        check_tasks(p, tasks, result, os.path.dirname(p), queue, task_files, kind, afiles)
    ok = not (result['short_keys_left'] or result['byte_problems'] or result['data_problems'])
    if '--json' in argv:
        print(json.dumps(result, indent=2))
    else:
        print(f"ansible-core {result['ansible_core']} ({result['builtin_modules']} builtin modules)")
        print(f"changed: {result['files_changed']} files, {result['keys_inserted']} '{PREFIX}' prefixes inserted, {result['data_renames']} module names renamed in the data")
        print(f"looked at: {result['playbooks']} playbooks, {result['task_files']} task files, {result['tasks']} tasks")
        for k in ('byte_problems', 'data_problems', 'short_keys_left', 'unreadable', 'not_followed'):
            print(f"{k.replace('_', ' ')}: {len(result[k])}")
            for x in result[k][:50]:
                print(f'  {x}')
        print('OK' if ok else 'NOT OK')
    return 0 if ok else 1


def check_tasks(p, tasks, result, here, queue, task_files, kind, afiles):
    role_tasks = None
    parts = p.split('/')
    if 'roles' in parts:
        for k in range(len(parts) - 1):
            if parts[k] in ('tasks', 'handlers'):
                role_tasks = '/'.join(parts[:k]) + '/tasks'
                break
    for path, t in tasks:
        result['tasks'] += 1
        for key, name, via in module_of(t):
            if name in MODULES:
                result['short_keys_left'].append(f'{p}{fmt(path)}: {name}' + ('' if via == 'key' else f' (in {via})'))
        target = include_target(t)
        if target is None:
            continue
        if '{{' in target or '{%' in target:
            result['not_followed'].append(f'{p}{fmt(path)}: {target}')
            continue
        for base in [role_tasks, here, '']:
            if base is None:
                continue
            c = os.path.normpath(os.path.join(base, target))
            if c in afiles:
                if c not in task_files:
                    task_files[c] = kind
                    queue.append((c, kind))
                break


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
