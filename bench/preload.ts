import { connectDatabase, messageKey } from "@kring/db";
import type { Message } from "@kring/protocol";
import { createMessageCache, RECENT_WINDOW } from "@kring/redis";
import { Redis } from "ioredis";
import { Types } from "mongoose";
import { mapLimit } from "./stats";
import type { BenchCircle } from "./target";

type Log = (line: string) => void;

/** Documents per insertMany: big enough to amortise the round trip, small enough for FerretDB's batch limits. */
const BATCH = 2000;

/**
 * `--preload N`: stores N messages across the bench's circles before the load, straight into the
 * keyed layout (`<circleId>:c:<seq>`, the same documents the repository writes) with insertMany,
 * round-robin so every circle gets its share at consecutive seqs 1..k. Then Redis gets what the
 * server would have written had these messages been sent through it: each circle's seq hint and
 * its window of the newest ${RECENT_WINDOW} (a Redis restart instead, with both gone, is covered by
 * the tests: the server probes keys, O(log n), and reads pages by key).
 */
export async function preloadMessages(input: {
  mongodbUri: string;
  redisUrl: string;
  redisPrefix: string;
  dbName: string;
  circles: BenchCircle[];
  total: number;
  log: Log;
}): Promise<{ seconds: number; perCircle: number[] }> {
  const { circles, total, log } = input;
  const started = performance.now();
  const perCircle = circles.map((_, c) => Math.floor(total / circles.length) + (c < total % circles.length ? 1 : 0));
  if (total === 0) return { seconds: 0, perCircle };
  const connection = await connectDatabase(input.mongodbUri, { dbName: input.dbName });
  const collection = connection.collection("messages");
  const createdAt = new Date(Date.now() - 24 * 3600_000);
  const body = "Preloaded care note: visited at 10, medication taken, lunch eaten, all well. ".padEnd(120, ".");
  let written = 0;
  let lastReport = 0;
  const newest: Message[][] = circles.map(() => []);
  try {
    // Seq-major order: every circle's messages stay at consecutive seqs from 1 during the whole preload.
    const maxPerCircle = Math.max(...perCircle);
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await collection.insertMany(batch, { ordered: false });
      written += batch.length;
      batch = [];
      if (written - lastReport >= total / 20 || written === total) {
        lastReport = written;
        const seconds = (performance.now() - started) / 1000;
        log(`preload: ${written}/${total} messages in ${seconds.toFixed(1)} s (${(written / seconds).toFixed(0)}/s)`);
      }
    };
    for (let seq = 1; seq <= maxPerCircle; seq += 1) {
      for (const [c, circle] of circles.entries()) {
        if (seq > perCircle[c]!) continue;
        const sender = circle.members[seq % circle.members.length]?.userId ?? circle.members[0]?.userId;
        const messageId = new Types.ObjectId();
        batch.push({
          _id: messageKey(circle.circleId, "circle", seq),
          messageId,
          circleId: new Types.ObjectId(circle.circleId),
          thread: "circle",
          seq,
          clientId: `preload-${seq}`,
          senderId: new Types.ObjectId(sender),
          body,
          deleted: false,
          createdAt,
        });
        if (seq > perCircle[c]! - RECENT_WINDOW) {
          newest[c]!.push({ id: messageId.toHexString(), circleId: circle.circleId, seq, thread: "circle", clientId: `preload-${seq}`, senderId: sender!, body, createdAt: createdAt.toISOString() });
        }
        if (batch.length >= BATCH) await flush();
      }
    }
    await flush();
  } finally {
    await connection.close();
  }
  const redis = new Redis(input.redisUrl, { maxRetriesPerRequest: 3 });
  try {
    const cache = createMessageCache(redis, input.redisPrefix);
    const recent = newest.flat();
    await mapLimit(recent, 32, (message) => cache.remember(message, "circle"));
    log(`preload: Redis hint and recent window written for ${circles.length} circles (${recent.length} entries)`);
  } finally {
    redis.disconnect();
  }
  return { seconds: (performance.now() - started) / 1000, perCircle };
}

/** The bench database's size: dbStats (FerretDB and MongoDB both answer it). */
export async function databaseSizeBytes(mongodbUri: string, dbName: string): Promise<number | undefined> {
  const connection = await connectDatabase(mongodbUri, { dbName });
  try {
    const stats = (await connection.db!.command({ dbStats: 1 })) as { totalSize?: number; storageSize?: number; indexSize?: number };
    return stats.totalSize ?? (stats.storageSize !== undefined ? stats.storageSize + (stats.indexSize ?? 0) : undefined);
  } catch {
    return undefined;
  } finally {
    await connection.close();
  }
}
