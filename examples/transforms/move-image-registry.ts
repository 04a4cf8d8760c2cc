/**
 * Example user transform: move container image references from one registry host to another.
 * Run it with `ansimod plan --repo DIR --transform examples/transforms/move-image-registry.ts`.
 * It imports from `@ansimod/core` only, like any transform written outside this repository.
 */
import { defineTransform, isTemplatePath, type DataChange, type FileEdit, type RenderCheck, type RenderedData, type VisitResult, type YamlPath } from '@ansimod/core';

/** An image reference split at its registry host: `host/rest` (`rest` keeps path, tag and digest). */
interface ImageRef {
  host: string;
  rest: string;
}

/**
 * Splits `registry.example.org/app:1` into host and the rest. Like docker, the first path
 * segment is a registry host only when it has a dot or a port, or is `localhost`; a reference
 * that starts with Jinja (`{{ registry }}/app`) has no literal host and is left alone.
 */
function splitImageRef(ref: string): ImageRef | undefined {
  const slash = ref.indexOf('/');
  if (slash <= 0) return undefined;
  const host = ref.slice(0, slash);
  if (/[{}\s]/.test(host) || !(host.includes('.') || host.includes(':') || host === 'localhost')) return undefined;
  return { host, rest: ref.slice(slash + 1) };
}

/** The map with lower-cased hosts; a malformed entry is reported, not guessed at. */
function hostMap(hosts: Record<string, string>): Map<string, string> | string {
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(hosts)) {
    if (!from || /[/\s]/.test(from)) return `hosts: "${from}" must be a registry host (host[:port]), without a path`;
    if (!to || /\s|:\/\//.test(to) || to.endsWith('/')) return `hosts: "${to}" must be host[:port][/namespace], without a scheme or a trailing slash`;
    map.set(from.toLowerCase(), to);
  }
  return map;
}

/** The reference moved to its new registry, or undefined when its host is not mapped. */
function movedRef(ref: string, map: Map<string, string>): string | undefined {
  const parts = splitImageRef(ref);
  const target = parts && map.get(parts.host.toLowerCase());
  return target === undefined || !parts ? undefined : `${target}/${parts.rest}`;
}

/** True when the reference already points to one of the new registries (a second run). */
function alreadyMoved(ref: string, map: Map<string, string>): boolean {
  return [...map.values()].some((to) => ref.startsWith(`${to}/`));
}

const DOCKERFILE = /(?:^|\/)(?:Dockerfile|Containerfile)(?:\.[\w-]+)*$|\.(?:docker|container)file(?:\.j2)?$/;
// `FROM [--platform=…] image [AS name]`; the image is group 2, its offset is found from group 1.
const FROM_LINE = /^([ \t]*FROM[ \t]+(?:--\S+[ \t]+)*)(\S+)/gim;

/**
 * The rendered YAML with the image strings at `places` moved. The engine compares the whole
 * render after all of a file's edits, so one check per file covers every place it changed.
 */
function withMovedValues(before: RenderedData, places: ReadonlyArray<{ doc: number; path: YamlPath }>, map: Map<string, string>): RenderedData {
  if (before.format !== 'yaml' || !Array.isArray(before.value)) return before;
  const docs: unknown[] = structuredClone(before.value);
  for (const { doc, path } of places) {
    let parent: unknown = docs;
    let key: string | number = doc;
    for (const step of path) {
      const next: unknown = (parent as Record<string | number, unknown>)[key];
      if (!next || typeof next !== 'object') break;
      parent = next;
      key = step;
    }
    const holder = parent as Record<string | number, unknown>;
    const value = holder[key];
    const moved = typeof value === 'string' ? movedRef(value, map) : undefined;
    if (moved !== undefined) holder[key] = moved;
  }
  return { format: 'yaml', value: docs };
}

