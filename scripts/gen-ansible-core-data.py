#!/usr/bin/python3
"""Writes packages/core/src/ansible/data/ansible-core.json from the installed ansible-core.

What the Ansible layer knows about ansible-core is data, taken from ansible-core itself:
the keywords of plays, blocks, tasks, handlers and role entries (the classes' field
attributes, as ``ModuleArgsParser`` uses them to tell keywords from module names), the
``ansible.builtin`` modules (the files of ``ansible/modules`` that carry documentation, as
``ansible-doc -l ansible.builtin`` lists them), and the action groups the parser and the
playbook loader treat specially. The file records the version it came from.

Run it with the Python that has ansible-core (Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/gen-ansible-core-data.py          # write the file
    /usr/bin/python3 scripts/gen-ansible-core-data.py --check  # exit 1 if it is not up to date
    /usr/bin/python3 scripts/gen-ansible-core-data.py --print  # print it
"""
import json
import os
import sys

import ansible
import ansible.constants as C
import ansible.parsing.mod_args as mod_args
from ansible.playbook.block import Block
from ansible.playbook.handler import Handler
from ansible.playbook.play import Play
from ansible.playbook.role.definition import RoleDefinition
from ansible.playbook.task import Task
from ansible.release import __version__

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'packages', 'core', 'src', 'ansible', 'data', 'ansible-core.json')
BUILTIN = 'ansible.builtin.'


def short_builtin(names):
    """The short names of the ansible.builtin members of an action group."""
    out = set()
    for n in names:
        if n.startswith(BUILTIN):
            out.add(n[len(BUILTIN):])
        elif '.' not in n:
            out.add(n)
    return sorted(out)


def builtin_modules():
    """(modules, deprecated): the documented modules shipped in ansible/modules."""
    folder = os.path.join(os.path.dirname(ansible.__file__), 'modules')
    modules, deprecated = [], []
    for f in sorted(os.listdir(folder)):
        name, ext = os.path.splitext(f)
        if ext not in ('.py', '.ps1') or name == '__init__':
            continue
        with open(os.path.join(folder, f), encoding='utf-8') as fh:
            if not any(line.startswith('DOCUMENTATION') for line in fh):
                continue  # async_wrapper: a helper, not a module a task names
        if name.startswith('_'):
            name = name[1:]
            deprecated.append(name)
        modules.append(name)
    return sorted(set(modules)), sorted(set(deprecated))


def data():
    modules, deprecated = builtin_modules()
    extras = sorted({'local_action', 'static'})  # ModuleArgsParser adds these to the task keywords
    return {
        '$schema': './ansible-core.schema.json',
        'source': 'ansible-core',
        'version': __version__,
        'generatedBy': 'scripts/gen-ansible-core-data.py',
        'keywords': {
            'play': sorted(Play.fattributes),
            'block': sorted(Block.fattributes),
            'task': sorted(Task.fattributes),
            'handler': sorted(Handler.fattributes),
            'role': sorted(RoleDefinition.fattributes),
        },
        'taskKeywordExtras': extras,
        'loopKeywordPrefix': 'with_',
        'blockKeys': ['always', 'block', 'rescue'],
        'modules': modules,
        'deprecatedModules': deprecated,
        'actionGroups': {
            'builtinTasks': short_builtin(mod_args.BUILTIN_TASKS),
            'rawParams': short_builtin(mod_args.RAW_PARAM_MODULES),
            'importPlaybook': short_builtin(C._ACTION_IMPORT_PLAYBOOK),
            'includeTasks': short_builtin(C._ACTION_INCLUDE_TASKS),
            'importTasks': short_builtin(C._ACTION_IMPORT_TASKS),
            'include': short_builtin(C._ACTION_INCLUDE),
            'includeRole': short_builtin(C._ACTION_INCLUDE_ROLE),
            'importRole': short_builtin(C._ACTION_IMPORT_ROLE),
            'includeVars': short_builtin(C._ACTION_INCLUDE_VARS),
        },
    }


def main():
    text = json.dumps(data(), indent=2) + '\n'
    if '--print' in sys.argv:
        sys.stdout.write(text)
        return 0
    if '--check' in sys.argv:
        with open(OUT, encoding='utf-8') as fh:
            if fh.read() != text:
                sys.stderr.write('%s is not what ansible-core %s gives; run %s\n' % (OUT, __version__, sys.argv[0]))
                return 1
        return 0
    with open(OUT, 'w', encoding='utf-8') as fh:
        fh.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
