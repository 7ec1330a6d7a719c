import type { Occurrence, Plan } from "@kring/protocol";
import { collect, eventually, startTestServer, type TestServer } from "../../testing/harness";

// Issue #10 items 1 and 2: plans, occurrences across DST, claiming (first wins), check-in/out, edits
// "from a date on", the live updates, and everything refused — against the real server, FerretDB,
// Redis and sockets.

let server: TestServer;
// The domain's clock: a Saturday in March 2027, the week before the EU spring-forward change.
let clock = new Date("2027-03-20T08:00:00.000Z");
beforeAll(async () => {
  server = await startTestServer({ now: () => clock });
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  clock = new Date("2027-03-20T08:00:00.000Z");
});

async function circleWithMembers() {
  const coordinator = await server.registerUser("Sofie");
  const circle = await server.createCircle(coordinator.token);
  const family = await server.addMember(coordinator.token, circle.id, "family", "Marie");
  const professional = await server.addMember(coordinator.token, circle.id, "professional", "Karim");
  const resident = await server.addResident(coordinator.token, circle.id, "Anna");
  return { coordinator, circle, family, professional, resident };
}

const tuesdayThursdayVisit = {
  kind: "visit",
  title: "Afternoon visit",
  start: "2027-03-23T14:00",
  durationMinutes: 60,
  timeZone: "Europe/Brussels",
  recurrence: "FREQ=WEEKLY;BYDAY=TU,TH",
};

