#!/usr/bin/env python3
"""Round-trip every YAML file of an Ansible tree through ruamel.yaml, in memory.

The reference point for `ansimod roundtrip`: what the usual Python tool for comment-preserving
YAML editing does with the same files. Each file is loaded in round-trip mode (comments, quotes
and flow style kept) and dumped back to a string; the file counts as

  unchanged  the dump is byte-identical to the input,
  changed    ruamel.yaml loaded it but printed something else (re-indented, re-wrapped, ...),
  failed     ruamel.yaml could not load or dump it (Jinja blocks, tabs, bad bytes, ...).

YAML files are those ending in .yml/.yaml plus extension-less files under group_vars/ and
host_vars/ (Ansible reads those as YAML). Symbolic links are skipped. Nothing is written to disk.

Usage: ruamel_roundtrip.py TREE   -> prints one JSON object on stdout.
Example: /usr/bin/python3 bench/ruamel_roundtrip.py bench/out/trees/ansible-5000-...
"""
import io
import json
import os
import sys
import time

from ruamel.yaml import YAML


def is_yaml(rel):
    """Whether Ansible would read this path (relative to the tree) as YAML."""
    name = os.path.basename(rel)
    if name.endswith(('.yml', '.yaml')):
        return True
    parts = rel.split(os.sep)
    return '.' not in name and any(p in ('group_vars', 'host_vars') for p in parts[:-1])


def make_yaml():
    """Round-trip settings a careful user would choose: keep quotes, never re-wrap long lines."""
    yaml = YAML(typ='rt')
    yaml.preserve_quotes = True
    yaml.width = 1 << 30
    return yaml


def main(root):
    yaml = make_yaml()
    counts = {'files': 0, 'unchanged': 0, 'changed': 0, 'failed': 0, 'bytes': 0}
    started = time.perf_counter()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path) or not is_yaml(rel):
                continue
            counts['files'] += 1
            with open(path, 'rb') as fh:
                raw = fh.read()
            counts['bytes'] += len(raw)
            try:
                text = raw.decode('utf-8')
                docs = list(yaml.load_all(text))
                out = io.StringIO()
                yaml.dump_all(docs, out)
                same = out.getvalue() == text
            except Exception:  # any load/dump failure is a "failed" file, as ansimod reports it
                # A failed load can leave the parser mid-document; start clean for the next file.
                yaml = make_yaml()
                counts['failed'] += 1
                continue
            counts['unchanged' if same else 'changed'] += 1
    counts['seconds'] = round(time.perf_counter() - started, 3)
    json.dump(counts, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: ruamel_roundtrip.py TREE')
    main(sys.argv[1])
