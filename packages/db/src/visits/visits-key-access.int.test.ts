import { loadDevstackConfig } from "@kring/config";
import { createVisitsService, type MembershipRecord, type PlanRecord } from "@kring/domain";
import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import { type Connection, connectDatabase, createVisitRepositories, registerVisitModels } from "../index";
import { expectOnlyKeyReads, recordQueries } from "../testing/query-recorder";

// The storage rule for visits (issue #10): plans by id, a circle's plans and a plan's touched
// occurrences through slot lists, occurrence events by deterministic ids — however much is stored.

const id = () => new Types.ObjectId().toHexString();

let connection: Connection;
let models: ReturnType<typeof registerVisitModels>;
beforeAll(async () => {
  const uri = loadDevstackConfig().mongodbUri;
  if (!uri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  connection = await connectDatabase(uri, { dbName: `kring_test_visit_keys_${randomBytes(6).toString("hex")}` });
  models = registerVisitModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

const planInput = (circleId: string, createdBy: string): Omit<PlanRecord, "id"> => ({
  circleId,
  kind: "visit",
  title: "Afternoon visit",
  notes: null,
  start: "2027-03-23T14:00",
  durationMinutes: 60,
  timeZone: "Europe/Brussels",
  recurrence: "FREQ=WEEKLY;BYDAY=TU,TH",
  assigneeId: null,
  reminderMinutes: 60,
  alertIfMissed: false,
  lateAfterMinutes: 30,
  createdBy,
  createdAt: new Date("2027-03-20T08:00:00Z"),
  previousPlanId: null,
  deletedAt: null,
});

it("reads and writes plans and occurrence events by key only", async () => {
  const { plans, occurrenceEvents } = createVisitRepositories(models);
  // Other circles' plans and events: a scan would read them.
  for (let i = 0; i < 20; i += 1) {
    const other = await plans.create(planInput(id(), id()), null);
    const occurrenceId = `${other.id}:2027-03-23T14:00`;
    await occurrenceEvents.markTouched(other.circleId, other.id, "2027-03", occurrenceId);
    await occurrenceEvents.insert({ id: `${occurrenceId}:a:0`, occurrenceId, planId: other.id, circleId: other.circleId, type: "claim", userId: id(), note: null, at: new Date() });
  }
  const circle = id();
  const user = id();
  const exercisedPlans = new Set<string>();
  const exercisedEvents = new Set<string>();
  await expectOnlyKeyReads(
    connection,
    async () => {
      const plan = await plans.create(planInput(circle, user), null);
      exercisedPlans.add("create");
      expect(await plans.findById(plan.id)).toEqual(plan);
      exercisedPlans.add("findById");
      await plans.save({ ...plan, title: "Renamed" }, null);
      exercisedPlans.add("save");
      expect((await plans.listForCircle(circle)).map((p) => p.title)).toEqual(["Renamed"]);
      exercisedPlans.add("listForCircle");
      expect((await plans.listCurrent(circle, "2027-03-20")).map((p) => p.title)).toEqual(["Renamed"]);
      exercisedPlans.add("listCurrent");

      const occurrenceId = `${plan.id}:2027-03-25T14:00`;
      await occurrenceEvents.markTouched(circle, plan.id, "2027-03", occurrenceId);
      exercisedEvents.add("markTouched");
      expect(await occurrenceEvents.listTouched(circle, plan.id, "2027-03")).toEqual([occurrenceId]);
      exercisedEvents.add("listTouched");
      const event = { occurrenceId, planId: plan.id, circleId: circle, userId: user, note: null, at: new Date() };
      for (let n = 0; n < 6; n += 1) {
        expect(await occurrenceEvents.insert({ ...event, id: `${occurrenceId}:a:${n}`, type: n % 2 === 0 ? "claim" : "release" })).toBe(true);
      }
      expect(await occurrenceEvents.insert({ ...event, id: `${occurrenceId}:a:0`, type: "claim" })).toBe(false);
      expect(await occurrenceEvents.insert({ ...event, id: `${occurrenceId}:cancel`, type: "cancel" })).toBe(true);
      exercisedEvents.add("insert");
      const found = await occurrenceEvents.findForOccurrence(circle, occurrenceId);
      expect(found.map((e) => e.id).sort()).toEqual([...Array.from({ length: 6 }, (_, n) => `${occurrenceId}:a:${n}`), `${occurrenceId}:cancel`].sort());
      // The same keys under another circle id are not this circle's.
      expect(await occurrenceEvents.findForOccurrence(id(), occurrenceId)).toEqual([]);
      exercisedEvents.add("findForOccurrence");
    },
    { label: "visits repositories" },
  );
  expect([...exercisedPlans].sort()).toEqual(Object.keys(plans).sort());
  expect([...exercisedEvents].sort()).toEqual(Object.keys(occurrenceEvents).sort());
});

it("serves the service's window read, claim and own-circles read by key only", async () => {
  const repositories = createVisitRepositories(models);
  const circle = id();
  const user = id();
  const memberships = {
    find: async (circleId: string, userId: string): Promise<MembershipRecord | null> =>
      circleId === circle && userId === user ? { circleId, userId, role: "family", joinedAt: new Date() } : null,
    listForUser: async () => [],
    listForCircle: async () => [],
    listCircleIdsForUser: async () => [circle],
    add: async () => undefined,
    remove: async () => false,
    reinstate: async () => undefined,
    listFormerForCircle: async () => [],
  };
  const visits = createVisitsService({
    ...repositories,
    memberships,
    checkins: { findSchedule: async () => null },
    visitsPublisher: { planUpdated: () => undefined, occurrenceUpdated: () => undefined },
    now: () => new Date("2027-03-20T08:00:00Z"),
  });
  await expectOnlyKeyReads(
    connection,
    async () => {
      const plan = await visits.createPlan(user, circle, { kind: "visit", title: "Visit", start: "2027-03-23T14:00", durationMinutes: 60, recurrence: "FREQ=DAILY" });
      const claimed = await visits.act(user, `${plan.id}:2027-03-24T14:00`, "claim", {});
      expect(claimed.assigneeId).toBe(user);
      const window = await visits.listOccurrences(user, circle, "2027-03-22", "2027-05-22");
      expect(window).toHaveLength(61);
      expect(window.filter((o) => o.assigneeId === user).map((o) => o.id)).toEqual([`${plan.id}:2027-03-24T14:00`]);
      expect(await visits.listMyOccurrences(user, "2027-03-24", "2027-03-24")).toHaveLength(1);
      await visits.updatePlan(user, plan.id, { fromDate: "2027-04-01", title: "Later" });
    },
    { label: "visits service" },
  );
});

it("reads only the plans that can still have an occurrence, however many a circle filed over the years", async () => {
  const { plans } = createVisitRepositories(models);
  const circle = id();
  const user = id();
  const weekly = await plans.create(planInput(circle, user), null);
  // Three years of monthly one-off visits, all over.
  const pastDates: string[] = [];
  for (let month = 0; month < 36; month += 1) {
    const date = `${2024 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}-10`;
    pastDates.push(date);
    await plans.create({ ...planInput(circle, user), title: `Doctor ${date}`, start: `${date}T10:30`, recurrence: null }, date);
  }
  const upcoming = await plans.create({ ...planInput(circle, user), title: "Dentist", start: "2027-04-02T09:00", recurrence: null }, "2027-04-02");
  const deleted = await plans.create({ ...planInput(circle, user), title: "Deleted" }, null);
  await plans.save({ ...deleted, deletedAt: new Date() }, null);
  // A series that ended: its last date moves in, and reads after it no longer list it.
  const ended = await plans.create({ ...planInput(circle, user), title: "Ended" }, null);
  await plans.save({ ...ended, recurrence: "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270326" }, "2027-03-26");

  // Another node (a fresh repository, cold caches) sees the same list.
  const { plans: otherNode } = createVisitRepositories(models);
  const recorder = recordQueries(connection);
  const current = await otherNode.listCurrent(circle, "2027-03-27");
  const reads = recorder.stop().filter((op) => op.method !== "insertOne" && op.method !== "insertMany");
  expect(current.map((p) => p.id).sort()).toEqual([weekly.id, upcoming.id].sort());
  // The list's newest version (found by probing keys: O(log versions)) and the two plans; none of the 36 one-offs.
  expect(reads.filter((op) => op.collection === "plans")).toHaveLength(2);
  expect(reads.length).toBeLessThan(20);

  // Reads from earlier dates still find what was current then (the ended series, the one-offs).
  expect((await otherNode.listCurrent(circle, "2027-03-20")).map((p) => p.title).sort()).toEqual(["Afternoon visit", "Dentist", "Ended"]);
  const all = await otherNode.listCurrent(circle, "2024-01-01");
  expect(all.map((p) => p.title)).toEqual(expect.arrayContaining(pastDates.map((date) => `Doctor ${date}`)));
  expect(all.map((p) => p.title)).not.toContain("Deleted");
});

it("keeps every plan two nodes file at once (the list's versions are compare-and-swap)", async () => {
  const nodes = [createVisitRepositories(models).plans, createVisitRepositories(models).plans];
  const circle = id();
  const user = id();
  const made = await Promise.all(
    Array.from({ length: 12 }, (_, i) => nodes[i % 2]!.create({ ...planInput(circle, user), title: `Plan ${i}` }, null)),
  );
  const listed = await createVisitRepositories(models).plans.listCurrent(circle, "2027-03-20");
  expect(listed.map((p) => p.id).sort()).toEqual(made.map((p) => p.id).sort());
});
