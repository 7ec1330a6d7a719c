import { localWallOf } from "@kring/domain";
import type { Alert, Occurrence } from "@kring/protocol";
import { collect, eventually, sleep, startTestServer, type TestServer } from "@kring/server/testing";
import { createAnnasCircle, setLadder, type AnnasCircle } from "./testing/circle-fixture";
import { startTestWorker, type TestWorker } from "./testing/worker-harness";

// Issue #10 items 3 and 4 on the real stack (server, worker, FerretDB, Redis, sockets): reminders
// before a visit, moved or dropped by a change, across a worker restart, sent once; a missed visit
// paging the assignee and then the ladder; a late check-in resolving it.
//
// Plans start on whole minutes and lead times are whole minutes, so the server and the worker share
// a clock that is shifted (not frozen): "now" is set a few seconds before the moment under test,
// and BullMQ's real delays then fire within seconds.

let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
let server: TestServer;
let worker: TestWorker;

beforeAll(async () => {
  server = await startTestServer({ now: clock });
  worker = await startTestWorker(server, { now: clock });
});
afterAll(async () => {
  await worker.stop();
  await server.stop();
});

const TIME_ZONE = "Europe/Brussels";
const MINUTE = 60_000;

/** A whole minute ten days ahead (a fresh one per call), and its local wall time in Brussels. */
let startCounter = 0;
function nextStart(): { instant: number; local: string } {
  const instant = (Math.ceil(Date.now() / MINUTE) + 10 * 24 * 60 + 7 * ++startCounter) * MINUTE;
  return { instant, local: localWallOf(new Date(instant), TIME_ZONE) };
}
/** Shifts the shared clock so that it reads `instant` now. */
const setClockTo = (instant: number) => {
  offsetMs = instant - Date.now();
};

