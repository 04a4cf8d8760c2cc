/**
 * What the generic YAML transforms (set-yaml-value, rename-yaml-key, delete-yaml-key) share:
 * the `path` and `files` options, and the entries of a visited file they select.
 */
import { AnsimodError, parseYamlSelector, selectPairs, YamlDocument, type FileSelector, type VisitedFile, type YamlPair, type YamlSelector } from '@ansimod/core';

/** The `path` and `files` options, documented once. */
export const yamlPathOptions = {
  path: {
    type: 'string',
    required: true,
    description:
      'Which entries: a YAML path (`tasks[*].vars.registry`, `**.public_url`, `data["config.yaml"]`); keys as written, Jinja kept (`images["latest-{{ arch }}"]`); entries in every {% if %} branch are selected.',
    example: '**.public_url',
  },
  files: {
    type: 'string[]',
    default: [],
    description: 'Which files, as path patterns (`*` within a segment, `**` across); empty means every YAML file.',
    example: '[roles/*/defaults/*.yml, inventory/group_vars/**]',
  },
} as const;

/**
 * The file selector of a generic YAML transform: YAML files, within `files` when given, that
 * contain the last fixed key of the path (a cheap pre-filter).
 *
 * @example
 * yamlPathSelect({ path: '**.public_url', files: [] }); // => { formats: ['yaml'], contains: ['public_url'] }
 */
export function yamlPathSelect(o: { path: string; files: readonly string[] }, extraNeedle?: string): FileSelector {
  const last = [...selectorOf(o.path).steps].reverse().find((s) => s.kind === 'key');
  const needles = last?.kind === 'key' ? [last.key, ...(extraNeedle ? [extraNeedle] : [])] : [];
  return { formats: ['yaml'], ...(o.files.length ? { paths: o.files } : {}), ...(needles.length ? { contains: needles } : {}) };
}

const parsed = new Map<string, YamlSelector>();

/** The parsed selector (cached); throws an option error naming the column. */
export function selectorOf(path: string): YamlSelector {
  let s = parsed.get(path);
  if (!s) parsed.set(path, (s = parseYamlSelector(path)));
  return s;
}

/**
 * The YAML document of a visited file and the entries the path selects, or undefined when the
 * file is not YAML.
 *
 * @example
 * const hit = selectedPairs(file, '**.public_url');
 */
export function selectedPairs(file: VisitedFile, path: string): { doc: YamlDocument; pairs: YamlPair[] } | undefined {
  const doc = file.document;
  if (!(doc instanceof YamlDocument)) return undefined;
  try {
    return { doc, pairs: selectPairs(doc, selectorOf(path)) };
  } catch (err) {
    if (err instanceof AnsimodError) throw new AnsimodError({ ...err.diagnostic, path: file.path });
    throw err;
  }
}
