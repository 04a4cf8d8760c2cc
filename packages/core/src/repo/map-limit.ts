/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order.
 * Used for file-system calls, where a few dozen concurrent requests keep the disk busy
 * without running out of file descriptors.
 *
 * @example
 * const sizes = await mapLimit(paths, 16, async (p) => (await stat(p)).size);
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
