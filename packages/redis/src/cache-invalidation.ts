import type { Redis } from "ioredis";

// The worker caches what every ladder step reads again (a circle's members and ladder, a user's
// preferences and push subscriptions). Re-reading them every few seconds cost more database reads
// than the steps themselves (13 point reads per circle). Instead, a node that changes one of them
// says so on a Redis pub/sub channel, and the worker forgets that entry at once. Pub/sub delivers
// nothing to a subscriber that is disconnected, so the worker also forgets everything when its
// subscription comes back, and its entries expire anyway (a bound for a message lost in between).

/** `member` (issue #11): `<circleId>:<userId>`, a membership that ended; server nodes forget their cached check. */
export type CacheScope = "circle" | "user" | "member";

const channelOf = (prefix: string) => `${prefix}:cache-invalidation`;

export function createCacheInvalidations(redis: Redis, prefix: string) {
  return {
    /** Tells every worker that the circle's members or ladder, or the user's settings, changed. */
    async publish(scope: CacheScope, id: string): Promise<void> {
      await redis.publish(channelOf(prefix), `${scope}:${id}`);
    },
  };
}
export type CacheInvalidations = ReturnType<typeof createCacheInvalidations>;

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
