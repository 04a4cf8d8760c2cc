/** Characters of registry host names, shared by the scanners of this module (not exported by the package). */

/**
 * Whether a character code can be part of a host name (letters, digits, `-`, `.`).
 *
 * @example
 * isHostChar('a'.charCodeAt(0)); // => true
 */
export function isHostChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/**
 * Whether a character code can be part of a path segment (a host character or `_`).
 *
 * @example
 * isPathChar('_'.charCodeAt(0)); // => true
 */
export function isPathChar(c: number): boolean {
  return isHostChar(c) || c === 95; /* _ */
}

/** A `:port` right after a host, ending the text or followed by a path. */
export const PORT_AFTER = /^:\d{1,5}(?=$|\/)/;
