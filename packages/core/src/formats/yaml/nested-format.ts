import type { FormatName } from '../types.js';

const BY_SUFFIX: readonly [RegExp, FormatName][] = [
  [/\.ya?ml$/i, 'yaml'],
  [/\.json$/i, 'json'],
  [/\.ini$/i, 'ini'],
];

/** Lines that say nothing about the format: blank, comments, Jinja statement/comment lines. */
const NEUTRAL_LINE = /^\s*(?:$|#|;|\{%.*%\}\s*$|\{#.*#\}\s*$)/;

/**
 * Guesses the format of a block scalar's content from its key (`config.yaml`, `koji.conf`) and,
 * when the key does not say (or says `.conf`/`.cfg`, which may be INI or something else), from
 * the first meaningful line: `[section]` or `name = value` is INI, `key: value` or `- item` is
 * YAML, `{`/`[` JSON. Undefined when nothing fits (treat it as text).
 *
 * @example
 * guessNestedFormat('config.yaml', 'a: 1\n'); // => 'yaml'
 * guessNestedFormat('koji.conf', '[fedora]\nserver = x\n'); // => 'ini'
 * guessNestedFormat('script', '#!/bin/sh\necho hi\n'); // => undefined
 */
export function guessNestedFormat(key: string, content: string): FormatName | undefined {
  for (const [suffix, format] of BY_SUFFIX) if (suffix.test(key)) return format;
  const byContent = formatFromContent(content);
  if (/\.(?:conf|cfg)$/i.test(key)) return byContent ?? 'ini';
  return byContent;
}

function formatFromContent(content: string): FormatName | undefined {
  let pos = 0;
  // Only the first meaningful line is read, so this stays cheap on large scalars.
  while (pos < content.length) {
    let end = content.indexOf('\n', pos);
    if (end < 0) end = content.length;
    const line = content.slice(pos, end).replace(/\r$/, '');
    pos = end + 1;
    if (NEUTRAL_LINE.test(line)) continue;
    if (/^\s*\[[^\]=,"']+\]\s*$/.test(line)) return 'ini';
    if (/^\s*[\w.$-]+\s*=/.test(line)) return 'ini';
    if (/^\s*[{[]/.test(line)) return 'json';
    if (/^\s*-(?:\s|$)/.test(line) || /^\s*[^\s:#=][^:=]*:(?:\s|$)/.test(line)) return 'yaml';
    return undefined;
  }
  return undefined;
}