async function createPlan(c: AnnasCircle, body: Record<string, unknown>) {
  const res = await server.request("POST", `/api/circles/${c.circle.id}/plans`, {
    token: c.sofie.token,
    body: { kind: "visit", title: "Morning care", durationMinutes: 30, timeZone: TIME_ZONE, ...body },
  });
  if (res.status !== 201) throw new Error(`plan: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.plan as { id: string };
}
const occurrenceIdOf = (planId: string, local: string) => `${planId}:${local}`;
const remindersOf = <T extends { kind: string }>(list: T[]) => list.filter((n) => n.kind === "visit_reminder");

describe("visit reminders", () => {
  it("reminds the assignee reminderMinutes before the start; a reassignment moves it, and a worker restart loses none and sends none twice", async () => {
    const c = await createAnnasCircle(server);
    const start = nextStart();
    setClockTo(start.instant - 60 * MINUTE - 4000);
    const plan = await createPlan(c, { start: start.local, assigneeId: c.nina.user.id });
    // Reassigned before the reminder is due: Nina's reminder is dropped, Marie's takes its place.
    const patched = await server.request("PATCH", `/api/plans/${plan.id}`, { token: c.sofie.token, body: { assigneeId: c.marie.user.id } });
    expect(patched.status).toBe(200);

    // The worker is down when the reminder falls due, and comes back after.
    await worker.stop();
    await sleep(5000);
    expect(remindersOf(c.notifications.marie)).toHaveLength(0);
    worker = await startTestWorker(server, { now: clock });

    await eventually(() => remindersOf(c.notifications.marie).length === 1, 10_000, "Marie's reminder");
    const reminder = remindersOf(c.notifications.marie)[0]!;
    expect(reminder).toMatchObject({
      kind: "visit_reminder",
      circleId: c.circle.id,
      alertId: null,
      urgent: false,
      occurrenceId: occurrenceIdOf(plan.id, start.local),
      // Neutral: the circle's name, not the visit's title.
      text: "Herinnering: u hebt binnenkort een bezoek of taak in Anna's circle",
    });
    expect(reminder.text).not.toContain("Morning care");
    // Not before its time: an hour before the start on the shared clock.
    expect(Date.parse(reminder.at)).toBeGreaterThanOrEqual(start.instant - 60 * MINUTE);

    // Another run of the plan's horizon (as the daily run does) and a restart queue nothing new.
    await worker.services.visitJobs.runHorizonJob({ circleId: c.circle.id, planId: plan.id });
    await worker.stop();
    worker = await startTestWorker(server, { now: clock });
    await sleep(3000);
    expect(remindersOf(c.notifications.marie)).toHaveLength(1);
    expect(remindersOf(c.notifications.nina)).toHaveLength(0);
    for (const name of ["jan", "sofie", "anna"] as const) expect(remindersOf(c.notifications[name])).toHaveLength(0);
  }, 40_000);

  it("drops the reminder of a visit moved to another time and sends it before the new time, and sends none for a cancelled one", async () => {
    const c = await createAnnasCircle(server);
    const start = nextStart();
    setClockTo(start.instant - 60 * MINUTE - 3000);
    const moved = await createPlan(c, { start: start.local, assigneeId: c.jan.user.id });
    const cancelled = await createPlan(c, { start: start.local, assigneeId: c.nina.user.id, title: "Pharmacy", kind: "task", durationMinutes: null });
    // Moved one minute later: its reminder is due a minute later too.
    const later = localWallOf(new Date(start.instant + MINUTE), TIME_ZONE);
    expect((await server.request("PATCH", `/api/plans/${moved.id}`, { token: c.sofie.token, body: { start: later } })).status).toBe(200);
    const cancel = await server.request("POST", `/api/occurrences/${encodeURIComponent(occurrenceIdOf(cancelled.id, start.local))}/cancel`, { token: c.sofie.token });
    expect(cancel.status).toBe(200);

    await sleep(7000);
    expect(remindersOf(c.notifications.jan)).toHaveLength(0);
    expect(remindersOf(c.notifications.nina)).toHaveLength(0);

    await eventually(() => remindersOf(c.notifications.jan).length === 1, 70_000, "Jan's reminder for the new time");
    expect(remindersOf(c.notifications.jan)[0]).toMatchObject({ occurrenceId: occurrenceIdOf(moved.id, later) });
    expect(Date.parse(remindersOf(c.notifications.jan)[0]!.at)).toBeGreaterThanOrEqual(start.instant + MINUTE - 60 * MINUTE);
    expect(remindersOf(c.notifications.nina)).toHaveLength(0);
  }, 100_000);
});

describe("missed visits", () => {
  it("pages the assignee first, then the ladder, with the occurrence on the alert; a late check-in resolves it", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie", "jan"], 5);
    const circleUpdates = collect(c.sockets.sofie, "occurrence:update");
    const start = nextStart();
    // The visit began 57 s ago; nobody has checked in; lateAfterMinutes is 1.
    setClockTo(start.instant + MINUTE - 3000);
    const plan = await createPlan(c, { start: start.local, assigneeId: c.nina.user.id, lateAfterMinutes: 1 });
    const occurrenceId = occurrenceIdOf(plan.id, start.local);

    const missedAlert = () => c.updates.sofie.find((a: Alert) => a.kind === "missed_visit");
    await eventually(() => missedAlert() !== undefined, 10_000, "the missed_visit alert");
    const alert = missedAlert()!;
    expect(alert).toMatchObject({ kind: "missed_visit", occurrenceId, raisedBy: null, circleId: c.circle.id });

    // Nina, the assignee (a professional, so alertIfMissed was on by default), is paged first…
    await eventually(() => c.notifications.nina.some((n) => n.kind === "alert_page" && n.alertId === alert.id), 5000, "Nina's page");
    expect(c.notifications.nina.find((n) => n.alertId === alert.id)).toMatchObject({ urgent: true });
    expect(c.notifications.marie.filter((n) => n.alertId === alert.id)).toHaveLength(0);
    // …then the ladder, one step (5 s) later.
    await eventually(() => c.notifications.marie.some((n) => n.alertId === alert.id), 10_000, "Marie's page");
    expect(c.notifications.jan.filter((n) => n.alertId === alert.id)).toHaveLength(0);

    // Nina arrives late and checks in: the alert is resolved, nobody else is paged.
    const checkIn = await server.request("POST", `/api/occurrences/${encodeURIComponent(occurrenceId)}/check-in`, { token: c.nina.token });
    expect(checkIn.status).toBe(200);
    expect((checkIn.body.occurrence as Occurrence).status).toBe("in_progress");
    await eventually(() => c.updates.sofie.some((a) => a.id === alert.id && a.status === "resolved"), 5000, "the resolve");
    const listed = await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: c.sofie.token });
    expect(listed.body.alerts.find((a: Alert) => a.id === alert.id)).toMatchObject({ status: "resolved", resolvedBy: c.nina.user.id, occurrenceId });
    await sleep(6000);
    expect(c.notifications.jan.filter((n) => n.alertId === alert.id)).toHaveLength(0);
    expect(circleUpdates.some((u) => u.occurrence.id === occurrenceId && u.occurrence.status === "in_progress")).toBe(true);
  }, 40_000);

  it("raises nothing when the assignee checked in on time, or for a plan without alertIfMissed", async () => {
    const c = await createAnnasCircle(server);
    const start = nextStart();
    // 55 s after the start: both checks fall due in 5 s.
    setClockTo(start.instant + MINUTE - 5000);
    const onTime = await createPlan(c, { start: start.local, assigneeId: c.nina.user.id, lateAfterMinutes: 1 });
    // Marie is family: alertIfMissed is off by default.
    await createPlan(c, { start: start.local, assigneeId: c.marie.user.id, lateAfterMinutes: 1, title: "Family visit" });
    const checkIn = await server.request("POST", `/api/occurrences/${encodeURIComponent(occurrenceIdOf(onTime.id, start.local))}/check-in`, { token: c.nina.token });
    expect(checkIn.status).toBe(200);
    const jobs = await worker.queues.queues.notifications.getJobs(["waiting", "delayed", "active", "completed"]);
    expect(jobs.filter((job) => job.data.kind === "alert_page")).toHaveLength(0);
    await sleep(8000);
    expect(c.updates.sofie.filter((a) => a.kind === "missed_visit")).toHaveLength(0);
  }, 30_000);
});
