import { loadDevstackConfig } from "@kring/config";
import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import { type Connection, connectDatabase, openRepositories } from "../index";
import { expectOnlyKeyReads } from "../testing/query-recorder";

// The storage rule for the privacy repositories (issue #11): the access log, retention, the
// tombstone writer and the account eraser read and write by `_id` alone, however much is stored.
// The one exception is the daily job's `maintenanceListCircleIds`, exercised outside the recorder.

const id = () => new Types.ObjectId().toHexString();

let connection: Connection;
let opened: Awaited<ReturnType<typeof openRepositories>>;
beforeAll(async () => {
  const uri = loadDevstackConfig().mongodbUri;
  if (!uri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  connection = await connectDatabase(uri, { dbName: `kring_test_privacy_keys_${randomBytes(6).toString("hex")}` });
  opened = await openRepositories(connection);
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

const row = (userId: string, day: string, count: number) => ({
  userId,
  category: "messages" as const,
  deviceKind: "phone" as const,
  day,
  count,
  firstAt: new Date(`${day}T08:00:00Z`),
  lastAt: new Date(`${day}T09:00:00Z`),
});

it("keeps the access log, retention and erasure by key only", async () => {
  const { accessLog, retention, messageEraser, accountEraser, users, memberships, messages, circles } = opened.repositories;
  // Growing collections of other circles, so a scan would show.
  for (let i = 0; i < 20; i += 1) {
    await accessLog.saveDay(id(), "2026-01-01", [row(id(), "2026-01-01", 3)]);
    await accessLog.appendChange({ circleId: id(), userId: id(), action: "ladder_changed", at: new Date() });
  }
  const circle = await circles.create({ name: "Key circle", createdBy: id(), now: new Date() });
  const user = await users.create({ email: `${randomBytes(4).toString("hex")}@example.test`, name: "Keyed Person", passwordHash: "x" });
  await memberships.add({ circleId: circle.id, userId: user.id, role: "family", joinedAt: new Date() });
  await messages.insert({ circleId: circle.id, seq: 1, clientId: "k-1", senderId: user.id, body: "by key", createdAt: new Date() });

  const exercised = new Map<string, Set<string>>([
    ["accessLog", new Set()],
    ["retention", new Set()],
    ["messageEraser", new Set()],
    ["accountEraser", new Set()],
  ]);
  const mark = (repository: string, method: string) => exercised.get(repository)!.add(method);
  await expectOnlyKeyReads(
    connection,
    async () => {
      const me = user.id;
      await accessLog.saveDay(circle.id, "2026-02-01", [row(me, "2026-02-01", 2)]);
      // A second flush of the same day never lowers the count.
      await accessLog.saveDay(circle.id, "2026-02-01", [row(me, "2026-02-01", 1)]);
      mark("accessLog", "saveDay");
      expect(await accessLog.readDay(circle.id, "2026-02-01")).toEqual([expect.objectContaining({ userId: me, count: 2 })]);
      mark("accessLog", "readDay");
      await accessLog.appendChange({ circleId: circle.id, userId: me, action: "retention_changed", at: new Date() });
      mark("accessLog", "appendChange");
      const changes = await accessLog.listChanges(circle.id, new Date(Date.now() - 60_000), new Date(Date.now() + 60_000), 10);
      expect(changes).toEqual([expect.objectContaining({ userId: me, action: "retention_changed" })]);
      mark("accessLog", "listChanges");
      await accessLog.saveExpiryCursor(circle.id, "2026-02-02");
      mark("accessLog", "saveExpiryCursor");
      expect(await accessLog.readExpiryCursor(circle.id)).toBe("2026-02-02");
      mark("accessLog", "readExpiryCursor");
      await accessLog.removeDay(circle.id, "2026-02-01");
      expect(await accessLog.readDay(circle.id, "2026-02-01")).toEqual([]);
      mark("accessLog", "removeDay");

      await retention.save({ circleId: circle.id, messagesDays: 90, updatedAt: new Date() });
      mark("retention", "save");
      expect(await retention.find(circle.id)).toMatchObject({ messagesDays: 90 });
      mark("retention", "find");
      expect(await retention.readCursor(circle.id, "circle")).toBe(1);
      mark("retention", "readCursor");
      await retention.saveCursor(circle.id, "circle", 2);
      expect(await retention.readCursor(circle.id, "circle")).toBe(2);
      mark("retention", "saveCursor");

      await messageEraser.anonymiseSystemLine(circle.id, "circle", 1);
      mark("messageEraser", "anonymiseSystemLine");
      await messageEraser.tombstone(circle.id, "circle", 1);
      expect(await messages.findBySeq(circle.id, 1)).toMatchObject({ deleted: true, body: "", senderId: null });
      mark("messageEraser", "tombstone");

      await accountEraser.eraseMembership(circle.id, me);
      mark("accountEraser", "eraseMembership");
      await accountEraser.eraseAccount(me);
      mark("accountEraser", "eraseAccount");
      expect(await users.findById(me)).toBeNull();
    },
    { label: "privacy" },
  );
  expect(await retention.maintenanceListCircleIds()).toContain(circle.id);
  mark("retention", "maintenanceListCircleIds");
  expect([...exercised.get("accessLog")!].sort()).toEqual(Object.keys(accessLog).sort());
  expect([...exercised.get("retention")!].sort()).toEqual(Object.keys(retention).sort());
  expect([...exercised.get("messageEraser")!].sort()).toEqual(Object.keys(messageEraser).sort());
  expect([...exercised.get("accountEraser")!].sort()).toEqual(Object.keys(accountEraser).sort());
});
