import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

// The worker caches what every ladder step reads again (a circle's members and ladder, a user's
// preferences and push subscriptions). Re-reading them every few seconds cost more database reads
// than the steps themselves (13 point reads per circle). Instead, a node that changes one of them
// says so on a Redis pub/sub channel, and the worker forgets that entry at once. Pub/sub delivers
// nothing to a subscriber that is disconnected, so the worker also forgets everything when its
// subscription comes back, and its entries expire anyway (a bound for a message lost in between).
//
// Each announcement also stamps the record's version key (`<prefix>:cache-version:<scope>:<id>`)
// with a fresh random token. A cache that checks this token before it answers (read-cache.ts
// `version`) can keep an entry for hours instead of a minute: it is never staler than the last
// stamp, whether or not the pub/sub message reached it. Random, not a counter: after Redis lost its
// data a counter would start again at 1 and could match an old entry's number.

/** How long a version stamp is kept; a checked cache entry must live shorter (it does: hours). */
const VERSION_KEEP_SECONDS = 7 * 24 * 3600;
/** How long one read of a stamp answers for its record (createCacheVersions). */
const VERSION_TRUST_MS = 1000;

/** `member` (issue #11): `<circleId>:<userId>`, a membership that ended; server nodes forget their cached check. */
export type CacheScope = "circle" | "user" | "member";

const channelOf = (prefix: string) => `${prefix}:cache-invalidation`;
const versionKeyOf = (prefix: string, scope: CacheScope, id: string) => `${prefix}:cache-version:${scope}:${id}`;

export function createCacheInvalidations(redis: Redis, prefix: string) {
  return {
    /**
     * Tells every process that the circle's members or ladder, or the user's settings, changed:
     * stamps the version key, then publishes (one round trip). Call it after the change is stored.
     */
    async publish(scope: CacheScope, id: string): Promise<void> {
      const results = await redis
        .multi()
        .set(versionKeyOf(prefix, scope, id), randomBytes(9).toString("base64url"), "EX", VERSION_KEEP_SECONDS)
        .publish(channelOf(prefix), `${scope}:${id}`)
        .exec();
      const failed = results?.find(([error]) => error !== null)?.[0];
      if (results === null || failed) throw failed ?? new Error("the cache announcement was discarded");
    },
  };
}
export type CacheInvalidations = ReturnType<typeof createCacheInvalidations>;

/**
 * The current version stamp of a scope's record (null: never changed, or not within
 * VERSION_KEEP_SECONDS). Throws when Redis cannot answer: the caller must then not trust its copy.
 */
export function createCacheVersions(redis: Redis, prefix: string, options: { trustMs?: number } = {}) {
  const trustMs = options.trustMs ?? VERSION_TRUST_MS;
  // One GET answers every call for the same record within trustMs (a raise checks its circle's
  // stamp for the membership, the members and the ladder; a burst of raises does so again and
  // again): an entry is never more than trustMs staler than the last stamp, and pub/sub usually
  // makes it forget sooner. A failed GET is not kept.
  const answers = new Map<string, { value: Promise<string | null>; at: number }>();
  return {
    /** `fresh`: ask Redis now (a cache about to load the record must pair it with the stamp as it is). */
    current(scope: CacheScope, id: string, options: { fresh?: boolean } = {}): Promise<string | null> {
      const key = versionKeyOf(prefix, scope, id);
      const now = Date.now();
      const kept = answers.get(key);
      if (kept && now - kept.at < trustMs && !options.fresh) return kept.value;
      if (answers.size >= 50_000) answers.clear();
      const value = redis.get(key);
      answers.set(key, { value, at: now });
      value.catch(() => {
        if (answers.get(key)?.value === value) answers.delete(key);
      });
      return value;
    },
  };
}
export type CacheVersions = ReturnType<typeof createCacheVersions>;

/**
 * Subscribes `subscriber` (a connection of its own: a subscribed ioredis client can do nothing
 * else). `onChange` gets each scope and id; `onGap` runs when the subscription is (re)established
 * after a disconnect, when changes may have been missed.
 */
export async function subscribeCacheInvalidations(
  subscriber: Redis,
  prefix: string,
  handlers: { onChange: (scope: CacheScope, id: string) => void; onGap: () => void },
): Promise<void> {
  subscriber.on("message", (channel: string, message: string) => {
    if (channel !== channelOf(prefix)) return;
    const separator = message.indexOf(":");
    const scope = message.slice(0, separator);
    if (scope === "circle" || scope === "user" || scope === "member") handlers.onChange(scope, message.slice(separator + 1));
  });
  let hasConnected = false;
  subscriber.on("ready", () => {
    // ioredis subscribes again by itself after a reconnect; what was published meanwhile is lost.
    if (hasConnected) handlers.onGap();
    hasConnected = true;
  });
  if (subscriber.status === "ready") hasConnected = true;
  await subscriber.subscribe(channelOf(prefix));
}
