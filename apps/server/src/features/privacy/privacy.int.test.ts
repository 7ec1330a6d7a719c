import { Types } from "mongoose";
import sharp from "sharp";
import { exportStats } from "./export";
import { eventually, startTestServer, type TestServer } from "../../testing/harness";

// Issue #11 items 3–6 against the real stack: the access log (Redis counts, flushed to keys),
// retention as tombstones with sync gap-free, erasure that leaves no trace, and the streamed export.

let clock = new Date();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ now: () => clock });
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  clock = new Date();
});

const PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36";
const DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";

async function circleWithPeople() {
  const coordinator = await server.registerUser("Sofie");
  const circle = await server.createCircle(coordinator.token);
  const family = await server.addMember(coordinator.token, circle.id, "family", "Marie");
  const professional = await server.addMember(coordinator.token, circle.id, "professional", "Karim");
  const resident = await server.addResident(coordinator.token, circle.id, "Anna");
  return { coordinator, circle, family, professional, resident };
}

const logOf = (circleId: string, token: string, query = "") => server.request("GET", `/api/circles/${circleId}/access-log${query}`, { token });

describe("the access log", () => {
  it("tells the resident who read what, how often and on which device, and survives Redis once flushed", async () => {
    const { coordinator, circle, family, resident } = await circleWithPeople();
    for (let i = 0; i < 4; i += 1) {
      const read = await server.request("GET", `/api/circles/${circle.id}/messages`, { token: family.token, headers: { "user-agent": PHONE } });
      expect(read.status).toBe(200);
    }
    await server.request("GET", `/api/circles/${circle.id}/members`, { token: coordinator.token, headers: { "user-agent": DESKTOP } });
    // The resident's tablet syncs over its socket: a read of the messages from a tablet.
    const tablet = await server.connect(resident.token);
    const synced = await tablet.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0 });
    expect(synced.ok).toBe(true);

    let entries: any[] = [];
    await eventually(() => entries.some((e) => e.deviceKind === "tablet"), 3000, "the tablet's read", async () => {
      entries = (await logOf(circle.id, resident.token)).body.entries;
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: family.user.id, name: "Marie", role: "family", category: "messages", day: today, count: 4, deviceKind: "phone" }),
        expect.objectContaining({ userId: coordinator.user.id, name: "Sofie", role: "coordinator", category: "members", count: 1, deviceKind: "desktop" }),
        expect.objectContaining({ userId: resident.user.id, role: "resident", category: "messages", count: 1, deviceKind: "tablet" }),
      ]),
    );
    const marie = entries.find((e) => e.userId === family.user.id && e.category === "messages");
    expect(Date.parse(marie.firstAt)).toBeLessThanOrEqual(Date.parse(marie.lastAt));

    // Flushed to the database by key, the rows no longer need Redis.
    expect(await server.kring.services.privacy.accessLog.flush()).toBeGreaterThanOrEqual(1);
    await server.redis.del(`${server.redisPrefix}:access:${circle.id}:${today}`);
    const afterFlush = (await logOf(circle.id, family.token)).body.entries;
    expect(afterFlush).toEqual(expect.arrayContaining([expect.objectContaining({ userId: family.user.id, category: "messages", count: 4 })]));
  });

  it("records reads of visits and photos, and who changed a plan (issue #10)", async () => {
    const { coordinator, circle, family, professional, resident } = await circleWithPeople();
    const other = await server.createCircle(professional.token, "Karim's other client");
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#669933" } }).png().toBuffer();
    const put = await fetch(`${server.baseUrl}/api/me/photo`, { method: "PUT", headers: { authorization: `Bearer ${family.token}`, "content-type": "image/png" }, body: png });
    expect(put.status).toBe(200);
    const created = await server.request("POST", `/api/circles/${circle.id}/plans`, {
      token: coordinator.token,
      body: { kind: "visit", title: "Afternoon visit", start: "2027-05-05T14:00", durationMinutes: 60, timeZone: "Europe/Brussels", assigneeId: professional.user.id },
    });
    expect(created.status).toBe(201);
    const plan = created.body.plan;
    expect((await server.request("PATCH", `/api/plans/${plan.id}`, { token: family.token, body: { title: "x" } })).status).toBe(403); // refused: not recorded
    expect((await server.request("PATCH", `/api/plans/${plan.id}`, { token: coordinator.token, body: { title: "Afternoon visit (Karim)" } })).status).toBe(200);

    const window = "from=2027-05-01&to=2027-05-31";
    expect((await server.request("GET", `/api/circles/${circle.id}/occurrences?${window}`, { token: family.token, headers: { "user-agent": PHONE } })).status).toBe(200);
    expect((await server.request("GET", `/api/circles/${circle.id}/plans`, { token: family.token, headers: { "user-agent": PHONE } })).status).toBe(200);
    // The professional's "today" across circles: a read in the circle whose visits were in the answer only.
    expect((await server.request("GET", `/api/me/occurrences?${window}`, { token: professional.token, headers: { "user-agent": DESKTOP } })).status).toBe(200);
    expect((await server.request("GET", `/api/occurrences/${plan.id}:2027-05-05T14:00`, { token: professional.token, headers: { "user-agent": DESKTOP } })).status).toBe(200);
    const photo = await fetch(`${server.baseUrl}/api/users/${family.user.id}/photo`, { headers: { authorization: `Bearer ${resident.token}` } });
    expect(photo.status).toBe(200);
    // An outsider's refused read leaves nothing.
    const outsider = await server.registerUser("Olga");
    expect((await fetch(`${server.baseUrl}/api/users/${family.user.id}/photo`, { headers: { authorization: `Bearer ${outsider.token}` } })).status).toBe(404);

    let log: any = { entries: [], changes: [] };
    await eventually(() => log.entries.some((e: any) => e.category === "photo"), 3000, "the photo read", async () => {
      log = (await logOf(circle.id, resident.token)).body;
    });
    const rows = log.entries.filter((e: any) => e.category === "visits" || e.category === "photo").map((e: any) => [e.userId, e.category, e.count]);
    expect(rows.sort()).toEqual(
      [
        [family.user.id, "visits", 2],
        [professional.user.id, "visits", 2],
        [resident.user.id, "photo", 1],
      ].sort(),
    );
    expect(log.entries.some((e: any) => e.userId === outsider.user.id)).toBe(false);
    const planChanges = log.changes.filter((c: any) => c.action === "plan_changed").map((c: any) => c.userId);
    expect(planChanges).toEqual([coordinator.user.id, coordinator.user.id]);
    // Nothing is written into the other circle, where the answer had no visits.
    const otherLog = (await logOf(other.id, professional.token)).body;
    expect(otherLog.entries.filter((e: any) => e.category === "visits")).toEqual([]);
  });

  it("records who changed what: joins and the ladder", async () => {
    const { coordinator, circle, family } = await circleWithPeople();
    const ladder = await server.request("PUT", `/api/circles/${circle.id}/escalation`, {
      token: coordinator.token,
      body: { responders: [family.user.id], stepSeconds: 120 },
    });
    expect(ladder.status).toBe(200);
    let changes: any[] = [];
    await eventually(() => changes.some((c) => c.action === "ladder_changed"), 3000, "the ladder change", async () => {
      changes = (await logOf(circle.id, coordinator.token)).body.changes;
    });
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: coordinator.user.id, name: "Sofie", action: "ladder_changed" }),
        expect.objectContaining({ userId: family.user.id, name: "Marie", action: "member_joined" }),
      ]),
    );
  });

  it("is closed to professionals and outsiders, and refuses bad ranges", async () => {
    const { circle, family, professional } = await circleWithPeople();
    const outsider = await server.registerUser("Stranger");
    expect((await logOf(circle.id, professional.token)).status).toBe(403);
    expect((await logOf(circle.id, outsider.token)).status).toBe(403);
    // An outsider's refused read leaves no row with their id.
    await server.request("GET", `/api/circles/${circle.id}/messages`, { token: outsider.token });
    expect(JSON.stringify((await logOf(circle.id, family.token)).body)).not.toContain(outsider.user.id);
    expect((await logOf(circle.id, family.token, "?from=2026-13-01")).status).toBe(400);
    expect((await logOf(circle.id, family.token, "?from=2026-02-30")).status).toBe(400);
    expect((await logOf(circle.id, family.token, "?from[$ne]=x")).status).toBe(400);
    expect((await logOf(circle.id, family.token, "?from=2026-03-10&to=2026-03-01")).status).toBe(400);
    expect((await logOf(circle.id, family.token, "?from=2020-01-01&to=2026-01-01")).status).toBe(400);
    expect((await logOf(circle.id, family.token, "?extra=1")).status).toBe(400);
  });
});

