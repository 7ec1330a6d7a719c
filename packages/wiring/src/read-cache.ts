/**
 * A per-process read-through cache for the page path (raise → first page, in the server and the worker). It keeps the
 * promise, so a burst of jobs for the same key makes one database read; a failed read is not kept.
 * `ttlMs: Infinity` is for records that never change (an alert, a circle's name); the others get
 * a short TTL so that an edit (preferences, a new push subscription) reaches the pager quickly —
 * or a `version`: then an entry answers only while the record's version stamp in Redis is the one
 * read before the entry was loaded (packages/redis cache-invalidation.ts), so it may live for hours
 * and still never be staler than the last announced change. That costs one Redis read per call,
 * not a database read: what keeps a circle's first page fast when its last Help was days ago.
 */
export type ReadThrough<T> = ((key: string) => Promise<T>) & {
  /** Drops one entry (it changed: see packages/redis cache-invalidation.ts). */
  forget(key: string): void;
  /** Drops every entry (changes may have been missed). */
  clear(): void;
};

type Entry<T> = { value: Promise<T>; expiresAt: number; version: string | null };

export function readThrough<T>(
  load: (key: string) => Promise<T>,
  options: {
    ttlMs: number;
    limit: number;
    keep?: (value: T) => boolean;
    /**
     * The record's current version stamp; it throws when it cannot tell (then nothing cached is
     * trusted). It may answer from a read up to a second old, except with `fresh`: before a load.
     */
    version?: (key: string, fresh: boolean) => Promise<string | null>;
  },
): ReadThrough<T> {
  const entries = new Map<string, Entry<T>>();

  const store = (key: string, version: string | null): Promise<T> => {
    const value = load(key);
    entries.delete(key);
    entries.set(key, { value, expiresAt: Date.now() + options.ttlMs, version });
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
  const fresh = (entry: Entry<T> | undefined): entry is Entry<T> => entry !== undefined && entry.expiresAt > Date.now();

  const read = (key: string): Promise<T> => {
    const hit = entries.get(key);
    if (!options.version) return fresh(hit) ? hit.value : store(key, null);
    const versionOf = options.version;
    return (async () => {
      try {
        const current = await versionOf(key, false);
        // Read again after the wait: a concurrent call may have loaded this version meanwhile.
        const now = entries.get(key);
        if (fresh(now) && now.version === current) return now.value;
        // About to load: pair the record with its stamp as it is now, not with an answer up to a
        // second old (that pairing would look changed at the next read and load it once more).
        const stamp = await versionOf(key, true);
        const loaded = entries.get(key);
        if (fresh(loaded) && loaded.version === stamp) return loaded.value;
        return store(key, stamp);
      } catch {
        // Redis cannot say whether the copy is current: read the database, keep nothing.
        entries.delete(key);
        return load(key);
      }
    })();
  };
  return Object.assign(read, { forget: (key: string) => void entries.delete(key), clear: () => entries.clear() });
}
