/**
 * Git binary patches (`GIT binary patch` with zlib-deflated, base85-encoded `literal` hunks),
 * the form git uses for bytes a text hunk cannot carry. `git apply` / `git am` check the
 * preimage against the full blob id on the `index` line, then write the postimage exactly.
 */
import { deflateSync } from 'node:zlib';

const BASE85 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~';

/**
 * Git's base85 (`encode_85`): each group of 4 bytes (the last one zero-padded) becomes 5
 * characters, most significant first.
 *
 * @example
 * encodeBase85(Uint8Array.of(0, 0, 0, 0)); // => '00000'
 */
export function encodeBase85(data: Uint8Array): string {
  const out: string[] = [];
  const digits = new Array<string>(5);
  for (let i = 0; i < data.length; i += 4) {
    let acc =
      (((data[i] as number) << 24) >>> 0) +
      ((data[i + 1] ?? 0) << 16) +
      ((data[i + 2] ?? 0) << 8) +
      (data[i + 3] ?? 0);
    for (let d = 4; d >= 0; d--) {
      digits[d] = BASE85[acc % 85] as string;
      acc = Math.floor(acc / 85);
    }
    out.push(digits.join(''));
  }
  return out.join('');
}

/** One `literal` hunk: the size, then lines of at most 52 deflated bytes, then a blank line. */
function literalHunk(bytes: Uint8Array): string {
  const deflated = deflateSync(bytes);
  const lines: string[] = [`literal ${bytes.length}\n`];
  for (let i = 0; i < deflated.length; i += 52) {
    const chunk = deflated.subarray(i, i + 52);
    // The first character tells the byte count of the line: A–Z = 1–26, a–z = 27–52.
    const n = chunk.length;
    const lengthChar = String.fromCharCode(n <= 26 ? 0x40 + n : 0x60 + n - 26);
    lines.push(`${lengthChar}${encodeBase85(chunk)}\n`);
  }
  lines.push('\n');
  return lines.join('');
}

/**
 * The body of a binary file diff: `GIT binary patch`, the forward literal (the new bytes) and
 * the reverse literal (the old bytes, so the patch can be reverted), like git writes it.
 *
 * @example
 * binaryPatchBody(Buffer.from('old'), Buffer.from('new')).startsWith('GIT binary patch\nliteral 3\n'); // => true
 */
export function binaryPatchBody(before: Uint8Array, after: Uint8Array): string {
  return `GIT binary patch\n${literalHunk(after)}${literalHunk(before)}`;
}
