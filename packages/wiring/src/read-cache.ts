/**
 * A per-process read-through cache for the page path (raise → first page, in the server and the worker). It keeps the
 * promise, so a burst of jobs for the same key makes one database read; a failed read is not kept.
 * `ttlMs: Infinity` is for records that never change (an alert, a circle's name); the others get
 * a short TTL so that an edit (preferences, a new push subscription) reaches the pager quickly.
 */
export type ReadThrough<T> = ((key: string) => Promise<T>) & {
  /** Drops one entry (it changed: see packages/redis cache-invalidation.ts). */
  forget(key: string): void;
  /** Drops every entry (changes may have been missed). */
  clear(): void;
};

export function readThrough<T>(
  load: (key: string) => Promise<T>,
  options: { ttlMs: number; limit: number; keep?: (value: T) => boolean },
): ReadThrough<T> {
  const entries = new Map<string, { value: Promise<T>; expiresAt: number }>();
  const read = (key: string) => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = load(key);
    entries.delete(key);
    entries.set(key, { value, expiresAt: now + options.ttlMs });
    if (entries.size > options.limit) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    value.then(
      (loaded) => {
        if (options.keep && !options.keep(loaded) && entries.get(key)?.value === value) entries.delete(key);
      },
      () => {
        if (entries.get(key)?.value === value) entries.delete(key);
      },
    );
    return value;
  };
  return Object.assign(read, { forget: (key: string) => void entries.delete(key), clear: () => entries.clear() });
}
