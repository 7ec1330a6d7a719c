/**
 * Token bucket per key: `ratePerSecond` sustained, up to `burst` at once.
 * In-memory, so each server node limits on its own (see ARCHITECTURE.md).
 */
export function createTokenBucketLimiter(options: {
  ratePerSecond: number;
  burst: number;
  now?: () => number;
  /** Buckets idle this long are forgotten, so memory stays bounded. */
  idleMs?: number;
}) {
  const now = options.now ?? Date.now;
  const idleMs = options.idleMs ?? 60_000;
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  let lastSweep = now();

  function sweep(at: number) {
    if (at - lastSweep < idleMs) return;
    lastSweep = at;
    for (const [key, bucket] of buckets) {
      if (at - bucket.updatedAt > idleMs) buckets.delete(key);
    }
  }

  return {
    /** Takes one token for `key`; false means the caller is over the limit. */
    tryTake(key: string): boolean {
      const at = now();
      sweep(at);
      const bucket = buckets.get(key) ?? { tokens: options.burst, updatedAt: at };
      const refill = ((at - bucket.updatedAt) / 1000) * options.ratePerSecond;
      bucket.tokens = Math.min(options.burst, bucket.tokens + refill);
      bucket.updatedAt = at;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
export type TokenBucketLimiter = ReturnType<typeof createTokenBucketLimiter>;
