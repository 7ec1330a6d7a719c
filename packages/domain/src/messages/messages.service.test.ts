import { createMessagesService } from "./messages.service";
import { createInMemoryRepositories } from "../testing/in-memory-repositories";

const circleId = "c".repeat(24);
const anna = "a".repeat(24);
const marie = "b".repeat(24);

function setup() {
  const repos = createInMemoryRepositories();
  const now = () => new Date("2026-11-24T10:00:00Z");
  const service = createMessagesService({ ...repos, now });
  return { repos, service, now };
}

async function join(repos: ReturnType<typeof createInMemoryRepositories>, userId: string) {
  await repos.memberships.add({ circleId, userId, role: "family", joinedAt: new Date() });
}

describe("messages service", () => {
  it("gives concurrent sends strictly increasing, unique seqs", async () => {
    const { repos, service } = setup();
    await join(repos, anna);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => service.sendMessage(anna, { circleId, clientId: `m${i}`, body: "hi" })),
    );
    expect(results.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it("retries on a seq taken by another node instead of failing", async () => {
    const { repos, service, now } = setup();
    await join(repos, anna);
    await join(repos, marie);
    await service.sendMessage(anna, { circleId, clientId: "first", body: "1" });
    // Another node (another service instance sharing the storage) writes seqs 2 and 3.
    const otherNode = createMessagesService({ ...repos, now });
    await otherNode.sendMessage(marie, { circleId, clientId: "x", body: "2" });
    await otherNode.sendMessage(marie, { circleId, clientId: "y", body: "3" });
    const result = await service.sendMessage(anna, { circleId, clientId: "second", body: "4" });
    expect(result.message.seq).toBe(4);
  });

  it("still finds the next seq when the stored last-seq hint lags behind", async () => {
    const { repos, now } = setup();
    await join(repos, anna);
    const first = createMessagesService({ ...repos, now });
    for (let i = 0; i < 3; i += 1) await first.sendMessage(anna, { circleId, clientId: `a${i}`, body: "x" });
    // A restarted node whose hint says 1 while seqs 1-3 exist.
    const lagging = { ...repos.messageCache, readHint: async () => 1 };
    const restarted = createMessagesService({ ...repos, messageCache: lagging, now });
    const result = await restarted.sendMessage(anna, { circleId, clientId: "after-restart", body: "y" });
    expect(result.message.seq).toBe(4);
  });

  it("returns the stored message, not a new one, for a resend with the same clientId", async () => {
    const { repos, service } = setup();
    await join(repos, anna);
    const first = await service.sendMessage(anna, { circleId, clientId: "same", body: "hello" });
    const again = await service.sendMessage(anna, { circleId, clientId: "same", body: "hello" });
    expect(first.isNew).toBe(true);
    expect(again).toEqual({ message: first.message, isNew: false });
    expect(repos.messageRows).toHaveLength(1);
  });

  it("treats the same clientId from two senders as two messages", async () => {
    const { repos, service } = setup();
    await join(repos, anna);
    await join(repos, marie);
    const a = await service.sendMessage(anna, { circleId, clientId: "1", body: "a" });
    const b = await service.sendMessage(marie, { circleId, clientId: "1", body: "b" });
    expect(b.isNew).toBe(true);
    expect(b.message.seq).toBe(a.message.seq + 1);
  });

  it("refuses a non-member with forbidden on every operation", async () => {
    const { service } = setup();
    await expect(service.sendMessage(anna, { circleId, clientId: "1", body: "a" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(service.syncMessages(anna, { circleId, afterSeq: 0 })).rejects.toMatchObject({ code: "forbidden" });
    await expect(service.listHistory(anna, circleId, {})).rejects.toMatchObject({ code: "forbidden" });
    await expect(service.markRead(anna, { circleId, seq: 1 })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("syncs in pages with hasMore until caught up", async () => {
    const { repos, service } = setup();
    await join(repos, anna);
    for (let i = 0; i < 7; i += 1) await service.sendMessage(anna, { circleId, clientId: `m${i}`, body: "x" });
    const first = await service.syncMessages(anna, { circleId, afterSeq: 2, limit: 3 });
    expect(first.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(first.hasMore).toBe(true);
    const second = await service.syncMessages(anna, { circleId, afterSeq: 5, limit: 3 });
    expect(second.messages.map((m) => m.seq)).toEqual([6, 7]);
    expect(second.hasMore).toBe(false);
  });

  it("clamps a read marker to the newest message so later messages still count as unread", async () => {
    const { repos, service } = setup();
    await join(repos, anna);
    await join(repos, marie);
    await service.sendMessage(marie, { circleId, clientId: "1", body: "x" });
    await service.markRead(anna, { circleId, seq: 1_000_000 });
    expect(await repos.readMarkers.find(circleId, anna)).toBe(1);
  });

  it("finds the newest seq by probing keys after Redis lost the hint, and keeps seqs unique", async () => {
    const { repos, service, now } = setup();
    await join(repos, anna);
    for (let i = 0; i < 37; i += 1) await service.sendMessage(anna, { circleId, clientId: `p${i}`, body: "x" });
    repos.messageCache.forget();
    const otherNode = createMessagesService({ ...repos, now });
    const sync = await otherNode.syncMessages(anna, { circleId, afterSeq: 30 });
    expect(sync.messages.map((m) => m.seq)).toEqual([31, 32, 33, 34, 35, 36, 37]);
    const next = await otherNode.sendMessage(anna, { circleId, clientId: "after-loss", body: "y" });
    expect(next.message.seq).toBe(38);
  });

  it("returns the stored message for a resend after the hint and this node's memory were lost", async () => {
    const { repos, service, now } = setup();
    await join(repos, anna);
    const first = await service.sendMessage(anna, { circleId, clientId: "keep", body: "once" });
    await service.sendMessage(anna, { circleId, clientId: "other", body: "two" });
    repos.messageCache.forget();
    const restarted = createMessagesService({ ...repos, now });
    const again = await restarted.sendMessage(anna, { circleId, clientId: "keep", body: "once" });
    expect(again).toEqual({ message: first.message, isNew: false });
    expect(repos.messageRows).toHaveLength(2);
  });

  it("stores one message when two nodes race the same clientId", async () => {
    const { repos, now } = setup();
    await join(repos, anna);
    await join(repos, marie);
    const nodes = [createMessagesService({ ...repos, now }), createMessagesService({ ...repos, now })];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => [
        nodes[0]!.sendMessage(anna, { circleId, clientId: `r${i}`, body: "a" }),
        nodes[1]!.sendMessage(anna, { circleId, clientId: `r${i}`, body: "a" }),
        nodes[i % 2]!.sendMessage(marie, { circleId, clientId: `m${i}`, body: "b" }),
      ]).flat(),
    );
    expect(repos.messageRows).toHaveLength(40);
    expect(repos.messageRows.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let i = 0; i < 20; i += 1) {
      const [a, b] = [results[i * 3]!, results[i * 3 + 1]!];
      expect(a.message).toEqual(b.message);
      expect([a.isNew, b.isNew].filter(Boolean)).toHaveLength(1);
    }
  });

  it("fills a seq claimed by a node that crashed before inserting", async () => {
    const { repos, service } = setup();
    await join(repos, anna);
    await service.sendMessage(anna, { circleId, clientId: "a", body: "1" });
    // The crashed node claimed seq 2 for clientId "lost" and never inserted it.
    repos.plantClaim({ circleId, thread: "circle", senderId: anna, clientId: "lost", generation: 0 }, 2);
    const resent = await service.sendMessage(anna, { circleId, clientId: "lost", body: "2" });
    expect(resent).toMatchObject({ isNew: true, message: { seq: 2, clientId: "lost" } });
  });

  it("counts unread as newest seq minus the marker, and a member's own send marks everything before it read", async () => {
    const { repos, service } = setup();
    await join(repos, anna);
    await join(repos, marie);
    const unread = (userId: string) => service.unreadCount(circleId, userId);
    for (let i = 0; i < 3; i += 1) await service.sendMessage(marie, { circleId, clientId: `u${i}`, body: "x" });
    expect(await unread(anna)).toBe(3);
    expect(await unread(marie)).toBe(0);
    await service.sendMessage(anna, { circleId, clientId: "reply", body: "y" });
    expect(await unread(anna)).toBe(0);
    expect(await unread(marie)).toBe(1);
  });
});