describe("retention", () => {
  it("lets coordinators alone set it, within 30–3650 days or forever", async () => {
    const { coordinator, circle, family } = await circleWithPeople();
    const path = `/api/circles/${circle.id}/retention`;
    expect((await server.request("GET", path, { token: family.token })).body).toEqual({ messagesDays: 730 });
    expect((await server.request("PUT", path, { token: family.token, body: { messagesDays: 60 } })).status).toBe(403);
    for (const bad of [10, 4000, "60", { $gt: 1 }, 45.5]) {
      const res = await server.request("PUT", path, { token: coordinator.token, body: { messagesDays: bad } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    }
    expect((await server.request("PUT", path, { token: coordinator.token, body: { messagesDays: null } })).body).toEqual({ messagesDays: null });
    expect((await server.request("PUT", path, { token: coordinator.token, body: { messagesDays: 30 } })).body).toEqual({ messagesDays: 30 });
    expect((await server.request("GET", path, { token: family.token })).body).toEqual({ messagesDays: 30 });
  });

  it("turns messages older than the period into tombstones in key order, and sync stays gap-free", async () => {
    const { coordinator, circle, family } = await circleWithPeople();
    const socket = await server.connect(family.token);
    clock = new Date(Date.now() - 100 * 24 * 3600_000);
    for (let i = 1; i <= 3; i += 1) {
      expect((await socket.emitWithAck("message:send", { circleId: circle.id, clientId: `old-${i}`, body: `old message ${i}` })).ok).toBe(true);
    }
    clock = new Date();
    for (let i = 1; i <= 2; i += 1) {
      expect((await socket.emitWithAck("message:send", { circleId: circle.id, clientId: `new-${i}`, body: `new message ${i}` })).ok).toBe(true);
    }
    await server.request("PUT", `/api/circles/${circle.id}/retention`, { token: coordinator.token, body: { messagesDays: 30 } });
    expect(await server.kring.services.privacy.retention.runForCircle(circle.id)).toBe(3);
    // A second run starts at its cursor and removes nothing more.
    expect(await server.kring.services.privacy.retention.runForCircle(circle.id)).toBe(0);

    const reader = await server.connect(coordinator.token);
    const synced: any = await reader.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0 });
    expect(synced.ok).toBe(true);
    expect(synced.messages.map((m: any) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const tombstone of synced.messages.slice(0, 3)) {
      expect(tombstone).toMatchObject({ circleId: circle.id, deleted: true, body: "", senderId: null });
    }
    expect(synced.messages.slice(3).map((m: any) => m.body)).toEqual(["new message 1", "new message 2"]);
    const stored = await server.connection.collection("messages").find({ body: /old message/ }).toArray();
    expect(stored).toHaveLength(0);
  });
});

/** A maintenance scan of every collection of the test's database (allowed in a test). */
async function findEverywhere(needles: string[]) {
  const db = server.connection.db!;
  const hits: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) {
      const text = JSON.stringify(doc);
      for (const needle of needles) if (text.includes(needle)) hits.push(`${name}: ${needle}`);
    }
  }
  return hits;
}