/**
 * `move-image-registry`: rewrites container image references that name a mapped registry host
 * so they name the new registry (`registry.example.org/app:1` → `quay.io/example/app:1`).
 * It looks at the values of image keys in YAML (tasks, vars, Kubernetes templates) and at the
 * `FROM` lines of Dockerfiles and Containerfiles; tags, digests and Jinja in the rest of the
 * reference are kept as written.
 *
 * @example
 * // roles/app/templates/job.yml:  image: registry.example.org/tools:38  →  image: quay.io/example/tools:38
 * // roles/app/files/Dockerfile:   FROM registry.example.org/base:38     →  FROM quay.io/example/base:38
 */
export const moveImageRegistry = defineTransform({
  name: 'move-image-registry',
  displayName: 'Move image registry',
  description:
    'Moves container image references (YAML image keys, Dockerfile FROM lines) from a registry host to another host[/namespace], keeping the image path, tag and digest.',
  options: {
    hosts: {
      type: 'map',
      default: { 'registry.fedoraproject.org': 'quay.io/fedora' },
      description: 'Registry host to the host[/namespace] its images move to.',
      example: 'registry.example.org=quay.io/example',
    },
    keys: {
      type: 'string[]',
      default: ['image', 'base_image', 'from_image'],
      description: 'YAML keys whose scalar values are image references.',
      example: 'image,base_image',
    },
  },
  // Files naming a new registry are read too, so an already migrated target counts as found.
  select: (options) => ({ formats: ['yaml', 'text'], contains: [...Object.keys(options.hosts), ...Object.values(options.hosts)] }),

  visit(file, ctx): VisitResult {
    const map = hostMap(ctx.options.hosts);
    if (typeof map === 'string') return { outcome: 'error', diagnostic: { code: 'INVALID_OPTION', severity: 'error', message: map } };
    const doc = file.document;
    const edits: FileEdit[] = [];
    const checks: RenderCheck[] = [];
    const places: Array<{ doc: number; path: YamlPath }> = [];
    // What the edits do to the file's YAML data: the engine checks it on files Ansible reads as they are.
    const data: DataChange[] = [];
    let matched = false;

    if (doc.format === 'yaml') {
      const keys = new Set(ctx.options.keys);
      for (const pair of doc.pairs()) {
        const ref = pair.value.value;
        if (pair.value.kind !== 'scalar' || ref === undefined || !keys.has(pair.key.value ?? '')) continue;
        const moved = movedRef(ref, map);
        if (moved === undefined) {
          matched ||= alreadyMoved(ref, map);
          continue;
        }
        edits.push(doc.scalarEdit(pair.value, moved, `image ${ref} → ${moved}`));
        places.push({ doc: pair.doc, path: pair.path });
        data.push({ op: 'set', doc: pair.doc, at: pair.path, value: moved });
      }
      // A template is checked as rendered: exactly these values may change, in every environment.
      // Keys written with Jinja have no fixed place in the render, so such files get the
      // engine's generic check only (the edited template still renders and parses).
      const fixedPlaces = places.every((p) => !p.path.some((k) => typeof k === 'string' && /[{%]/.test(k)));
      if (places.length && isTemplatePath(file.path) && fixedPlaces) {
        checks.push({ path: file.path, describe: `${places.length} image reference(s) move to the new registry`, expect: (before) => withMovedValues(before, places, map) });
      }
    } else if (doc.format === 'text' && !doc.fallback && DOCKERFILE.test(file.path)) {
      for (const m of file.text.matchAll(FROM_LINE)) {
        const ref = m[2] ?? '';
        const moved = movedRef(ref, map);
        if (moved === undefined) {
          matched ||= alreadyMoved(ref, map);
          continue;
        }
        const start = (m.index ?? 0) + (m[1] ?? '').length;
        edits.push({ start, end: start + ref.length, text: moved, reason: `base image ${ref} → ${moved}` });
      }
    } else {
      return { outcome: 'skip', reason: 'neither YAML nor a Dockerfile' };
    }

    if (edits.length) return { outcome: 'changed', edits, checks, data, notes: edits.map((e) => e.reason ?? '') };
    return matched ? { outcome: 'nochange', matched: true, notes: ['images already on the new registry'] } : { outcome: 'skip', reason: 'no image of a mapped registry' };
  },
});

export default moveImageRegistry;
