import { type AccessAggregate, type AccessAggregator, ACCESS_HASH_DAYS, dayOf, type MessageThread } from "@kring/domain";
import { AccessCategory, DeviceKind, JobName } from "@kring/protocol";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { messageWindowKey } from "./message-cache";

// Issue #11: the Redis side of the access log (one hash per circle and day, counted by one script
// per read) and the privacy queue's two job schedulers (flush every 5 minutes, the daily run).

export const PRIVACY_QUEUE = "kring-privacy";
export const accessHashKey = (prefix: string, circleId: string, day: string) => `${prefix}:access:${circleId}:${day}`;
export const accessPendingKey = (prefix: string) => `${prefix}:access:pending`;

// One round trip per read: the row's count, its first time (set once) and its last time, the
// hash's expiry, and the circle-day in the set the flush takes its work from.
const HIT = `
redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|n', 1)
redis.call('HSETNX', KEYS[1], ARGV[1] .. '|f', ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1] .. '|l', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
return 1`;

type ScriptedRedis = Redis & {
  kringAccessHit(hash: string, pending: string, row: string, atMs: number, ttl: number, member: string): Promise<number>;
};

export function createAccessAggregator(redis: Redis, prefix: string): AccessAggregator {
  const scripted = redis as ScriptedRedis;
  if (typeof scripted.kringAccessHit !== "function") redis.defineCommand("kringAccessHit", { numberOfKeys: 2, lua: HIT });
  return {
    async hit(hit) {
      const day = dayOf(hit.at);
      await scripted.kringAccessHit(
        accessHashKey(prefix, hit.circleId, day),
        accessPendingKey(prefix),
        `${hit.userId}:${hit.category}:${hit.deviceKind}`,
        hit.at.getTime(),
        ACCESS_HASH_DAYS * 24 * 3600,
        `${hit.circleId}:${day}`,
      );
    },
    async readDay(circleId, day) {
      const fields = await redis.hgetall(accessHashKey(prefix, circleId, day));
      const rows = new Map<string, Partial<Record<"n" | "f" | "l", number>>>();
      for (const [field, value] of Object.entries(fields)) {
        const [row = "", part = ""] = field.split("|");
        if (part !== "n" && part !== "f" && part !== "l") continue;
        const entry = rows.get(row) ?? {};
        entry[part] = Number(value);
        rows.set(row, entry);
      }
      const found: AccessAggregate[] = [];
      for (const [row, v] of rows) {
        const [userId = "", categoryText = "", deviceText = ""] = row.split(":");
        const category = AccessCategory.safeParse(categoryText);
        const deviceKind = DeviceKind.safeParse(deviceText);
        if (!/^[0-9a-f]{24}$/.test(userId) || !category.success || !deviceKind.success || !v.n || !v.f || !v.l) continue;
        found.push({ userId, category: category.data, deviceKind: deviceKind.data, day, count: v.n, firstAt: new Date(v.f), lastAt: new Date(v.l) });
      }
      return found;
    },
    async takePending(limit) {
      const members = (await redis.spop(accessPendingKey(prefix), limit)) ?? [];
      return members.flatMap((member) => {
        const [circleId = "", day = ""] = member.split(":");
        return /^[0-9a-f]{24}$/.test(circleId) ? [{ circleId, day }] : [];
      });
    },
    async markPending(circleId, day) {
      await redis.sadd(accessPendingKey(prefix), `${circleId}:${day}`);
    },
  };
}

/** Drops one seq from a thread's window of recent messages: the next read finds the tombstone by key. */
export function createWindowForgetter(redis: Redis, prefix: string) {
  return async (circleId: string, thread: MessageThread, seq: number) => {
    await redis.zremrangebyscore(messageWindowKey(prefix, circleId, thread), seq, seq);
  };
}

/** The privacy queue: the access log's flush every 5 minutes, retention and expiry daily at 03:15 UTC. */
export function createPrivacyQueue(connection: Redis, prefix: string) {
  const queue = new Queue(PRIVACY_QUEUE, { connection, prefix });
  return {
    queue,
    async scheduleRecurring() {
      await queue.upsertJobScheduler("access-log-flush", { every: 5 * 60_000 }, { name: JobName.accessLogFlush, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
      await queue.upsertJobScheduler("privacy-daily", { pattern: "15 3 * * *", tz: "UTC" }, { name: JobName.privacyDaily, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
    },
    close: () => queue.close(),
  };
}