describe("erasure", () => {
  it("DELETE /api/me removes the account at once and leaves no trace of its email, name or messages", async () => {
    const { coordinator, circle } = await circleWithPeople();
    const leaving = await server.addMember(coordinator.token, circle.id, "family", "Zoltan Erasmus");
    const socket = await server.connect(leaving.token);
    for (let i = 1; i <= 3; i += 1) {
      await socket.emitWithAck("message:send", { circleId: circle.id, clientId: `z-${i}`, body: `zoltan's private note ${i}` });
    }
    // A Help they pressed and took back reads "Cancelled by Zoltan Erasmus" (issue #9) until the erasure.
    const raised: any = await socket.emitWithAck("alert:raise", { circleId: circle.id, kind: "call_me", clientId: "z-help" });
    const cancelled: any = await socket.emitWithAck("alert:cancel", { alertId: raised.alert.id });
    expect(cancelled.alert.note).toBe("Cancelled by Zoltan Erasmus");
    const other = await server.connect(coordinator.token);
    await other.emitWithAck("message:send", { circleId: circle.id, clientId: "s-1", body: "a reply that stays" });
    await server.request("PUT", "/api/me/notification-preferences", {
      token: leaving.token,
      body: { channels: { push: false, email: true, sms: false }, phone: "+32470999888", quietHours: null, language: "en" },
    });
    // Issue #10: a photo, a calendar feed, a plan they made and a visit they took.
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } }).png().toBuffer();
    const photo = await fetch(`${server.baseUrl}/api/me/photo`, { method: "PUT", headers: { authorization: `Bearer ${leaving.token}`, "content-type": "image/png" }, body: png });
    expect(photo.status).toBe(200);
    const feedUrl = new URL(new URL((await server.request("POST", "/api/me/calendar-feed", { token: leaving.token })).body.url).pathname, server.baseUrl);
    expect((await fetch(feedUrl)).status).toBe(200);
    const theirPlan = (await server.request("POST", `/api/circles/${circle.id}/plans`, {
      token: leaving.token,
      body: { kind: "task", title: "Pharmacy", start: "2027-05-04T10:00", timeZone: "Europe/Brussels", recurrence: "FREQ=WEEKLY;COUNT=2" },
    })).body.plan;
    const visit = (await server.request("POST", `/api/circles/${circle.id}/plans`, {
      token: coordinator.token,
      body: { kind: "visit", title: "Afternoon visit", start: "2027-05-05T14:00", durationMinutes: 60, timeZone: "Europe/Brussels" },
    })).body.plan;
    const claimed = await server.request("POST", `/api/occurrences/${visit.id}:2027-05-05T14:00/claim`, { token: leaving.token });
    expect(claimed.body.occurrence.assigneeId).toBe(leaving.user.id);

    expect((await server.request("DELETE", "/api/me", { token: leaving.token, body: { password: "wrong password" } })).status).toBe(403);
    expect((await server.request("DELETE", "/api/me", { token: leaving.token, body: {} })).status).toBe(400);
    const disconnected = new Promise((resolve) => socket.once("disconnect", resolve));
    expect((await server.request("DELETE", "/api/me", { token: leaving.token, body: { password: "correct horse battery" } })).status).toBe(204);
    await disconnected;
    expect((await server.request("GET", "/api/circles", { token: leaving.token })).status).toBe(401);
    expect((await server.request("POST", "/api/auth/login", { body: { email: leaving.user.email, password: "correct horse battery" } })).status).toBe(401);

    const synced: any = await other.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0 });
    const people = synced.messages.filter((m: any) => m.kind !== "system");
    expect(people.map((m: any) => m.seq)).toEqual([1, 2, 3, synced.messages.at(-1).seq]);
    expect(synced.messages.map((m: any) => m.seq)).toEqual(synced.messages.map((_: any, i: number) => i + 1));
    expect(people.slice(0, 3).every((m: any) => m.deleted === true && m.senderId === null && m.body === "")).toBe(true);
    expect(people[3].body).toBe("a reply that stays");
    const members = await server.request("GET", `/api/circles/${circle.id}/members`, { token: coordinator.token });
    expect(members.body.members.map((m: any) => m.name)).not.toContain("Zoltan Erasmus");

    await server.kring.services.privacy.accessLog.flush();
    expect(await findEverywhere([leaving.user.email, "Zoltan Erasmus", "zoltan's private note", "+32470999888"])).toEqual([]);
    // The photo and the feed are gone (their keys too); the visit they took is open again; the
    // plan they made keeps working, made by "a former member" (an id no account answers to).
    expect((await fetch(`${server.baseUrl}/api/users/${leaving.user.id}/photo`, { headers: { authorization: `Bearer ${coordinator.token}` } })).status).toBe(404);
    expect((await fetch(feedUrl)).status).toBe(404);
    for (const name of ["user_photos", "calendar_feeds", "calendar_feed_tokens"]) {
      const docs = await server.connection.db!.collection(name).find({}).toArray();
      expect([name, docs.filter((doc) => JSON.stringify(doc).includes(leaving.user.id))]).toEqual([name, []]);
    }
    const window = await server.request("GET", `/api/circles/${circle.id}/occurrences?from=2027-05-04&to=2027-05-11`, { token: coordinator.token });
    expect(window.body.occurrences.map((o: any) => [o.title, o.start.slice(0, 16), o.assigneeId, o.status])).toEqual([
      ["Pharmacy", "2027-05-04T10:00", null, "open"],
      ["Afternoon visit", "2027-05-05T14:00", null, "open"],
      ["Pharmacy", "2027-05-11T10:00", null, "open"],
    ]);
    const plans = await server.request("GET", `/api/circles/${circle.id}/plans`, { token: coordinator.token });
    expect(plans.body.plans.find((p: any) => p.id === theirPlan.id)).toMatchObject({ createdBy: leaving.user.id, title: "Pharmacy" });
    const edited = await server.request("PATCH", `/api/plans/${theirPlan.id}`, { token: coordinator.token, body: { title: "Pharmacy (Saturday)" } });
    expect(edited.status).toBe(200);
    // The Help they took back stays in the circle's record, without their name.
    const alerts = await server.request("GET", `/api/circles/${circle.id}/alerts`, { token: coordinator.token });
    expect(alerts.body.alerts.find((a: any) => a.id === raised.alert.id)).toMatchObject({ status: "resolved", note: "Cancelled by a former member" });
    // The log keeps the event, as a former member.
    const log = await logOf(circle.id, coordinator.token);
    expect(log.body.changes).toEqual(expect.arrayContaining([expect.objectContaining({ userId: null, name: "", action: "member_erased" })]));
  });

  it("lets a coordinator erase a managed resident, whose tablet stops at once; others may not", async () => {
    const { coordinator, circle, family } = await circleWithPeople();
    const resident = await server.addResident(coordinator.token, circle.id, "Wilhelmina");
    const tablet = await server.connect(resident.token);
    await tablet.emitWithAck("message:send", { circleId: circle.id, clientId: "w-1", body: "wilhelmina says hello" });
    const path = `/api/circles/${circle.id}/residents/${resident.user.id}`;
    expect((await server.request("DELETE", path, { token: family.token })).status).toBe(403);
    expect((await server.request("DELETE", `/api/circles/${circle.id}/residents/${family.user.id}`, { token: coordinator.token })).status).toBe(404);
    expect((await server.request("DELETE", `/api/circles/${circle.id}/residents/nope`, { token: coordinator.token })).status).toBe(400);
    const disconnected = new Promise((resolve) => tablet.once("disconnect", resolve));
    expect((await server.request("DELETE", path, { token: coordinator.token })).status).toBe(204);
    await disconnected;
    expect((await server.request("GET", "/api/circles", { token: resident.token })).status).toBe(401);
    expect(await findEverywhere(["Wilhelmina", "wilhelmina says hello"])).toEqual([]);
  });
});

