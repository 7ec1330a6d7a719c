import { loadDevstackConfig } from "@kring/config";
import { connectDatabase, openRepositories, type Connection } from "@kring/db";
import { createLogger } from "@kring/logger";
import { createCacheInvalidations } from "@kring/redis";
import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import { createPagePathCaches, type PagePathCaches } from "./page-path-caches";

// Issue #7: what the first page of a Help reads (ladder, members) is kept in memory for a day, so
// it is there when Help is pressed hours after the tablet connected. These tests hold what makes
// that safe: a copy answers only while the record's version stamp in Redis is unchanged, so an
// announced change is seen at once even by a process whose pub/sub message was lost, and without
// Redis every read goes to the database.

const hex = () => randomBytes(12).toString("hex");
const logger = createLogger({ level: "error" });
let connection: Connection;
let stored: Awaited<ReturnType<typeof openRepositories>>["repositories"];
let redis: Redis;
const prefix = `kt-page-path-${randomBytes(4).toString("hex")}`;
const opened: PagePathCaches[] = [];

function caches(client = redis): PagePathCaches {
  const made = createPagePathCaches({ repositories: stored, redis: client, redisPrefix: prefix, logger, versionTrustMs: 0 });
  opened.push(made);
  return made;
}

beforeAll(async () => {
  const services = loadDevstackConfig();
  if (!services.mongodbUri || !services.redisUrl) throw new Error("MONGODB_URI and REDIS_URL must be set (the jest global setup does this)");
  connection = await connectDatabase(services.mongodbUri, { dbName: `kring_page_path_${randomBytes(6).toString("hex")}` });
  stored = (await openRepositories(connection)).repositories;
  redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await Promise.all(opened.map((made) => made.close()));
  redis.disconnect();
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
});

test("a ladder and a member list stay in memory until their change is announced, even when the pub/sub message is lost", async () => {
  const circleId = hex();
  const [first, second, third] = [hex(), hex(), hex()];
  await stored.memberships.add({ circleId, userId: first, role: "family", joinedAt: new Date() });
  await stored.escalations.save({ circleId, responders: [first], stepSeconds: 60 });
  const worker = caches();
  expect((await worker.ladderOf(circleId))?.responders).toEqual([first]);
  expect((await worker.circleMembers(circleId)).map((m) => m.userId)).toEqual([first]);

  // Stored without an announcement: the copy in memory answers (no database read sees it).
  await stored.escalations.save({ circleId, responders: [second, first], stepSeconds: 60 });
  await stored.memberships.add({ circleId, userId: third, role: "family", joinedAt: new Date() });
  expect((await worker.ladderOf(circleId))?.responders).toEqual([first]);
  expect((await worker.circleMembers(circleId)).map((m) => m.userId)).toEqual([first]);

  // Its subscription is gone, so the pub/sub message never reaches it; the stamp still does.
  await worker.close();
  await createCacheInvalidations(redis, prefix).publish("circle", circleId);
  expect((await worker.ladderOf(circleId))?.responders).toEqual([second, first]);
  expect((await worker.circleMembers(circleId)).map((m) => m.userId).sort()).toEqual([first, third].sort());
});

test("a change to one circle leaves another circle's copy in memory", async () => {
  const [changed, untouched] = [hex(), hex()];
  const responder = hex();
  for (const circleId of [changed, untouched]) await stored.escalations.save({ circleId, responders: [responder], stepSeconds: 60 });
  const server = caches();
  await server.ladderOf(changed);
  await server.ladderOf(untouched);
  const other = hex();
  for (const circleId of [changed, untouched]) await stored.escalations.save({ circleId, responders: [other], stepSeconds: 60 });
  await createCacheInvalidations(redis, prefix).publish("circle", changed);
  expect((await server.ladderOf(changed))?.responders).toEqual([other]);
  expect((await server.ladderOf(untouched))?.responders).toEqual([responder]);
});

test("when Redis cannot say whether a copy is current, every read goes to the database", async () => {
  const services = loadDevstackConfig();
  const unreachable = new Redis(services.redisUrl!, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  unreachable.on("error", () => undefined);
  const circleId = hex();
  const [first, second] = [hex(), hex()];
  await stored.escalations.save({ circleId, responders: [first], stepSeconds: 60 });
  const cut = caches(unreachable);
  expect((await cut.ladderOf(circleId))?.responders).toEqual([first]);
  await stored.escalations.save({ circleId, responders: [second], stepSeconds: 60 });
  expect((await cut.ladderOf(circleId))?.responders).toEqual([second]);
  unreachable.disconnect();
});