async function createPlan(token: string, circleId: string, body: Record<string, unknown> = tuesdayThursdayVisit): Promise<Plan> {
  const res = await server.request("POST", `/api/circles/${circleId}/plans`, { token, body });
  if (res.status !== 201) throw new Error(`create plan failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.plan as Plan;
}

async function occurrences(token: string, circleId: string, from: string, to: string): Promise<Occurrence[]> {
  const res = await server.request("GET", `/api/circles/${circleId}/occurrences?from=${from}&to=${to}`, { token });
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.occurrences as Occurrence[];
}

const act = (token: string, occurrenceId: string, action: string, body?: unknown) =>
  server.request("POST", `/api/occurrences/${occurrenceId}/${action}`, { token, ...(body === undefined ? {} : { body }) });

describe("plans and occurrences", () => {
  it("creates a recurring visit that stays at 14:00 local across the DST change, listed ascending, pushed live", async () => {
    const { coordinator, circle, family, resident } = await circleWithMembers();
    const familySocket = await server.connect(family.token);
    const planUpdates = collect(familySocket, "plan:update");

    const plan = await createPlan(coordinator.token, circle.id);
    expect(plan).toMatchObject({
      circleId: circle.id,
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
      createdBy: coordinator.user.id,
      previousPlanId: null,
    });
    await eventually(() => planUpdates.length === 1, 5000, "plan:update on another member's socket");
    expect(planUpdates[0]).toEqual({ plan });

    // The resident reads it too (her "who is coming" card).
    const listed = await occurrences(resident.token, circle.id, "2027-03-22", "2027-04-04");
    expect(listed.map((o) => [o.id, o.start, o.end, o.status, o.dstShifted])).toEqual([
      [`${plan.id}:2027-03-23T14:00`, "2027-03-23T14:00:00+01:00", "2027-03-23T15:00:00+01:00", "open", false],
      [`${plan.id}:2027-03-25T14:00`, "2027-03-25T14:00:00+01:00", "2027-03-25T15:00:00+01:00", "open", false],
      [`${plan.id}:2027-03-30T14:00`, "2027-03-30T14:00:00+02:00", "2027-03-30T15:00:00+02:00", "open", false],
      [`${plan.id}:2027-04-01T14:00`, "2027-04-01T14:00:00+02:00", "2027-04-01T15:00:00+02:00", "open", false],
    ]);
    expect(listed[0]).toMatchObject({ planId: plan.id, circleId: circle.id, kind: "visit", title: "Afternoon visit", timeZone: "Europe/Brussels", assigneeId: null, checkedInAt: null, checkedOutAt: null, note: null });
  });

  it("keeps a visit in the spring-forward gap, moved to 03:30 and flagged", async () => {
    const { coordinator, circle } = await circleWithMembers();
    const plan = await createPlan(coordinator.token, circle.id, { kind: "visit", title: "Night check", start: "2027-03-28T02:30", durationMinutes: 30, timeZone: "Europe/Brussels" });
    const [occurrence] = await occurrences(coordinator.token, circle.id, "2027-03-28", "2027-03-28");
    expect(occurrence).toMatchObject({ id: `${plan.id}:2027-03-28T02:30`, start: "2027-03-28T03:30:00+02:00", end: "2027-03-28T04:00:00+02:00", dstShifted: true });
  });

  it("defaults the time zone to the circle's check-in zone, and alertIfMissed to on for a professional assignee", async () => {
    const { coordinator, circle, professional } = await circleWithMembers();
    const schedule = await server.request("PUT", `/api/circles/${circle.id}/checkin-schedule`, {
      token: coordinator.token,
      body: { deadline: "10:00", timeZone: "Europe/London", enabled: true },
    });
    expect(schedule.status).toBe(200);
    const plan = await createPlan(coordinator.token, circle.id, { kind: "task", title: "Pharmacy", start: "2027-03-24T11:00", assigneeId: professional.user.id });
    expect(plan).toMatchObject({ timeZone: "Europe/London", assigneeId: professional.user.id, alertIfMissed: true, durationMinutes: null });
    const [occurrence] = await occurrences(coordinator.token, circle.id, "2027-03-24", "2027-03-24");
    expect(occurrence).toMatchObject({ start: "2027-03-24T11:00:00+00:00", end: "2027-03-24T11:00:00+00:00", status: "planned", assigneeId: professional.user.id });
  });
});

describe("claiming, releasing, checking in and out", () => {
  it("lets exactly one of two members racing for an open occurrence win, and tells the circle", async () => {
    const { coordinator, circle, family, professional } = await circleWithMembers();
    const plan = await createPlan(coordinator.token, circle.id);
    const occurrenceId = `${plan.id}:2027-03-25T14:00`;
    const coordinatorSocket = await server.connect(coordinator.token);
    const updates = collect(coordinatorSocket, "occurrence:update");

    const [a, b] = await Promise.all([act(family.token, occurrenceId, "claim"), act(professional.token, occurrenceId, "claim")]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [family, professional] : [professional, family];
    const lost = a.status === 200 ? b : a;
    expect(lost.body.error.code).toBe("conflict");
    const won = (a.status === 200 ? a : b).body.occurrence as Occurrence;
    expect(won).toMatchObject({ id: occurrenceId, assigneeId: winner.user.id, status: "planned" });

    await eventually(() => updates.length >= 1, 5000, "occurrence:update on a second member's socket");
    expect(updates.map((u) => u.occurrence.assigneeId)).toEqual([winner.user.id]);
    // Claiming again is harmless for the winner, a conflict for anyone else.
    expect((await act(winner.token, occurrenceId, "claim")).status).toBe(200);
    expect((await act(loser.token, occurrenceId, "claim")).status).toBe(409);
    // Only the assignee (or a coordinator) releases it.
    expect((await act(loser.token, occurrenceId, "release")).status).toBe(403);

    const released = await act(winner.token, occurrenceId, "release");
    expect(released.status).toBe(200);
    expect(released.body.occurrence).toMatchObject({ assigneeId: null, status: "open" });
    await eventually(() => updates.length >= 2, 5000, "the release on the circle's sockets");
    expect(updates[1]!.occurrence).toMatchObject({ id: occurrenceId, status: "open", assigneeId: null });

    const reclaimed = await act(loser.token, occurrenceId, "claim");
    expect(reclaimed.status).toBe(200);
    expect(reclaimed.body.occurrence.assigneeId).toBe(loser.user.id);
    const listed = await occurrences(coordinator.token, circle.id, "2027-03-25", "2027-03-25");
    expect(listed[0]).toMatchObject({ id: occurrenceId, assigneeId: loser.user.id, status: "planned" });
    const one = await server.request("GET", `/api/occurrences/${occurrenceId}`, { token: winner.token });
    expect(one.status).toBe(200);
    expect(one.body.occurrence).toEqual(listed[0]);
  });

  it("lets only the assignee check in and out; the note and times reach the circle, the resident included", async () => {
    const { coordinator, circle, family, professional, resident } = await circleWithMembers();
    const plan = await createPlan(coordinator.token, circle.id, { ...tuesdayThursdayVisit, assigneeId: professional.user.id });
    const occurrenceId = `${plan.id}:2027-03-23T14:00`;
    const tablet = await server.connect(resident.token);
    const updates = collect(tablet, "occurrence:update");

    expect((await act(family.token, occurrenceId, "check-in")).status).toBe(403);
    expect((await act(coordinator.token, occurrenceId, "check-in")).status).toBe(403);
    expect((await act(professional.token, occurrenceId, "check-out")).body.error.code).toBe("conflict"); // not checked in yet
    expect((await act(professional.token, occurrenceId, "complete")).status).toBe(400); // a visit is not "completed"

    clock = new Date("2027-03-23T13:05:00.000Z");
    const checkedIn = await act(professional.token, occurrenceId, "check-in", {});
    expect(checkedIn.status).toBe(200);
    expect(checkedIn.body.occurrence).toMatchObject({ status: "in_progress", checkedInAt: "2027-03-23T13:05:00.000Z" });

    clock = new Date("2027-03-23T14:02:00.000Z");
    const checkedOut = await act(professional.token, occurrenceId, "check-out", { note: "Anna ate well; pills taken." });
    expect(checkedOut.status).toBe(200);
    expect(checkedOut.body.occurrence).toMatchObject({ status: "done", checkedOutAt: "2027-03-23T14:02:00.000Z", note: "Anna ate well; pills taken." });

    await eventually(() => updates.length >= 2, 5000, "check-in and check-out on the resident's tablet");
    expect(updates.map((u) => u.occurrence.status)).toEqual(["in_progress", "done"]);
    const [listed] = await occurrences(family.token, circle.id, "2027-03-23", "2027-03-23");
    expect(listed).toMatchObject({ status: "done", note: "Anna ate well; pills taken.", checkedInAt: "2027-03-23T13:05:00.000Z" });
    // The resident reads but does not act.
    expect((await act(resident.token, `${plan.id}:2027-03-25T14:00`, "claim")).status).toBe(403);
  });

  it("completes a task, cancels an occurrence, and marks a visit nobody checked in for as missed", async () => {
    const { coordinator, circle, family } = await circleWithMembers();
    const task = await createPlan(family.token, circle.id, { kind: "task", title: "Groceries", start: "2027-03-22T10:00", timeZone: "Europe/Brussels", assigneeId: family.user.id });
    const taskOccurrence = `${task.id}:2027-03-22T10:00`;
    expect((await act(family.token, taskOccurrence, "check-in")).status).toBe(400);
    const completed = await act(family.token, taskOccurrence, "complete", { note: "Milk and bread." });
    expect(completed.body.occurrence).toMatchObject({ status: "done", note: "Milk and bread." });

    const visit = await createPlan(coordinator.token, circle.id);
    const first = `${visit.id}:2027-03-23T14:00`;
    const second = `${visit.id}:2027-03-25T14:00`;
    expect((await act(family.token, second, "cancel")).status).toBe(403); // neither coordinator nor the plan's creator
    const cancelled = await act(coordinator.token, second, "cancel");
    expect(cancelled.body.occurrence.status).toBe("cancelled");
    expect((await act(family.token, second, "claim")).status).toBe(409);

    clock = new Date("2027-03-23T13:31:00.000Z"); // 14:31 local, 31 minutes after the start
    const listed = await occurrences(coordinator.token, circle.id, "2027-03-23", "2027-03-25");
    expect(listed.map((o) => [o.id, o.status])).toEqual([
      [first, "missed"],
      [second, "cancelled"],
    ]);
  });
});

describe("editing and deleting plans", () => {
  it("changes a series from a date on: earlier occurrences and their claims stay, later ones follow the change", async () => {
    const { coordinator, circle, family } = await circleWithMembers();
    const plan = await createPlan(family.token, circle.id);
    expect((await act(family.token, `${plan.id}:2027-03-25T14:00`, "claim")).status).toBe(200);
    const socket = await server.connect(coordinator.token);
    const planUpdates = collect(socket, "plan:update");

    const edited = await server.request("PATCH", `/api/plans/${plan.id}`, {
      token: family.token,
      body: { fromDate: "2027-03-28", start: "2027-03-30T15:00", title: "Afternoon visit (later)" },
    });
    expect(edited.status).toBe(200);
    const continuation = edited.body.plan as Plan;
    expect(edited.body.endedPlan).toMatchObject({ id: plan.id, recurrence: "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270327" });
    expect(continuation).toMatchObject({ previousPlanId: plan.id, start: "2027-03-30T15:00", title: "Afternoon visit (later)", recurrence: "FREQ=WEEKLY;BYDAY=TU,TH", createdBy: family.user.id });
    await eventually(() => planUpdates.length >= 2, 5000, "both halves of the split on the circle's sockets");

    const listed = await occurrences(coordinator.token, circle.id, "2027-03-22", "2027-04-02");
    expect(listed.map((o) => [o.id, o.start, o.assigneeId])).toEqual([
      [`${plan.id}:2027-03-23T14:00`, "2027-03-23T14:00:00+01:00", null],
      [`${plan.id}:2027-03-25T14:00`, "2027-03-25T14:00:00+01:00", family.user.id],
      [`${continuation.id}:2027-03-30T15:00`, "2027-03-30T15:00:00+02:00", null],
      [`${continuation.id}:2027-04-01T15:00`, "2027-04-01T15:00:00+02:00", null],
    ]);

    // A plan that has not started yet changes in place (same id).
    const inPlace = await server.request("PATCH", `/api/plans/${continuation.id}`, { token: coordinator.token, body: { fromDate: "2027-03-28", durationMinutes: 90 } });
    expect(inPlace.status).toBe(200);
    expect(inPlace.body.plan).toMatchObject({ id: continuation.id, durationMinutes: 90 });
    expect(inPlace.body.endedPlan).toBeUndefined();
  });

  it("keeps counting a COUNT across a split", async () => {
    const { coordinator, circle } = await circleWithMembers();
    const plan = await createPlan(coordinator.token, circle.id, { ...tuesdayThursdayVisit, recurrence: "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=5" });
    const edited = await server.request("PATCH", `/api/plans/${plan.id}`, { token: coordinator.token, body: { fromDate: "2027-03-30", title: "Renamed" } });
    expect(edited.body.plan).toMatchObject({ start: "2027-03-30T14:00", recurrence: "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=3" });
    const listed = await occurrences(coordinator.token, circle.id, "2027-03-01", "2027-04-30");
    expect(listed.map((o) => [o.start.slice(0, 10), o.title])).toEqual([
      ["2027-03-23", "Afternoon visit"],
      ["2027-03-25", "Afternoon visit"],
      ["2027-03-30", "Renamed"],
      ["2027-04-01", "Renamed"],
      ["2027-04-06", "Renamed"],
    ]);
  });

  it("lets coordinators and the creator edit and delete, nobody else; a deleted plan is gone for everyone", async () => {
    const { coordinator, circle, family, professional, resident } = await circleWithMembers();
    const plan = await createPlan(family.token, circle.id);
    expect((await server.request("PATCH", `/api/plans/${plan.id}`, { token: professional.token, body: { title: "Mine now" } })).status).toBe(403);
    expect((await server.request("PATCH", `/api/plans/${plan.id}`, { token: resident.token, body: { title: "Mine now" } })).status).toBe(403);
    expect((await server.request("DELETE", `/api/plans/${plan.id}`, { token: professional.token })).status).toBe(403);
    expect((await server.request("POST", `/api/circles/${circle.id}/plans`, { token: resident.token, body: tuesdayThursdayVisit })).status).toBe(403);

    const socket = await server.connect(family.token);
    const planUpdates = collect(socket, "plan:update");
    expect((await server.request("DELETE", `/api/plans/${plan.id}`, { token: coordinator.token })).status).toBe(204);
    await eventually(() => planUpdates.length === 1, 5000, "the deletion on the circle's sockets");
    expect(planUpdates[0]).toMatchObject({ plan: { id: plan.id }, deleted: true });
    expect(await occurrences(family.token, circle.id, "2027-03-22", "2027-04-04")).toEqual([]);
    expect((await server.request("PATCH", `/api/plans/${plan.id}`, { token: coordinator.token, body: { title: "Back" } })).status).toBe(404);
    expect((await act(family.token, `${plan.id}:2027-03-23T14:00`, "claim")).status).toBe(404);
    const plans = await server.request("GET", `/api/circles/${circle.id}/plans`, { token: family.token });
    expect(plans.body.plans).toEqual([]);
  });
});

describe("across circles, bad input and outsiders", () => {
  it("lists a professional's occurrences of all their circles, ascending", async () => {
    const first = await circleWithMembers();
    const coordinator2 = await server.registerUser("Luc");
    const circle2 = await server.createCircle(coordinator2.token, "Jan's circle");
    const invite = await server.request("POST", `/api/circles/${circle2.id}/invitations`, { token: coordinator2.token, body: { role: "professional" } });
    expect((await server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: first.professional.token })).status).toBe(200);

    const a = await createPlan(first.coordinator.token, first.circle.id, { kind: "visit", title: "Anna", start: "2027-03-24T09:00", durationMinutes: 30, timeZone: "Europe/Brussels", assigneeId: first.professional.user.id });
    const b = await createPlan(coordinator2.token, circle2.id, { kind: "visit", title: "Jan", start: "2027-03-24T08:00", durationMinutes: 30, timeZone: "Europe/Brussels", assigneeId: first.professional.user.id });
    const mine = await server.request("GET", "/api/me/occurrences?from=2027-03-24&to=2027-03-24", { token: first.professional.token });
    expect(mine.status).toBe(200);
    expect(mine.body.occurrences.map((o: Occurrence) => [o.planId, o.circleId])).toEqual([
      [b.id, circle2.id],
      [a.id, first.circle.id],
    ]);
    // Family of the first circle sees only that circle's.
    const family = await server.request("GET", "/api/me/occurrences?from=2027-03-24&to=2027-03-24", { token: first.family.token });
    expect(family.body.occurrences.map((o: Occurrence) => o.planId)).toEqual([a.id]);
  });

  it("answers bad input with validation_failed", async () => {
    const { coordinator, circle } = await circleWithMembers();
    const plan = await createPlan(coordinator.token, circle.id);
    const create = (body: Record<string, unknown>) => server.request("POST", `/api/circles/${circle.id}/plans`, { token: coordinator.token, body });
    const bad = [
      await create({ ...tuesdayThursdayVisit, recurrence: "FREQ=YEARLY" }),
      await create({ ...tuesdayThursdayVisit, recurrence: "FREQ=WEEKLY;BYMONTHDAY=3" }),
      await create({ ...tuesdayThursdayVisit, timeZone: "Mars/Olympus_Mons" }),
      await create({ ...tuesdayThursdayVisit, assigneeId: { $ne: null } }),
      await create({ ...tuesdayThursdayVisit, durationMinutes: undefined }),
      await create({ ...tuesdayThursdayVisit, durationMinutes: 721 }),
      await create({ ...tuesdayThursdayVisit, start: "2027-02-30T14:00" }),
      await create({ ...tuesdayThursdayVisit, start: "2027-03-23 14:00" }),
      await create({ ...tuesdayThursdayVisit, title: "" }),
      await create({ ...tuesdayThursdayVisit, reminderMinutes: 1441 }),
      await create({ ...tuesdayThursdayVisit, lateAfterMinutes: 0 }),
      await create({ ...tuesdayThursdayVisit, extra: true }),
      await create({ ...tuesdayThursdayVisit, assigneeId: "0123456789abcdef01234567" }), // not a member
      await server.request("GET", `/api/circles/${circle.id}/occurrences?from=2027-04-01&to=2027-03-01`, { token: coordinator.token }),
      await server.request("GET", `/api/circles/${circle.id}/occurrences?from=2027-03-01&to=2027-05-02`, { token: coordinator.token }),
      await server.request("GET", `/api/circles/${circle.id}/occurrences?from=2027-03-01`, { token: coordinator.token }),
      await server.request("GET", `/api/circles/${circle.id}/occurrences?from[$ne]=x&to=2027-03-02`, { token: coordinator.token }),
      await server.request("GET", "/api/me/occurrences?from=yesterday&to=today", { token: coordinator.token }),
      await server.request("PATCH", `/api/plans/${plan.id}`, { token: coordinator.token, body: { recurrence: "FREQ=DAILY;COUNT=2;UNTIL=20270401" } }),
      await server.request("PATCH", `/api/plans/${plan.id}`, { token: coordinator.token, body: { fromDate: "2027-04-01", start: "2027-03-30T10:00" } }),
      await server.request("PATCH", `/api/plans/${plan.id}`, { token: coordinator.token, body: { kind: "task" } }),
      await server.request("PATCH", "/api/plans/not-an-id", { token: coordinator.token, body: { title: "x" } }),
      await act(coordinator.token, `${plan.id}:yesterday`, "claim"),
      await act(coordinator.token, `${plan.id}:2027-03-23T14:00`, "teleport"),
      await act(coordinator.token, `${plan.id}:2027-03-23T14:00`, "check-in", { note: { $ne: null } }),
    ];
    expect(bad.map((res) => [res.status, res.body?.error?.code])).toEqual(bad.map(() => [400, "validation_failed"]));
    // A 62-day window is fine; 63 is not (above).
    expect((await server.request("GET", `/api/circles/${circle.id}/occurrences?from=2027-03-01&to=2027-05-01`, { token: coordinator.token })).status).toBe(200);
    // A well-formed id the plan does not yield.
    expect((await act(coordinator.token, `${plan.id}:2027-03-24T14:00`, "claim")).status).toBe(404);
  });

  it("tells an outsider nothing", async () => {
    const { coordinator, circle } = await circleWithMembers();
    const plan = await createPlan(coordinator.token, circle.id);
    const outsider = await server.registerUser("Stranger");
    const list = await server.request("GET", `/api/circles/${circle.id}/occurrences?from=2027-03-22&to=2027-03-28`, { token: outsider.token });
    expect(list.status).toBe(403);
    expect((await server.request("GET", `/api/circles/${circle.id}/plans`, { token: outsider.token })).status).toBe(403);
    expect((await server.request("POST", `/api/circles/${circle.id}/plans`, { token: outsider.token, body: tuesdayThursdayVisit })).status).toBe(403);
    // A plan or occurrence of another circle answers like one that does not exist.
    const patch = await server.request("PATCH", `/api/plans/${plan.id}`, { token: outsider.token, body: { title: "Hijacked" } });
    const unknown = await server.request("PATCH", "/api/plans/0123456789abcdef01234567", { token: outsider.token, body: { title: "Hijacked" } });
    expect([patch.status, unknown.status]).toEqual([404, 404]);
    expect(patch.body).toEqual(unknown.body);
    expect((await server.request("DELETE", `/api/plans/${plan.id}`, { token: outsider.token })).status).toBe(404);
    expect((await act(outsider.token, `${plan.id}:2027-03-23T14:00`, "claim")).status).toBe(404);
    expect((await server.request("GET", `/api/occurrences/${plan.id}:2027-03-23T14:00`, { token: outsider.token })).status).toBe(404);
    const mine = await server.request("GET", "/api/me/occurrences?from=2027-03-22&to=2027-03-28", { token: outsider.token });
    expect(mine.body.occurrences).toEqual([]);
    // And without a token, 401.
    expect((await server.request("GET", "/api/me/occurrences?from=2027-03-22&to=2027-03-28")).status).toBe(401);
  });
});
