import { connectDatabase, messageKey } from "@kring/db";
import { Types } from "mongoose";
import type { BenchCircle } from "./target";

type Log = (line: string) => void;

/** Documents per insertMany: big enough to amortise the round trip, small enough for FerretDB's batch limits. */
const BATCH = 2000;

/**
 * `--preload N`: stores N messages across the bench's circles before the load, straight into the
 * keyed layout (`<circleId>:c:<seq>`, the same documents the repository writes) with insertMany,
 * round-robin so every circle gets its share at consecutive seqs 1..k. Redis is left empty, as
 * after a Redis restart: the server finds each circle's newest seq by probing keys, O(log n).
 */
export async function preloadMessages(input: {
  mongodbUri: string;
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
        batch.push({
          _id: messageKey(circle.circleId, "circle", seq),
          messageId: new Types.ObjectId(),
          circleId: new Types.ObjectId(circle.circleId),
          thread: "circle",
          seq,
          clientId: `preload-${seq}`,
          senderId: new Types.ObjectId(sender),
          body,
          deleted: false,
          createdAt,
        });
        if (batch.length >= BATCH) await flush();
      }
    }
    await flush();
  } finally {
    await connection.close();
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
