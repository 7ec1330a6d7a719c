import type { PresenceReader } from "@kring/domain";
import type { Redis } from "ioredis";

// Who has a connected socket, across server nodes, in Redis: one hash per user, field = socket
// id, value = expiry. Nodes refresh their sockets' expiry; a node that dies stops refreshing and
// its sockets expire, so a crash can't leave someone "online" forever.

const PRESENCE_TTL_MS = 90_000;
const PRESENCE_REFRESH_MS = 30_000;

const presenceKey = (prefix: string, userId: string) => `${prefix}:presence:${userId}`;
const lastSeenKey = (prefix: string, userId: string) => `${prefix}:last-seen:${userId}`;

export function createPresenceReader(redis: Redis, prefix: string): PresenceReader & {
  isOnline(userId: string, exceptSocketId?: string): Promise<boolean>;
  lastSeen(userId: string): Promise<Date | null>;
} {
  return {
    /** Any live socket of the user's (other than `exceptSocketId`, the one connecting now). */
    async isOnline(userId: string, exceptSocketId?: string) {
      const entries = await redis.hgetall(presenceKey(prefix, userId));
      const now = Date.now();
      return Object.entries(entries).some(([socketId, expiry]) => socketId !== exceptSocketId && Number(expiry) > now);
    },
    async lastSeen(userId) {
      const value = await redis.get(lastSeenKey(prefix, userId));
      return value ? new Date(Number(value)) : null;
    },
  };
}

/**
 * Atomically: forget the user's expired sockets, then add this one only if fewer than `cap` are
 * connected (across every node). KEYS[1] presence hash; ARGV socket id, expiry, now, cap, ttl.
 */
const RESERVE_SCRIPT = `
local entries = redis.call('HGETALL', KEYS[1])
local live = 0
for i = 1, #entries, 2 do
  if tonumber(entries[i + 1]) <= tonumber(ARGV[3]) then
    redis.call('HDEL', KEYS[1], entries[i])
  elseif entries[i] ~= ARGV[1] then
    live = live + 1
  end
end
if live >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

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
    /**
     * Claims one of the user's `cap` connection slots for a socket that is being authenticated;
     * false when the user already has `cap` live sockets. A refused or failed handshake releases it.
     */
    async reserve(socketId: string, userId: string, cap: number): Promise<boolean> {
      const now = Date.now();
      const result = await redis.eval(RESERVE_SCRIPT, 1, presenceKey(prefix, userId), socketId, String(now + ttlMs), String(now), String(cap), String(ttlMs));
      return result === 1;
    },
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
