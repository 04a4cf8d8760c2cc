/**
 * Decoding bytes to text and back without losing a byte.
 *
 * Valid UTF-8 (with or without BOM; the BOM stays in the string as U+FEFF) decodes as UTF-8.
 * Text that is not valid UTF-8 (a stray latin-1 byte in a comment, say) decodes byte for byte
 * as latin-1, so every byte maps to one char and encoding back is exact; edits to ASCII
 * content (host names, keys) are then safe. Files with NUL bytes are binary and never edited.
 */
export type TextEncodingName = 'utf8' | 'latin1';

export type DecodedSource =
  | { kind: 'text'; text: string; encoding: TextEncodingName }
  | { kind: 'binary'; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** How many leading bytes {@link binaryAtAGlance} looks at (as git does). */
export const BINARY_PROBE_BYTES = 8000;

/**
 * The first test of {@link decodeSource}: a NUL byte among the first {@link BINARY_PROBE_BYTES}
 * bytes makes a file binary, never text, so it is neither decoded nor searched.
 *
 * @example
 * binaryAtAGlance(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0])); // => true
 * binaryAtAGlance(Buffer.from('a: 1\n')); // => false
 */
export function binaryAtAGlance(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_PROBE_BYTES).includes(0);
}

/**
 * @example
 * decodeSource(Buffer.from('a: 1\n')); // => { kind: 'text', text: 'a: 1\n', encoding: 'utf8' }
 */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  if (binaryAtAGlance(bytes)) return { kind: 'binary', reason: 'binary file (NUL byte)' };
  try {
    return { kind: 'text', text: utf8.decode(bytes), encoding: 'utf8' };
  } catch {
    // Not UTF-8: decide whether it is text in a legacy encoding or binary data.
    let control = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (b === 0) return { kind: 'binary', reason: 'binary file (NUL byte)' };
      if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
    }
    if (control > bytes.length / 100) return { kind: 'binary', reason: 'binary file (control bytes, not UTF-8)' };
    return { kind: 'text', text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1' };
  }
}

/** Encodes text back to the bytes it came from. */
export function encodeSource(text: string, encoding: TextEncodingName): Buffer {
  return Buffer.from(text, encoding);
}
