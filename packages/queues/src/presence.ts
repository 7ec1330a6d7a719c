import type { PresenceReader } from "@kring/domain";
import type { Redis } from "ioredis";

// Who has a connected socket, across server nodes, in Redis: one hash per user, field = socket
// id, value = expiry. Nodes refresh their sockets' expiry; a node that dies stops refreshing and
// its sockets expire, so a crash can't leave someone "online" forever.

export const PRESENCE_TTL_MS = 90_000;
export const PRESENCE_REFRESH_MS = 30_000;

const presenceKey = (prefix: string, userId: string) => `${prefix}:presence:${userId}`;
const lastSeenKey = (prefix: string, userId: string) => `${prefix}:last-seen:${userId}`;

export function createPresenceReader(redis: Redis, prefix: string): PresenceReader & {
  lastSeen(userId: string): Promise<Date | null>;
} {
  return {
    async isOnline(userId) {
      const entries = await redis.hgetall(presenceKey(prefix, userId));
      const now = Date.now();
      return Object.values(entries).some((expiry) => Number(expiry) > now);
    },
    async lastSeen(userId) {
      const value = await redis.get(lastSeenKey(prefix, userId));
      return value ? new Date(Number(value)) : null;
    },
  };
}

/** The server side: records its own sockets and refreshes them until stopped. */
export function createPresenceTracker(redis: Redis, prefix: string, options: { ttlMs?: number; refreshMs?: number } = {}) {
  const ttlMs = options.ttlMs ?? PRESENCE_TTL_MS;
  const local = new Map<string, string>(); // socket id → user id

  async function write(entries: [string, string][]) {
    if (entries.length === 0) return;
    const expiry = String(Date.now() + ttlMs);
    const pipeline = redis.pipeline();
    for (const [socketId, userId] of entries) {
      pipeline.hset(presenceKey(prefix, userId), socketId, expiry);
      pipeline.pexpire(presenceKey(prefix, userId), ttlMs);
    }
    await pipeline.exec();
  }

  const timer = setInterval(() => {
    void write([...local.entries()]).catch(() => undefined);
  }, options.refreshMs ?? PRESENCE_REFRESH_MS);
  timer.unref();

  return {
    async connected(socketId: string, userId: string) {
      local.set(socketId, userId);
      await write([[socketId, userId]]);
    },
    async disconnected(socketId: string, userId: string) {
      local.delete(socketId);
      await redis
        .multi()
        .hdel(presenceKey(prefix, userId), socketId)
        .set(lastSeenKey(prefix, userId), String(Date.now()))
        .exec();
    },
    /** Removes this node's sockets (graceful shutdown). */
    async stop() {
      clearInterval(timer);
      const entries = [...local.entries()];
      local.clear();
      if (entries.length === 0) return;
      const pipeline = redis.pipeline();
      for (const [socketId, userId] of entries) {
        pipeline.hdel(presenceKey(prefix, userId), socketId);
        pipeline.set(lastSeenKey(prefix, userId), String(Date.now()));
      }
      await pipeline.exec();
    },
  };
}
export type PresenceTracker = ReturnType<typeof createPresenceTracker>;
