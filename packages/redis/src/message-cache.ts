import type { MessageCache, MessageThread } from "@kring/domain";
import { Message } from "@kring/protocol";
import type { Redis } from "ioredis";

// The Redis side of the message log (packages/domain messages/message-log.ts): per circle thread, a "newest
// committed seq" hint and a window of the most recent messages. Redis is a cache here; the
// database keys are the truth, and every reader falls back to them on a miss or an error.

/** Messages kept per circle thread: a newest page (50) and a sync page (100) with room to spare. */
export const RECENT_WINDOW = 200;
/** An idle circle's window and hint fall out of Redis; the next read re-finds them by key. */
const WINDOW_TTL_SECONDS = 7 * 24 * 3600;
const HINT_TTL_SECONDS = 30 * 24 * 3600;

// Raises the hint, never lowers it: several nodes write it, each only with a seq whose insert
// succeeded, so it stays a lower bound of the newest committed seq.
const RAISE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

// One round trip per send: the message replaces whatever the window held at its seq, the window
// keeps its newest RECENT_WINDOW entries, the hint rises, and so does the sender's own-send seq
// (a hash per circle thread: sender id → seq; it moves their read marker).
const REMEMBER = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
redis.call('EXPIRE', KEYS[1], ARGV[4])
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[2], ARGV[1]) end
redis.call('EXPIRE', KEYS[2], ARGV[5])
local own = tonumber(redis.call('HGET', KEYS[3], ARGV[6]) or '0')
if tonumber(ARGV[1]) > own then redis.call('HSET', KEYS[3], ARGV[6], ARGV[1]) end
redis.call('EXPIRE', KEYS[3], ARGV[5])
return 1`;

type ScriptedRedis = Redis & {
  kringRaiseSeqHint(key: string, seq: number, ttl: number): Promise<number>;
  kringRememberMessage(
    window: string,
    hint: string,
    own: string,
    seq: number,
    json: string,
    size: number,
    windowTtl: number,
    hintTtl: number,
    senderId: string,
  ): Promise<number>;
};

export const messageHintKey = (prefix: string, circleId: string, thread: MessageThread) => `${prefix}:messages:${circleId}:${thread}:hint`;
export const messageOwnSeqKey = (prefix: string, circleId: string, thread: MessageThread) => `${prefix}:messages:${circleId}:${thread}:own`;
export const messageWindowKey = (prefix: string, circleId: string, thread: MessageThread) => `${prefix}:messages:${circleId}:${thread}:recent`;

export function createMessageCache(redis: Redis, prefix: string, options: { windowSize?: number } = {}): MessageCache {
  const windowSize = options.windowSize ?? RECENT_WINDOW;
  const scripted = redis as ScriptedRedis;
  if (typeof scripted.kringRaiseSeqHint !== "function") {
    redis.defineCommand("kringRaiseSeqHint", { numberOfKeys: 1, lua: RAISE });
    redis.defineCommand("kringRememberMessage", { numberOfKeys: 3, lua: REMEMBER });
  }
  return {
    async readHint(circleId, thread) {
      const value = await redis.get(messageHintKey(prefix, circleId, thread));
      return value === null ? null : Number(value);
    },
    async raiseHint(circleId, thread, seq) {
      await scripted.kringRaiseSeqHint(messageHintKey(prefix, circleId, thread), seq, HINT_TTL_SECONDS);
    },
    async remember(message, thread) {
      await scripted.kringRememberMessage(
        messageWindowKey(prefix, message.circleId, thread),
        messageHintKey(prefix, message.circleId, thread),
        messageOwnSeqKey(prefix, message.circleId, thread),
        message.seq,
        JSON.stringify(message),
        windowSize,
        WINDOW_TTL_SECONDS,
        HINT_TTL_SECONDS,
        message.senderId ?? "",
      );
    },
    async readOwnSeq(circleId, thread, userId) {
      const value = await redis.hget(messageOwnSeqKey(prefix, circleId, thread), userId);
      return value === null ? null : Number(value);
    },
    async recent(circleId, thread, fromSeq, toSeq) {
      const entries = await redis.zrangebyscore(messageWindowKey(prefix, circleId, thread), fromSeq, toSeq);
      const result = new Map<number, Message>();
      for (const entry of entries) {
        // Whatever is in Redis is parsed like any other input; a bad entry is just a miss.
        const parsed = Message.safeParse(JSON.parse(entry));
        // An entry from before the team thread has no `thread`; it was written to a circle window.
        const message = parsed.success ? { ...parsed.data, thread } : undefined;
        if (message && message.circleId === circleId) result.set(message.seq, message);
      }
      return result;
    },
  };
}
