/**
 * The round-trip check of one file: read, parse, print back in memory, compare bytes.
 * Shared by the in-thread path and the worker threads, so both give the same answer.
 */
import { AnsimodError } from '../diagnostics.js';
import { detectFormat, parseDocument } from '../formats/index.js';
import type { FormatName } from '../formats/types.js';
import { decodeSource, encodeSource, type TextEncodingName } from '../text/source.js';
import { readEntryBytes } from './read.js';
import type { RepoEntry } from './walk.js';

/**
 * The outcome for one file. `skipped` files (binary, unreadable) are not counted as read.
 * A `read` file carries the format it counts under: its detected format, also when it fell
 * back to text (then `structured` is false and `fallback` says why).
 *
 * @example
 * const r = await roundtripFile(entry);
 * if (r.kind === 'read' && !r.identical) console.log(`${r.path} does not print back identically`);
 */
export type FileRoundtrip =
  | { readonly kind: 'skipped'; readonly path: string; readonly reason: string }
  | {
      readonly kind: 'read';
      readonly path: string;
      readonly format: FormatName;
      readonly structured: boolean;
      readonly identical: boolean;
      readonly encoding: TextEncodingName;
      readonly fallback?: { readonly format: FormatName; readonly reason: string; readonly line?: number };
      /** Set when parsing or printing threw: a bug in an adapter, reported rather than crashing the run. */
      readonly error?: string;
    };

/**
 * What the round-trip check needs of a walked file: its paths (not its size or mode, which a
 * lazy walk would stat for).
 *
 * @example
 * const target: RoundtripTarget = { path: 'site.yml', absolutePath: '/srv/ansible/site.yml' };
 */
export type RoundtripTarget = Pick<RepoEntry, 'path' | 'absolutePath'>;

/**
 * Reads, parses and prints back one file; never writes and never throws.
 *
 * @example
 * await roundtripFile({ path: 'a.yml', absolutePath: '/r/a.yml', size: 5, mode: 0o100644 });
 * // => { kind: 'read', path: 'a.yml', format: 'yaml', structured: true, identical: true, encoding: 'utf8' }
 */
export async function roundtripFile(entry: RoundtripTarget): Promise<FileRoundtrip> {
  return roundtripFileSync(entry);
}

/**
 * {@link roundtripFile} without the promise: the check is synchronous work (a small file read
 * from the page cache, then parsing), and a loop over thousands of files should not pay for a
 * promise and a microtask per file.
 *
 * @example
 * roundtripFileSync({ path: 'a.yml', absolutePath: '/r/a.yml' }).kind; // => 'read'
 */
export function roundtripFileSync(entry: RoundtripTarget): FileRoundtrip {
  let bytes: Buffer;
  try {
    bytes = readEntryBytes(entry);
  } catch (err) {
    const reason = err instanceof AnsimodError ? err.message : String(err);
    return { kind: 'skipped', path: entry.path, reason };
  }
  const decoded = decodeSource(bytes);
  if (decoded.kind === 'binary') return { kind: 'skipped', path: entry.path, reason: decoded.reason };

  const { text, encoding } = decoded;
  try {
    const doc = parseDocument(entry.path, text);
    const printed = encodeSource(doc.print(), encoding);
    const base = {
      kind: 'read' as const,
      path: entry.path,
      format: doc.fallback?.format ?? doc.format,
      structured: doc.structured,
      identical: printed.equals(bytes),
      encoding,
    };
    if (!doc.fallback) return base;
    const { format, reason, line } = doc.fallback;
    return { ...base, fallback: line === undefined ? { format, reason } : { format, reason, line } };
  } catch (err) {
    let format: FormatName = 'text';
    try {
      format = detectFormat(entry.path, text);
    } catch {
      // keep 'text': the error below is what matters
    }
    const message = err instanceof AnsimodError ? err.message : err instanceof Error ? err.message : String(err);
    return { kind: 'read', path: entry.path, format, structured: false, identical: false, encoding, error: message };
  }
}
