/**
 * `--max-file-size SIZE`: the largest file ansimod reads. It is handed to the core (and to its
 * worker threads, and to the prescan thread `bin` starts before parsing the command line) as
 * the `ANSIMOD_MAX_FILE_SIZE` environment variable, in bytes.
 */

/**
 * Bytes in a size such as `16M`, `512K`, `2G` or `1048576` (binary units; `B`/`iB` optional),
 * or undefined when it is not one.
 *
 * @example
 * parseSize('16M'); // => 16777216
 * parseSize('lots'); // => undefined
 */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  const bytes = Math.floor(Number(m[1]) * 1024 ** power);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/**
 * The value of `--max-file-size` in `argv` (`--max-file-size X` or `--max-file-size=X`), as
 * given, before the command word's parsing (for `bin`, which starts reading early).
 *
 * @example
 * maxFileSizeArg(['plan', '--max-file-size=1M']); // => '1M'
 */
export function maxFileSizeArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    if (a === '--max-file-size') return argv[i + 1];
    if (a.startsWith('--max-file-size=')) return a.slice('--max-file-size='.length);
  }
  return undefined;
}
