import { scanJinja } from '../jinja/index.js';
import type { JinjaScan } from '../jinja/types.js';
import { parseConf } from './conf/parse.js';
import type { ConfDocument } from './conf/document.js';
import { detectFormat } from './detect.js';
import { isFallback } from './fallback.js';
import { parseIni } from './ini/parse.js';
import type { IniDocument } from './ini/document.js';
import { parseJson } from './json/parse.js';
import type { JsonDocument } from './json/document.js';
import { TextDocument } from './text/text-document.js';
import { parseYaml, type YamlDocument } from './yaml/index.js';
import type { Fallback, FormatName } from './types.js';

/**
 * Any parsed document; narrow on `format` (a fallback is a `TextDocument` with `fallback`).
 * Every member can be asked for `fallback` (undefined on structured documents).
 *
 * @example
 * const doc: AnyDocument = parseDocument(path, text);
 * if (doc.format === 'ini') doc.find('container.source_registry');
 */
export type AnyDocument = (YamlDocument & { readonly fallback?: undefined }) | IniDocument | JsonDocument | ConfDocument | TextDocument;

/**
 * Options of {@link parseDocument}.
 *
 * @example
 * parseDocument('notes', text, { format: 'ini', jinja: scanJinja(text) });
 */
export interface ParseDocumentOptions {
  /** Parse as this format instead of detecting it. */
  format?: FormatName;
  /** A scan of `text` already made (else one is made here). */
  jinja?: JinjaScan;
}

/**
 * Parses a file as its format (detected from path and content unless given). Never throws: a
 * file that does not parse as its format becomes a {@link TextDocument} whose `fallback` says
 * which format, why, and where.
 *
 * @example
 * parseDocument('roles/koji_builder/templates/flatpak.conf', '[push]\nregistry=docker://{{ r }}\n').format; // => 'ini'
 * parseDocument('x.json', '{"a":').fallback; // => { format: 'json', reason: 'unexpected end of JSON', line: 1, column: 6 }
 */
export function parseDocument(path: string, text: string, opts: ParseDocumentOptions = {}): AnyDocument {
  let format: FormatName = 'text';
  let jinja: JinjaScan | undefined = opts.jinja;
  try {
    format = opts.format ?? detectFormat(path, text);
    jinja ??= scanJinja(text);
    const result = parseAs(format, path, text, jinja);
    return isFallback(result) ? new TextDocument(path, text, jinja, result) : result;
  } catch (e) {
    // An adapter bug must not stop a run over a whole repository: read the file as text.
    const reason = `internal error while parsing as ${format}: ${e instanceof Error ? e.message : String(e)}`;
    return new TextDocument(path, text, jinja ?? emptyScan(), { format, reason });
  }
}

function parseAs(format: FormatName, path: string, text: string, jinja: JinjaScan): AnyDocument | Fallback {
  switch (format) {
    case 'ini':
      return parseIni(path, text, jinja);
    case 'json':
      return parseJson(path, text, jinja);
    case 'conf':
      return parseConf(path, text, jinja);
    case 'yaml':
      return parseYaml(path, text, jinja);
    case 'text':
      return new TextDocument(path, text, jinja);
  }
}

function emptyScan(): JinjaScan {
  return { tokens: [], blocks: [], errors: [], hasJinja: false };
}