describe("export", () => {
  it("gives the resident or a coordinator the whole circle as a ZIP (data.json + index.html) or JSON, and records it", async () => {
    const { coordinator, circle, family, professional, resident } = await circleWithPeople();
    const socket = await server.connect(family.token);
    await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "e-1", body: "Ik kom zondag" });

    const json = await server.request("GET", `/api/circles/${circle.id}/export?format=json`, { token: resident.token });
    expect(json.status).toBe(200);
    expect(json.body.circle).toEqual({ id: circle.id, name: "Anna's circle" });
    expect(json.body.messages.map((m: any) => m.body)).toEqual(["Ik kom zondag"]);
    expect(json.body.teamMessages).toBeUndefined(); // the resident's export: not the care team's thread

    const zip = await fetch(`${server.baseUrl}/api/circles/${circle.id}/export`, { headers: { authorization: `Bearer ${coordinator.token}` } });
    expect(zip.status).toBe(200);
    expect(zip.headers.get("content-type")).toContain("application/zip");
    const bytes = Buffer.from(await zip.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    expect(bytes.includes(Buffer.from("data.json"))).toBe(true);
    expect(bytes.includes(Buffer.from("index.html"))).toBe(true);

    expect((await server.request("GET", `/api/circles/${circle.id}/export`, { token: family.token })).status).toBe(403);
    expect((await server.request("GET", `/api/circles/${circle.id}/export`, { token: professional.token })).status).toBe(403);
    expect((await server.request("GET", `/api/circles/${circle.id}/export?format=xml`, { token: coordinator.token })).status).toBe(400);

    let entries: any[] = [];
    await eventually(() => entries.some((e) => e.category === "export"), 3000, "the export in the log", async () => {
      entries = (await logOf(circle.id, family.token)).body.entries;
    });
    expect(entries).toEqual(expect.arrayContaining([expect.objectContaining({ userId: resident.user.id, category: "export" })]));
  });

  it("gives a member their own data: account, memberships, their messages only", async () => {
    const { coordinator, circle, family } = await circleWithPeople();
    const mine = await server.connect(family.token);
    await mine.emitWithAck("message:send", { circleId: circle.id, clientId: "m-1", body: "mine" });
    const theirs = await server.connect(coordinator.token);
    await theirs.emitWithAck("message:send", { circleId: circle.id, clientId: "t-1", body: "not mine" });
    const res = await server.request("GET", "/api/me/export?format=json", { token: family.token });
    expect(res.status).toBe(200);
    expect(res.body.account).toEqual({ id: family.user.id, email: family.user.email, name: "Marie" });
    expect(res.body.memberships).toEqual([expect.objectContaining({ circleId: circle.id, role: "family" })]);
    expect(res.body.messages.map((m: any) => m.body)).toEqual(["mine"]);
  });

  it("includes the plans a member made and the visits they take; a circle's export has its plans (issue #10)", async () => {
    const { coordinator, circle, family, resident } = await circleWithPeople();
    const start = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const made = await server.request("POST", `/api/circles/${circle.id}/plans`, {
      token: family.token,
      body: { kind: "task", title: "Groceries", notes: "Oat milk", start: `${start}T10:00`, timeZone: "Europe/Brussels" },
    });
    const other = await server.request("POST", `/api/circles/${circle.id}/plans`, {
      token: coordinator.token,
      body: { kind: "visit", title: "Nurse visit", start: `${start}T15:00`, durationMinutes: 30, timeZone: "Europe/Brussels" },
    });
    expect((await server.request("POST", `/api/occurrences/${made.body.plan.id}:${start}T10:00/claim`, { token: family.token })).status).toBe(200);
    const mine = (await server.request("GET", "/api/me/export?format=json", { token: family.token })).body;
    expect(mine.myPlans.map((p: any) => [p.title, p.notes])).toEqual([["Groceries", "Oat milk"]]);
    expect(mine.myVisits.map((o: any) => [o.title, o.assigneeId])).toEqual([["Groceries", family.user.id]]);
    const whole = (await server.request("GET", `/api/circles/${circle.id}/export?format=json`, { token: resident.token })).body;
    expect(whole.plans.map((p: any) => p.id).sort()).toEqual([made.body.plan.id, other.body.plan.id].sort());
  });

  it("exports a circle of 10,000 messages a page at a time", async () => {
    const { coordinator, circle } = await circleWithPeople();
    const docs = Array.from({ length: 10_000 }, (_, i) => ({
      _id: `${circle.id}:c:${i + 1}`,
      messageId: new Types.ObjectId(),
      circleId: new Types.ObjectId(circle.id),
      thread: "circle",
      seq: i + 1,
      clientId: `bulk-${i + 1}`,
      senderId: new Types.ObjectId(coordinator.user.id),
      body: `message number ${i + 1} ${"x".repeat(100)}`,
      deleted: false,
      createdAt: new Date(),
    }));
    for (let i = 0; i < docs.length; i += 1000) await server.connection.collection("messages").insertMany(docs.slice(i, i + 1000) as never[]);
    exportStats.maxPageHeld = 0;
    const response = await fetch(`${server.baseUrl}/api/circles/${circle.id}/export?format=json`, { headers: { authorization: `Bearer ${coordinator.token}` } });
    expect(response.status).toBe(200);
    const data = JSON.parse(await response.text());
    expect(data.messages).toHaveLength(10_000);
    expect(data.messages[9999].seq).toBe(10_000);
    // Never more than one page of 200 messages held at once.
    expect(exportStats.maxPageHeld).toBe(200);
  }, 120_000);
});
