import { JobName } from "@kring/protocol";
import { PRIVACY_QUEUE } from "@kring/redis";
import { eventually, startTestServer, type TestServer } from "@kring/server/testing";
import { Queue } from "bullmq";
import { startTestWorker, type TestWorker } from "./testing/worker-harness";

// Issue #11: the privacy queue's jobs in a real worker. The daily job removes messages older than
// the circle's retention as tombstones (sync stays gap-free) after flushing the access log, and
// expires access-log rows after 18 months.

let serverClock = new Date();
let workerClock = new Date();
let server: TestServer;
let worker: TestWorker;
let queue: Queue;
beforeAll(async () => {
  server = await startTestServer({ now: () => serverClock });
  worker = await startTestWorker(server, { now: () => workerClock });
  queue = new Queue(PRIVACY_QUEUE, { connection: worker.redis, prefix: server.redisPrefix });
});
afterAll(async () => {
  await queue.close();
  await worker.stop();
  await server.stop();
});

async function runDaily(id: string) {
  const job = await queue.add(JobName.privacyDaily, {}, { jobId: id });
  let state = "";
  await eventually(() => state === "completed" || state === "failed", 20_000, "the daily job", async () => {
    state = await job.getState();
  });
  expect(state).toBe("completed");
}

it("runs retention and the access log's flush and expiry through the queue", async () => {
  const coordinator = await server.registerUser("Sofie");
  const circle = await server.createCircle(coordinator.token);
  const family = await server.addMember(coordinator.token, circle.id, "family", "Marie");
  const socket = await server.connect(family.token);
  serverClock = new Date(Date.now() - 60 * 24 * 3600_000);
  await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "old", body: "from two months ago" });
  serverClock = new Date();
  await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "new", body: "from today" });
  await server.request("PUT", `/api/circles/${circle.id}/retention`, { token: coordinator.token, body: { messagesDays: 30 } });
  const phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148";
  await server.request("GET", `/api/circles/${circle.id}/messages`, { token: family.token, headers: { "user-agent": phone } });
  let entries: unknown[] = [];
  await eventually(() => entries.length > 0, 3000, "the read in the log", async () => {
    entries = (await server.request("GET", `/api/circles/${circle.id}/access-log`, { token: coordinator.token })).body.entries;
  });

  await runDaily("daily-1");
  const synced: any = await socket.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0 });
  expect(synced.messages.map((m: any) => [m.seq, m.deleted === true, m.body])).toEqual([
    [1, true, ""],
    [2, false, "from today"],
  ]);
  // The daily run flushed the access log: the read is in the database, not only in Redis.
  const today = new Date().toISOString().slice(0, 10);
  const stored = await worker.connection.collection("access_log").find({ _id: `${circle.id}:${today}:${family.user.id}:messages:phone` as never }).toArray();
  expect(stored).toEqual([expect.objectContaining({ count: 1 })]);

  // 19 months later, today's rows have expired.
  workerClock = new Date(Date.now() + 580 * 24 * 3600_000);
  await server.redis.del(`${server.redisPrefix}:access:${circle.id}:${today}`);
  await runDaily("daily-2");
  expect(await worker.connection.collection("access_log").find({ _id: `${circle.id}:${today}:${family.user.id}:messages:phone` as never }).toArray()).toEqual([]);
  const log = await server.request("GET", `/api/circles/${circle.id}/access-log?from=${today}&to=${today}`, { token: coordinator.token });
  expect(log.body.entries).toEqual([]);
}, 60_000);
