import type { Notification, Occurrence, Plan, VisitMissedCheckJob, VisitReminderJob } from "@kring/protocol";
import { createVisitJobs } from "./visit-jobs.service";

// The decisions of the visit jobs, with in-memory ports: what a job does when the occurrence it was
// queued for has changed since. The real queue, worker and restart are in apps/worker/src/visits.int.test.ts.

const circleId = "a".repeat(24);
const planId = "b".repeat(24);
const nina = "c".repeat(24);
const marie = "d".repeat(24);
const occurrenceId = `${planId}:2027-03-30T14:00`;
const START = "2027-03-30T14:00:00+02:00";

const plan: Plan = {
  id: planId,
  circleId,
  kind: "visit",
  title: "Morning care",
  notes: null,
  start: "2027-03-30T14:00",
  durationMinutes: 30,
  timeZone: "Europe/Brussels",
  recurrence: null,
  assigneeId: nina,
  reminderMinutes: 60,
  alertIfMissed: true,
  lateAfterMinutes: 30,
  createdBy: marie,
  createdAt: "2027-03-01T10:00:00.000Z",
  previousPlanId: null,
};
const occurrenceOf = (changes: Partial<Occurrence> = {}): Occurrence => ({
  id: occurrenceId,
  planId,
  circleId,
  kind: "visit",
  title: "Morning care",
  start: START,
  end: "2027-03-30T14:30:00+02:00",
  timeZone: "Europe/Brussels",
  dstShifted: false,
  assigneeId: nina,
  status: "planned",
  checkedInAt: null,
  checkedOutAt: null,
  note: null,
  ...changes,
});

function setup(state: { plan?: Plan; occurrence?: Occurrence | null; now: string }) {
  const current = { plan: state.plan ?? plan, occurrence: state.occurrence === undefined ? occurrenceOf() : state.occurrence };
  const sent: Notification[] = [];
  const claimed = new Set<string>();
  const queued = { reminders: [] as [VisitReminderJob, number][], checks: [] as [VisitMissedCheckJob, number][] };
  const raised: unknown[] = [];
  const resolved: unknown[] = [];
  const jobs = createVisitJobs({
    findOccurrence: async () => (current.occurrence ? { plan: current.plan, occurrence: current.occurrence } : null),
    findPlan: async () => current.plan,
    scheduler: {
      scheduleReminder: async (job, delay) => void queued.reminders.push([job, delay]),
      scheduleMissedCheck: async (job, delay) => void queued.checks.push([job, delay]),
      scheduleHorizon: async () => undefined,
    },
    claimReminderOnce: async (key) => !claimed.has(key) && Boolean(claimed.add(key)),
    alerts: {
      raiseMissedVisit: async (input) => {
        raised.push(input);
        return { alert: {} as never, isNew: true };
      },
      resolveMissedVisit: async (input) => {
        resolved.push(input);
        return null;
      },
    },
    preferences: { find: async () => null },
    queue: { enqueue: async () => undefined },
    publisher: { notify: (_userId, notification) => void sent.push(notification) },
    circleName: async () => "Anna's circle",
    now: () => new Date(state.now),
  });
  return { jobs, current, sent, queued, raised, resolved };
}

const reminderJob: VisitReminderJob = { circleId, occurrenceId, start: START, assigneeId: nina, reminderMinutes: 60 };
const checkJob: VisitMissedCheckJob = { circleId, occurrenceId, start: START, lateAfterMinutes: 30 };

describe("visit reminders", () => {
  it("sends once to the assignee, in their language, without the title", async () => {
    const { jobs, sent } = setup({ now: "2027-03-30T11:00:00Z" });
    expect(await jobs.runReminder(reminderJob)).toEqual({ outcome: "sent" });
    expect(await jobs.runReminder(reminderJob)).toEqual({ outcome: "already_sent" });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: "visit_reminder", occurrenceId, urgent: false, alertId: null, text: "Herinnering: u hebt binnenkort een bezoek of taak in Anna's circle" });
  });

  it("sends nothing when the assignee, the lead time or the start changed, or the visit was cancelled or deleted", async () => {
    for (const changed of [
      { occurrence: occurrenceOf({ assigneeId: marie }) },
      { occurrence: occurrenceOf({ assigneeId: null, status: "open" }) },
      { occurrence: occurrenceOf({ status: "cancelled" }) },
      { occurrence: occurrenceOf({ start: "2027-03-30T15:00:00+02:00" }) },
      { plan: { ...plan, reminderMinutes: 30 } },
      { occurrence: null },
    ]) {
      const { jobs, sent } = setup({ ...changed, now: "2027-03-30T11:00:00Z" });
      expect(await jobs.runReminder(reminderJob)).toEqual({ outcome: "changed" });
      expect(sent).toHaveLength(0);
    }
  });
});

