import { loadDevstackConfig } from "@kring/config";
import { DuplicateKeyError } from "@kring/domain";
import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import { type Connection, connectDatabase, createAlertRepositories, registerAlertModels } from "../index";
import { createSessionRepositories } from "../sessions/sessions.repositories";
import { registerSessionModels } from "../sessions/sessions.models";
import { isKeyFilter, recordQueries } from "../testing/query-recorder";

// The storage rule for alerts, check-in, notifications and sessions (issue #7): every repository
// method is served by key. The collections are seeded and grown, and a recorder of every operation
// mongoose sends fails the test on any filter that is not exactly `{_id: value}`.

const id = () => new Types.ObjectId().toHexString();

let connection: Connection;
let models: ReturnType<typeof registerAlertModels> & ReturnType<typeof registerSessionModels>;
beforeAll(async () => {
  const uri = loadDevstackConfig().mongodbUri;
  if (!uri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  connection = await connectDatabase(uri, { dbName: `kring_test_keys_${randomBytes(6).toString("hex")}` });
  models = { ...registerAlertModels(connection), ...registerSessionModels(connection) };
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

/** Fresh repositories: a new server node, with cold caches. */
const open = () => ({ ...createAlertRepositories(models), ...createSessionRepositories(models) });

describe("the recorder", () => {
  it("tells key filters from the rest", () => {
    expect(isKeyFilter({ _id: "a:1" })).toBe(true);
    expect(isKeyFilter({ _id: new Types.ObjectId() })).toBe(true);
    expect(isKeyFilter({ _id: "a", circleId: "b" })).toBe(false);
    expect(isKeyFilter({ _id: { $in: ["a"] } })).toBe(false);
    expect(isKeyFilter({ circleId: "b" })).toBe(false);
    expect(isKeyFilter({})).toBe(false);
  });

  it("catches a scan sent through a model", async () => {
    const recorder = recordQueries(connection);
    try {
      await models.Alert.find({ circleId: new Types.ObjectId() }).lean();
      expect(recorder.violations()).toHaveLength(1);
    } finally {
      recorder.stop();
    }
  });
});

describe("every alerts, check-in, notifications and sessions method is a point read or insert", () => {
  const circle = id();
  const other = id();
  const raiser = id();
  const users = [id(), id(), id()];

  async function seed(repos: ReturnType<typeof open>, round: number, count: number) {
    for (let i = 0; i < count; i += 1) {
      const at = new Date(Date.UTC(2026, 0, 1) + round * 1_000_000 + i * 1000);
      const alert = await repos.alerts.insert({ circleId: circle, kind: "help", raisedBy: raiser, clientId: `seed-${round}-${i}`, createdAt: at });
      await repos.alerts.insertEvent({ id: `${alert.id}:paged:0`, alertId: alert.id, circleId: circle, type: "paged", userId: users[0]!, step: 0, note: null, at });
      await repos.alerts.insertEvent({ id: `${alert.id}:resolved`, alertId: alert.id, circleId: circle, type: "resolved", userId: users[1]!, step: null, note: "ok", at });
      await repos.deadLetters.insert({
        id: `kring-notifications:seed-${round}-${i}`,
        queue: "kring-notifications",
        jobName: "deliver-notification",
        jobId: `seed-${round}-${i}`,
        circleId: circle,
        channel: "email",
        recipientId: users[0]!,
        error: "smtp down",
        attempts: 3,
        failedAt: at,
      });
      await repos.checkins.record({ circleId: circle, date: `2020-${String((i % 12) + 1).padStart(2, "0")}-${String((round * 7 + i) % 28 + 1).padStart(2, "0")}`, at, by: users[0]! });
      await repos.sessions.create({ userId: users[2]!, kind: "browser", name: `b${i}`, createdAt: at, tokenHash: `seed-${round}-${i}` });
    }
  }

  async function exercise(repos: ReturnType<typeof open>, label: string) {
    const now = new Date();
    const alert = await repos.alerts.insert({ circleId: other, kind: "help", raisedBy: raiser, clientId: `tap-${label}`, createdAt: now });
    await expect(repos.alerts.insert({ circleId: other, kind: "help", raisedBy: raiser, clientId: `tap-${label}`, createdAt: now })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect((await repos.alerts.findByClientId(other, raiser, `tap-${label}`))?.id).toBe(alert.id);
    expect((await repos.alerts.findById(alert.id))?.circleId).toBe(other);
    expect(await repos.alerts.insertEvent({ id: `${alert.id}:claimed`, alertId: alert.id, circleId: other, type: "claimed", userId: users[0]!, step: null, note: null, at: now })).toBe(true);
    expect(await repos.alerts.insertEvent({ id: `${alert.id}:claimed`, alertId: alert.id, circleId: other, type: "claimed", userId: users[1]!, step: null, note: null, at: now })).toBe(false);
    expect(await repos.alerts.hasEvent(other, `${alert.id}:claimed`)).toBe(true);
    expect(await repos.alerts.hasEvent(circle, `${alert.id}:claimed`)).toBe(false); // another circle's key
    const events = await repos.alerts.findEvents(other, [`${alert.id}:claimed`, `${alert.id}:resolved`, `${alert.id}:paged:0`]);
    expect(events.map((e) => [e.type, e.userId])).toEqual([["claimed", users[0]]]);
    const newest = await repos.alerts.listForCircle(circle, 10);
    expect(newest).toHaveLength(10);
    expect(newest.map((a) => a.createdAt.getTime())).toEqual([...newest.map((a) => a.createdAt.getTime())].sort((a, b) => b - a));
    const across = await repos.alerts.listForCircles([circle, other], 5);
    expect(across.map((a) => a.id)).toContain(alert.id);
    expect(across.filter((a) => a.circleId === circle)).toHaveLength(5);

    await repos.escalations.save({ circleId: other, responders: [users[0]!], stepSeconds: 60 });
    expect((await repos.escalations.find(other))?.responders).toEqual([users[0]]);

    await repos.checkins.saveSchedule({ circleId: other, deadline: "10:00", timeZone: "Europe/Brussels", enabled: true });
    expect((await repos.checkins.findSchedule(other))?.deadline).toBe("10:00");
    const day = `2030-01-${label === "small" ? "01" : "02"}`;
    await repos.checkins.record({ circleId: other, date: day, at: now, by: users[0]! });
    expect((await repos.checkins.record({ circleId: other, date: day, at: now, by: users[1]! })).by).toBe(users[0]);
    expect((await repos.checkins.find(other, day))?.by).toBe(users[0]);
    expect(await repos.checkins.find(circle, day)).toBeNull();

    await repos.preferences.save(users[0]!, { channels: { push: true, email: false, sms: false }, phone: null, quietHours: null, language: "nl" });
    expect((await repos.preferences.find(users[0]!))?.language).toBe("nl");
    const endpoint = `https://push.example/${label}`;
    await repos.pushSubscriptions.save({ userId: users[0]!, endpoint, keys: { p256dh: "p", auth: "a" } });
    expect((await repos.pushSubscriptions.listForUser(users[0]!)).map((s) => s.endpoint)).toContain(endpoint);
    // The same browser signs in as someone else: the endpoint moves.
    await repos.pushSubscriptions.save({ userId: users[1]!, endpoint, keys: { p256dh: "p", auth: "a" } });
    expect((await repos.pushSubscriptions.listForUser(users[0]!)).map((s) => s.endpoint)).not.toContain(endpoint);
    expect((await repos.pushSubscriptions.listForUser(users[1]!)).map((s) => s.endpoint)).toContain(endpoint);
    await repos.pushSubscriptions.remove(users[0]!, endpoint); // not theirs any more: no effect
    expect(await repos.pushSubscriptions.listForUser(users[1]!)).toHaveLength(1);
    await repos.pushSubscriptions.removeByEndpoint(endpoint);
    expect(await repos.pushSubscriptions.listForUser(users[1]!)).toEqual([]);

    const letters = await repos.deadLetters.listForCircle(circle, 5);
    expect(letters).toHaveLength(5);
    expect(letters[0]!.failedAt.getTime()).toBeGreaterThanOrEqual(letters[4]!.failedAt.getTime());
    expect(await repos.getOrCreateSetting("vapid-test", () => ({ label }))).toEqual({ label: "small" });

    const session = await repos.sessions.create({ userId: users[1]!, kind: "tablet", name: "Tablet", createdAt: now, tokenHash: `hash-${label}` });
    expect((await repos.sessions.findByTokenHash(`hash-${label}`))?.id).toBe(session.id);
    expect(await repos.sessions.findByTokenHash("unknown")).toBeNull();
    await repos.sessions.touch(session.id, now);
    await repos.sessions.revoke(session.id, now);
    expect((await repos.sessions.findById(session.id))?.revokedAt).not.toBeNull();
    const tablets = await repos.sessions.listForUsers([users[1]!, users[2]!], "tablet");
    expect(tablets.map((t) => t.userId)).toContain(users[1]);
    expect(tablets.every((t) => t.kind === "tablet")).toBe(true);
    const pairing = await repos.pairings.create({ circleId: other, userId: users[1]!, code: `CODE${label}`, createdBy: users[0]!, expiresAt: now });
    expect((await repos.pairings.findByCode(`CODE${label}`))?.id).toBe(pairing.id);
    expect(await repos.pairings.redeem(other, pairing.id, now)).toBe(true);
    expect(await repos.pairings.redeem(other, pairing.id, now)).toBe(false);
  }

  it("at every size of the seeded collections, with cold and warm caches", async () => {
    const readsOfAList: number[] = [];
    for (const [round, count, label] of [
      [0, 30, "small"],
      [1, 300, "large"],
    ] as const) {
      await seed(open(), round, count);
      const recorder = recordQueries(connection);
      try {
        const repos = open();
        await exercise(repos, label);
        await exercise(repos, `${label}-warm`);
        expect(recorder.violations()).toEqual([]);
        // A list of ten costs about ten reads plus an O(log n) probe for the newest slot, not O(n).
        recorder.clear();
        await open().alerts.listForCircle(circle, 10);
        readsOfAList.push(recorder.reads());
        expect(recorder.violations()).toEqual([]);
      } finally {
        recorder.stop();
      }
    }
    expect(readsOfAList[1]).toBeLessThan(10 + 10 + 2 * Math.ceil(Math.log2(331)) + 2);
  }, 120_000);

  it("keeps a circle's alert list exact when two nodes raise in it at once", async () => {
    const busy = id();
    const nodeA = open();
    const nodeB = open();
    const raised = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? nodeA : nodeB).alerts.insert({ circleId: busy, kind: "help", raisedBy: users[i % 3]!, clientId: `race-${i}`, createdAt: new Date(Date.UTC(2027, 0, 1, 0, 0, i)) }),
      ),
    );
    const listed = await open().alerts.listForCircle(busy, 100);
    expect(listed).toHaveLength(40);
    expect(new Set(listed.map((a) => a.id))).toEqual(new Set(raised.map((a) => a.id)));
    const slots = await models.CircleAlertSlot.find().lean(); // the test may scan; the code may not
    const ofBusy = slots.filter((s) => s._id.startsWith(`${busy}:`)).map((s) => Number(s._id.split(":")[1]));
    expect(ofBusy.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
