#!/usr/bin/env python3
"""Renders templates with the installed ansible-core, for ansimod.

A long-lived process: one JSON request per line on stdin, one JSON answer per line on stdout.
Templates are rendered as Ansible's `template` module renders them: Ansible's own Templar with an
AnsibleEnvironment, trim_blocks on, lstrip_blocks off, "\\n" newlines, trailing newlines kept
(`do_template(preserve_trailing_newlines=True, escape_backslashes=False)`).

Started as `python3 ansible_render.py [--repo DIR]`. With a repository, its ansible.cfg is the
configuration (ANSIBLE_CONFIG, set before ansible is imported) and its filter_plugins/ (and the
configured filter plugin paths) provide filters, as they would to a playbook run there.

Requests:
  {"id": 1, "op": "hello"}
      -> {"id": 1, "ok": true, "ansible": "2.14.18", "jinja2": "3.1.2", "python": "3.11.2"}
  {"id": 2, "op": "render", "template": "...", "vars": {...},
   "searchpath": ["dir", ...],          # folders {% include %} searches (optional)
   "files": {"name": "text", ...},      # or: included files given inline (a temporary folder,
                                        #   also the folder lookups search, Ansible's basedir)
   "basedir": "dir",                    # the folder lookups search (Ansible's playbook folder; optional)
   "vars_files": ["path", ...]}         # vars files Ansible loads itself (its DataLoader), under "vars"
      -> {"id": 2, "ok": true, "output": "..."}
      -> {"id": 2, "ok": false, "error": {"kind": "undefined"|"syntax"|"error",
          "type": "AnsibleUndefinedVariable", "message": "...", "line": 3, "undefined": ["x"]}}
"""
import json
import os
import re
import shutil
import sys
import tempfile


def _arg(name):
    argv = sys.argv[1:]
    if name in argv and argv.index(name) + 1 < len(argv):
        return argv[argv.index(name) + 1]
    return None


REPO = _arg('--repo')
if REPO:
    REPO = os.path.abspath(REPO)
    cfg = os.path.join(REPO, 'ansible.cfg')
    if os.path.isfile(cfg) and 'ANSIBLE_CONFIG' not in os.environ:
        os.environ['ANSIBLE_CONFIG'] = cfg
    os.chdir(REPO)

# Ansible's display writes warnings to stdout/stderr; keep stdout for our answers only.
_answers = sys.stdout
sys.stdout = sys.stderr

import jinja2  # noqa: E402
from ansible import __version__ as ANSIBLE_VERSION  # noqa: E402
from ansible.errors import AnsibleError, AnsibleUndefinedVariable  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.plugins.loader import add_all_plugin_dirs  # noqa: E402
from ansible.template import AnsibleEnvironment, Templar  # noqa: E402

LOADER = DataLoader()
if REPO:
    LOADER.set_basedir(REPO)
    # Plugin folders beside the repository's playbooks, as a playbook run there would add them.
    add_all_plugin_dirs(REPO)
    for sub in ('playbooks',):
        if os.path.isdir(os.path.join(REPO, sub)):
            add_all_plugin_dirs(os.path.join(REPO, sub))

BASEDIR = LOADER.get_basedir()

UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def _error_line(exc):
    """The template line of a Jinja2 error, when Jinja2 knows it."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        line = getattr(exc, 'lineno', None)
        if isinstance(line, int) and line > 0:
            return line
        exc = getattr(exc, 'orig_exc', None) or exc.__cause__ or exc.__context__
    tb = sys.exc_info()[2]
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == '<template>':
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _kind(exc):
    chain = []
    e = exc
    while e is not None and len(chain) < 10:
        chain.append(e)
        e = getattr(e, 'orig_exc', None) or e.__cause__
    if any(isinstance(e, (AnsibleUndefinedVariable, jinja2.exceptions.UndefinedError)) for e in chain):
        return 'undefined'
    if any(isinstance(e, jinja2.exceptions.TemplateSyntaxError) for e in chain):
        return 'syntax'
    return 'error'


_VARS_FILES = {}


def _vars_file(path):
    """A vars file (or a group_vars folder, read in name order) as Ansible's DataLoader loads it."""
    if path not in _VARS_FILES:
        data = {}
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if not name.startswith('.'):
                    data.update(_vars_file(os.path.join(path, name)))
        else:
            data = LOADER.load_from_file(path) or {}
        _VARS_FILES[path] = data
    return _VARS_FILES[path]


def render(req):
    folder = None
    try:
        searchpath = list(req.get('searchpath') or [])
        files = req.get('files') or {}
        if files:
            folder = tempfile.mkdtemp(prefix='ansimod-render-')
            for name, text in files.items():
                target = os.path.join(folder, name)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, 'w', encoding='utf-8', newline='') as f:
                    f.write(text)
            searchpath.append(folder)
        basedir = req.get('basedir') or folder
        if basedir:
            LOADER.set_basedir(basedir)
        variables = {}
        for path in req.get('vars_files') or []:
            variables.update(_vars_file(path))
        variables.update(req.get('vars') or {})
        templar = Templar(loader=LOADER, variables=variables)
        templar = templar.copy_with_new_env(
            environment_class=AnsibleEnvironment,
            searchpath=searchpath or ['.'],
            newline_sequence='\n',
            block_start_string='{%', block_end_string='%}',
            variable_start_string='{{', variable_end_string='}}',
            comment_start_string='{#', comment_end_string='#}',
            trim_blocks=True, lstrip_blocks=False,
            available_variables=variables,
        )
        output = templar.do_template(req['template'], preserve_trailing_newlines=True, escape_backslashes=False)
        if not isinstance(output, str):
            output = str(output)
        return {'ok': True, 'output': output}
    except Exception as exc:  # every failure is an answer, never a dead process
        message = str(exc)
        kind = _kind(exc)
        error = {'kind': kind, 'type': type(exc).__name__, 'message': message}
        line = _error_line(exc)
        if line is not None:
            error['line'] = line
        if kind == 'undefined':
            names = [a or b for a, b in UNDEFINED_NAME.findall(message)]
            error['undefined'] = list(dict.fromkeys(names))
        return {'ok': False, 'error': error}
    finally:
        LOADER.set_basedir(BASEDIR)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def answer(req):
    op = req.get('op')
    if op == 'hello':
        return {'ok': True, 'ansible': ANSIBLE_VERSION, 'jinja2': jinja2.__version__,
                'python': '%d.%d.%d' % sys.version_info[:3]}
    if op == 'render':
        return render(req)
    return {'ok': False, 'error': {'kind': 'error', 'type': 'BadRequest', 'message': 'unknown op %r' % (op,)}}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
        except ValueError as exc:
            out = {'id': None, 'ok': False, 'error': {'kind': 'error', 'type': 'BadRequest', 'message': str(exc)}}
        else:
            out = answer(req)
            out['id'] = req.get('id')
        _answers.write(json.dumps(out) + '\n')
        _answers.flush()


if __name__ == '__main__':
    main()
