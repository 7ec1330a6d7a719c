import { messageKey } from "@kring/db";
import type { Message } from "@kring/protocol";
import { messageHintKey, messageOwnSeqKey, messageWindowKey } from "@kring/redis";
import { Types } from "mongoose";
import { collect, sleep, startTestServer, type ClientSocket, type TestServer } from "../../testing/harness";

// Messages addressed by key (issue #7): seqs across server nodes and Redis losses, resends after a
// counter loss, and exact O(page) sync over a long history.

const fast = { sendRatePerSecond: 10_000, sendBurst: 10_000 };

async function syncAll(socket: ClientSocket, circleId: string, afterSeq = 0, limit = 100): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const page = await socket.emitWithAck("message:sync", { circleId, afterSeq, limit });
    if (!page.ok) throw new Error(page.error.message);
    all.push(...page.messages);
    afterSeq = page.messages.at(-1)?.seq ?? afterSeq;
    if (!page.hasMore) return all;
    if (page.messages.length === 0) throw new Error("hasMore without messages");
  }
}

/** Plays a Redis restart for one circle: only this test's keys are deleted. */
async function loseRedisState(server: TestServer, circleId: string) {
  await server.redis.del(
    messageHintKey(server.redisPrefix, circleId, "circle"),
    messageWindowKey(server.redisPrefix, circleId, "circle"),
    messageOwnSeqKey(server.redisPrefix, circleId, "circle"),
  );
}

describe("messages stored by key", () => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  beforeAll(async () => {
    nodeA = await startTestServer({ config: fast });
    // A second server node on the same database and Redis (and key prefix).
    nodeB = await startTestServer({ config: { ...fast, redisPrefix: nodeA.redisPrefix }, dbName: nodeA.dbName });
  });
  afterAll(async () => {
    await nodeB.stop({ keepData: true });
    await nodeA.stop();
  });

  it("gives concurrent sends on two server nodes unique, gap-free seqs", async () => {
    const coordinator = await nodeA.registerUser("Sofie");
    const circle = await nodeA.createCircle(coordinator.token);
    const members = [coordinator, ...(await Promise.all([1, 2, 3].map(() => nodeA.addMember(coordinator.token, circle.id))))];
    const sockets = await Promise.all(members.flatMap((m) => [nodeA.connect(m.token), nodeB.connect(m.token)]));
    const acks = await Promise.all(
      sockets.flatMap((socket, s) =>
        Array.from({ length: 15 }, (_, i) => socket.emitWithAck("message:send", { circleId: circle.id, clientId: `s${s}-${i}`, body: `${s}/${i}` })),
      ),
    );
    const seqs = acks.map((ack) => (ack.ok ? ack.message.seq : -1)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: sockets.length * 15 }, (_, i) => i + 1));
    const synced = await syncAll(sockets[0]!, circle.id);
    expect(synced.map((m) => m.seq)).toEqual(seqs);
    expect(new Set(synced.map((m) => m.id)).size).toBe(seqs.length);
  });

  it("keeps seqs unique and sync exact after Redis lost the hint and the recent window", async () => {
    const coordinator = await nodeA.registerUser();
    const circle = await nodeA.createCircle(coordinator.token);
    const onA = await nodeA.connect(coordinator.token);
    for (let i = 1; i <= 20; i += 1) await onA.emitWithAck("message:send", { circleId: circle.id, clientId: `a${i}`, body: `${i}` });
    await loseRedisState(nodeA, circle.id);
    // Node B has never seen this circle: its only sources are Redis (empty) and the keys.
    const onB = await nodeB.connect(coordinator.token);
    const next = await onB.emitWithAck("message:send", { circleId: circle.id, clientId: "after-loss", body: "21" });
    expect(next.ok && next.message.seq).toBe(21);
    await loseRedisState(nodeA, circle.id);
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? onA : onB).emitWithAck("message:send", { circleId: circle.id, clientId: `c${i}`, body: "x" })),
    );
    expect(concurrent.map((a) => (a.ok ? a.message.seq : -1)).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 22 + i));
    expect((await syncAll(onB, circle.id)).map((m) => m.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    const history = await nodeB.request("GET", `/api/circles/${circle.id}/messages?limit=3`, { token: coordinator.token });
    expect(history.body.messages.map((m: Message) => m.seq)).toEqual([29, 30, 31]);
  });

  it("answers a resend after a counter loss with the stored message, and delivers it only once", async () => {
    const coordinator = await nodeA.registerUser();
    const circle = await nodeA.createCircle(coordinator.token);
    const family = await nodeA.addMember(coordinator.token, circle.id);
    const sender = await nodeA.connect(coordinator.token);
    const watcher = await nodeB.connect(family.token);
    const received = collect(watcher, "message:new");
    const first = await sender.emitWithAck("message:send", { circleId: circle.id, clientId: "once", body: "Ik kom morgen" });
    await sender.emitWithAck("message:send", { circleId: circle.id, clientId: "twice", body: "later" });
    await loseRedisState(nodeA, circle.id);
    // The resend arrives on the other node, whose memory of the circle is as empty as Redis.
    const resender = await nodeB.connect(coordinator.token);
    const again = await resender.emitWithAck("message:send", { circleId: circle.id, clientId: "once", body: "Ik kom morgen" });
    expect(again).toEqual(first);
    await sleep(200);
    expect(received.map((m) => m.clientId)).toEqual(["once", "twice"]);
    expect((await syncAll(resender, circle.id)).map((m) => m.clientId)).toEqual(["once", "twice"]);
  });

  it("syncs a long history seeded by key exactly, page by page, with nothing in Redis", async () => {
    // 30 pages of 100 point reads each: ~10 s on FerretDB/SQLite.
    const coordinator = await nodeA.registerUser();
    const circle = await nodeA.createCircle(coordinator.token);
    const total = 3000;
    const createdAt = new Date();
    for (let start = 0; start < total; start += 1000) {
      await nodeA.connection.collection("messages").insertMany(
        Array.from({ length: 1000 }, (_, i) => {
          const seq = start + i + 1;
          return {
            _id: messageKey(circle.id, "circle", seq),
            messageId: new Types.ObjectId(),
            circleId: new Types.ObjectId(circle.id),
            thread: "circle",
            seq,
            clientId: `seed-${seq}`,
            senderId: new Types.ObjectId(coordinator.user.id),
            body: `seeded ${seq}`,
            deleted: false,
            createdAt,
          };
        }) as never[],
      );
    }
    const socket = await nodeB.connect(coordinator.token);
    const synced = await syncAll(socket, circle.id);
    expect(synced.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(synced[1234]).toMatchObject({ body: "seeded 1235", clientId: "seed-1235", id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const middle = await nodeA.request("GET", `/api/circles/${circle.id}/messages?beforeSeq=1500&limit=4`, { token: coordinator.token });
    expect(middle.body.messages.map((m: Message) => m.seq)).toEqual([1496, 1497, 1498, 1499]);
    const next = await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "after-seed", body: "hi" });
    expect(next.ok && next.message.seq).toBe(total + 1);
    const circles = await nodeA.request("GET", "/api/circles", { token: coordinator.token });
    expect(circles.body.circles.find((c: { id: string }) => c.id === circle.id).unread).toBe(0);
  }, 90_000);
});