describe("missed-visit checks", () => {
  it("raises with the assignee first, and not when checked in, not before the (grown) deadline, not without alertIfMissed", async () => {
    const late = setup({ now: "2027-03-30T12:30:00Z" });
    expect(await late.jobs.runMissedCheck(checkJob)).toEqual({ outcome: "raised" });
    expect(late.raised).toEqual([{ circleId, occurrenceId, assigneeId: nina }]);

    const checkedIn = setup({ occurrence: occurrenceOf({ status: "in_progress", checkedInAt: "2027-03-30T12:05:00Z" }), now: "2027-03-30T12:30:00Z" });
    expect(await checkedIn.jobs.runMissedCheck(checkJob)).toEqual({ outcome: "checked_in" });

    const grown = setup({ plan: { ...plan, lateAfterMinutes: 60 }, now: "2027-03-30T12:30:00Z" });
    expect(await grown.jobs.runMissedCheck(checkJob)).toEqual({ outcome: "early" });
    expect(grown.queued.checks).toEqual([[{ ...checkJob, lateAfterMinutes: 60 }, 30 * 60_000]]);

    const off = setup({ plan: { ...plan, alertIfMissed: false }, now: "2027-03-30T12:30:00Z" });
    expect(await off.jobs.runMissedCheck(checkJob)).toEqual({ outcome: "changed" });
    expect([grown.raised, checkedIn.raised, off.raised]).toEqual([[], [], []]);
  });

  it("resolves the alert when the occurrence is checked in late, and queues a claimed occurrence's reminder", async () => {
    const checkedIn = setup({ occurrence: occurrenceOf({ status: "in_progress", checkedInAt: "2027-03-30T12:45:00Z" }), now: "2027-03-30T12:45:00Z" });
    await checkedIn.jobs.scheduling.occurrenceChanged(checkedIn.current.occurrence!);
    expect(checkedIn.resolved).toEqual([{ circleId, occurrenceId, userId: nina, note: "Checked in" }]);

    const claimed = setup({ occurrence: occurrenceOf({ assigneeId: marie }), now: "2027-03-30T11:00:00Z" });
    await claimed.jobs.scheduling.occurrenceChanged(claimed.current.occurrence!);
    expect(claimed.queued.reminders).toEqual([[{ ...reminderJob, assigneeId: marie }, 0]]);
    expect(claimed.queued.checks).toEqual([[checkJob, 90 * 60_000]]);
  });
});

describe("horizon runs", () => {
  it("queue the next run while the plan has later occurrences, and end the chain after its last one", async () => {
    const horizons: string[] = [];
    const make = (recurrence: string | null, now: string) =>
      createVisitJobs({
        findOccurrence: async (id) => ({ plan: { ...plan, recurrence }, occurrence: occurrenceOf({ id }) }),
        findPlan: async () => ({ ...plan, recurrence }),
        scheduler: { scheduleReminder: async () => undefined, scheduleMissedCheck: async () => undefined, scheduleHorizon: async (_job, key) => void horizons.push(key) },
        claimReminderOnce: async () => true,
        alerts: { raiseMissedVisit: async () => ({ alert: {} as never, isNew: true }), resolveMissedVisit: async () => null },
        preferences: { find: async () => null },
        queue: { enqueue: async () => undefined },
        publisher: { notify: () => undefined },
        circleName: async () => "Anna's circle",
        now: () => new Date(now),
      });
    expect(await make("FREQ=WEEKLY;BYDAY=TU", "2027-03-29T10:00:00Z").runHorizonJob({ circleId, planId })).toEqual({ outcome: "scheduled", occurrences: 1 });
    expect(horizons).toEqual([`p${Math.floor(Date.parse("2027-03-29T10:00:00Z") / 86_400_000) + 1}`]);
    // The one-off on 30 March: scheduled, and no run after it.
    expect(await make(null, "2027-03-29T10:00:00Z").runHorizonJob({ circleId, planId })).toEqual({ outcome: "scheduled", occurrences: 1 });
    expect(horizons).toHaveLength(1);
  });
});
