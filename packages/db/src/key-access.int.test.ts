import { loadDevstackConfig } from "@kring/config";
import { createCirclesService, createDigests, createMessagesService } from "@kring/domain";
import { createInMemoryMessageCache } from "@kring/domain/testing";
import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import { connectDatabase, type Connection, messageKey, openRepositories } from "./index";
import { expectOnlyKeyReads, isKeyFilter, recordQueries, whyNotKeyAccess } from "./testing/query-recorder";

// The guard of issue #7 item 4: every repository method below runs against the embedded FerretDB
// with a growing messages collection, and fails if any database operation it sends is not an
// insert or a point access by `_id` (the only filter FerretDB/SQLite serves from an index).
// A repository method added later without being exercised here fails the coverage check, so a
// scan cannot come back silently. Maintenance methods (none yet in these repositories) would live
// under a `maintenance` key and are excluded by name.

let connection: Connection;
let opened: Awaited<ReturnType<typeof openRepositories>>;

/** The repositories this test owns (the alerts/sessions engineer adds theirs to OWNED). */
const OWNED = ["users", "circles", "memberships", "invitations", "messages", "readMarkers"] as const;
const EXCLUDED_METHODS = new Set(["maintenance"]);

beforeAll(async () => {
  const services = loadDevstackConfig();
  if (!services.mongodbUri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  connection = await connectDatabase(services.mongodbUri, { dbName: `kring_keys_${randomBytes(6).toString("hex")}` });
  opened = await openRepositories(connection);
});
afterAll(async () => {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
});

/** Wraps every method of the owned repositories to learn which ones a scenario called. */
function trackCalls<R extends Record<string, object>>(repositories: R) {
  const called = new Set<string>();
  const all = new Set<string>();
  const tracked = {} as Record<string, object>;
  for (const [name, repository] of Object.entries(repositories)) {
    const wrapped: Record<string, unknown> = {};
    for (const [method, value] of Object.entries(repository)) {
      if (typeof value !== "function" || EXCLUDED_METHODS.has(method)) {
        wrapped[method] = value;
        continue;
      }
      all.add(`${name}.${method}`);
      wrapped[method] = (...args: unknown[]) => {
        called.add(`${name}.${method}`);
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    }
    tracked[name] = wrapped;
  }
  return { tracked: tracked as R, uncalled: () => [...all].filter((m) => !called.has(m)).sort() };
}

/** Seeds `count` messages after `fromSeq` into a circle directly by key (fast, like the bench's preload). */
async function seedMessages(circleId: string, senderId: string, fromSeq: number, count: number) {
  const createdAt = new Date();
  for (let start = 0; start < count; start += 1000) {
    const docs = Array.from({ length: Math.min(1000, count - start) }, (_, i) => {
      const seq = fromSeq + start + i + 1;
      return {
        _id: messageKey(circleId, "circle", seq),
        messageId: new Types.ObjectId(),
        circleId: new Types.ObjectId(circleId),
        thread: "circle",
        seq,
        clientId: `seed-${seq}`,
        senderId: new Types.ObjectId(senderId),
        body: `seeded ${seq}`,
        deleted: false,
        createdAt,
      };
    });
    await connection.collection("messages").insertMany(docs as never[], { ordered: false });
  }
}

describe("key access guard", () => {
  it("recognises key filters and refuses everything else", () => {
    expect(isKeyFilter({ _id: "a:c:1" })).toBe(true);
    expect(isKeyFilter({ _id: new Types.ObjectId() })).toBe(true);
    expect(isKeyFilter({ _id: { $in: ["a"] } })).toBe(false);
    expect(isKeyFilter({ _id: "a", circleId: "b" })).toBe(false);
    expect(isKeyFilter({ circleId: "b" })).toBe(false);
    expect(whyNotKeyAccess({ collection: "m", method: "countDocuments", params: [{ _id: "a" }] })).not.toBeNull();
    expect(whyNotKeyAccess({ collection: "m", method: "find", params: [{ _id: "a" }, { sort: { seq: 1 } }] })).toBe("sorted");
    expect(whyNotKeyAccess({ collection: "m", method: "insertOne", params: [{ circleId: "x" }] })).toBeNull();
  });

  it("catches a query that is not by key", async () => {
    await expect(
      expectOnlyKeyReads(connection, () => connection.collection("messages").findOne({ seq: 1 })),
    ).rejects.toThrow(/messages\.findOne: filter \{"seq":1\} is not exactly \{_id: value\}/);
  });

  it("serves every messaging, circle, membership, user and invitation operation by key, however many messages are stored", async () => {
    const repositories = Object.fromEntries(OWNED.map((name) => [name, opened.repositories[name]])) as Pick<
      typeof opened.repositories,
      (typeof OWNED)[number]
    >;
    const base = opened.repositories;
    const owner = await base.users.create({ email: `owner-${randomBytes(4).toString("hex")}@example.test`, name: "Owner", passwordHash: "x" });
    const busy = await base.circles.create({ name: "Busy", createdBy: owner.id, now: new Date() });
    await base.memberships.add({ circleId: busy.id, userId: owner.id, role: "coordinator", joinedAt: new Date() });
    let seeded = 0;
    const readsBySize: number[] = [];

    for (const size of [300, 6000]) {
      await seedMessages(busy.id, owner.id, seeded, size - seeded);
      const cache = createInMemoryMessageCache(); // empty: every read falls back to keys and probes
      const { tracked, uncalled } = trackCalls(repositories);
      const now = () => new Date();
      const deps = { ...tracked, messageCache: cache, now };
      const messages = createMessagesService(deps);
      let codes = 0;
      const circles = createCirclesService({
        ...deps,
        generateCode: () => `K${randomBytes(6).toString("hex")}${++codes}`,
        invitationTtlMs: 3600_000,
      });
      const digests = createDigests({
        ...deps,
        presence: { isOnline: async () => false },
        preferences: { find: async () => null, save: async () => undefined },
        digests: { scheduleDigest: async () => undefined },
        queue: { enqueue: async () => undefined },
      });

      const { operations } = await expectOnlyKeyReads(
        connection,
        async () => {
          const tag = randomBytes(4).toString("hex");
          const sofie = await tracked.users.create({ email: `Sofie-${tag}@Example.test`, name: "Sofie", passwordHash: "x" });
          const marie = await tracked.users.create({ email: `marie-${tag}@example.test`, name: "Marie", passwordHash: "x" });
          const anna = await tracked.users.createManaged("Anna");
          expect(await tracked.users.findByEmail(`sofie-${tag}@example.test`)).toMatchObject({ id: sofie.id });
          expect(await tracked.users.findById(anna.id)).toMatchObject({ name: "Anna" });

          const circle = await circles.createCircle(sofie.id, "Anna");
          expect(await tracked.circles.findById(circle.id)).toMatchObject({ name: "Anna" });
          const invitation = await circles.createInvitation(sofie.id, circle.id, "family");
          await circles.acceptInvitation(marie.id, invitation.code);
          const second = await circles.createInvitation(sofie.id, circle.id, "professional");
          expect((await circles.listInvitations(sofie.id, circle.id)).map((i) => i.code)).toEqual([second.code]);
          await circles.revokeInvitation(sofie.id, circle.id, second.code);
          expect(await circles.listInvitations(sofie.id, circle.id)).toEqual([]);
          await tracked.memberships.add({ circleId: circle.id, userId: anna.id, role: "resident", joinedAt: new Date() });
          await tracked.memberships.add({ circleId: busy.id, userId: sofie.id, role: "family", joinedAt: new Date() });
          expect(await tracked.memberships.listCircleIdsForUser(sofie.id)).toEqual([circle.id, busy.id]);
          expect((await circles.listMembers(sofie.id, circle.id)).map((m) => m.name)).toEqual(["Sofie", "Marie", "Anna"]);

          const sent = await messages.sendMessage(marie.id, { circleId: circle.id, clientId: "m1", body: "hallo" });
          expect(await messages.sendMessage(marie.id, { circleId: circle.id, clientId: "m1", body: "hallo" })).toEqual({ ...sent, isNew: false });
          const busySend = await messages.sendMessage(sofie.id, { circleId: busy.id, clientId: "b1", body: "druk" });
          expect(busySend.message.seq).toBe(size + 1);
          seeded = size + 1;
          expect((await messages.listHistory(sofie.id, busy.id, {})).map((m) => m.seq).at(-1)).toBe(busySend.message.seq);
          expect((await messages.listHistory(sofie.id, busy.id, { beforeSeq: 100, limit: 5 })).map((m) => m.seq)).toEqual([95, 96, 97, 98, 99]);
          expect((await messages.listHistory(sofie.id, busy.id, { afterSeq: 10, limit: 3 })).map((m) => m.seq)).toEqual([11, 12, 13]);
          const page = await messages.syncMessages(sofie.id, { circleId: busy.id, afterSeq: 200, limit: 100 });
          expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 201 + i));
          await messages.markRead(sofie.id, { circleId: busy.id, seq: 150 });

          // The care-team thread: its own keys (`<c>:t:<seq>`, marker `<c>:<u>:t`), the same point reads.
          const teamSend = await messages.sendMessage(sofie.id, { circleId: circle.id, clientId: "m1", body: "team", thread: "team" });
          expect(teamSend.message).toMatchObject({ thread: "team", seq: 1 });
          expect(await messages.syncMessages(marie.id, { circleId: circle.id, afterSeq: 0, thread: "team" })).toEqual({
            messages: [teamSend.message],
            hasMore: false,
          });
          expect((await messages.listHistory(marie.id, circle.id, { thread: "team" })).map((m) => m.body)).toEqual(["team"]);
          await messages.markRead(marie.id, { circleId: circle.id, seq: 1, thread: "team" });
          expect(await tracked.readMarkers.find(circle.id, marie.id, "team")).toBe(1);
          expect(await tracked.readMarkers.find(circle.id, marie.id)).toBe(0);

          const listed = await circles.listCircles(sofie.id);
          expect(listed.map((c) => [c.id, c.unread])).toEqual([
            [circle.id, 1],
            [busy.id, 0],
          ]);
          expect(listed.map((c) => c.unreadTeam)).toEqual([0, 0]);
          expect((await digests.runDigest({ circleId: circle.id, userId: anna.id, windowStart: 0 })).outcome).toBe("sent");
          expect((await tracked.users.findNames([sofie.id, anna.id])).get(anna.id)).toBe("Anna");
          expect((await tracked.circles.findByIds([circle.id, busy.id])).map((c) => c.name)).toEqual(["Anna", "Busy"]);
          expect(await tracked.invitations.isRedeemed(circle.id, (await tracked.invitations.findByCode(invitation.code))!.id)).toBe(true);
          // The stored marker is the explicit read; the own send counts through the cache.
          expect(await tracked.readMarkers.find(busy.id, sofie.id)).toBe(150);
          expect(await messages.unreadCount(busy.id, sofie.id)).toBe(0);
          // Issue #11: a removal deletes the membership by key; the lists skip the slots that named it.
          await circles.removeMember(sofie.id, circle.id, marie.id);
          expect(await tracked.memberships.remove(circle.id, marie.id)).toBe(false);
          expect(await tracked.memberships.listFormerForCircle(circle.id)).toEqual([marie.id]);
          expect((await circles.listMembers(sofie.id, circle.id)).map((m) => m.name)).toEqual(["Sofie", "Anna"]);
          await expect(circles.removeMember(sofie.id, circle.id, sofie.id)).rejects.toMatchObject({ code: "conflict" });
          await tracked.memberships.reinstate({ circleId: circle.id, userId: marie.id, role: "family", joinedAt: new Date() });
          expect((await tracked.memberships.listCircleIdsForUser(marie.id))).toEqual([circle.id]);
          const direct = { circleId: circle.id, senderId: marie.id, clientId: "direct", body: "x", seq: 2, createdAt: new Date() };
          expect((await tracked.messages.insert(direct)).seq).toBe(2);
          await expect(tracked.messages.insert(direct)).rejects.toMatchObject({ name: "DuplicateKeyError" });
        },
        { label: `messaging with ${size} stored messages` },
      );
      expect(uncalled()).toEqual([]);
      readsBySize.push(operations.filter((op) => op.method !== "insertOne").length);
    }
    // O(log n) probing is the only part that grows: 20x the messages, a handful more point reads.
    expect(readsBySize[1]! - readsBySize[0]!).toBeLessThanOrEqual(16);
  });

  it("records raw collection calls too", async () => {
    const recorder = recordQueries(connection);
    await connection.collection("messages").findOne({ _id: "none" as never });
    expect(recorder.stop()).toEqual([expect.objectContaining({ collection: "messages", method: "findOne" })]);
  });
});
