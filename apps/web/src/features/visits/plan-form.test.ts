import { draftFromPlan, emptyDraft, firstDayFrom, planChanges, planInput } from "./plan-form";
import type { Plan } from "./visits.types";

const plan: Plan = {
  id: "0123456789abcdef01234567",
  circleId: "89abcdef0123456789abcdef",
  kind: "visit",
  title: "Coffee with Anna",
  notes: null,
  start: "2027-03-30T14:00",
  durationMinutes: 90,
  timeZone: "Europe/Brussels",
  recurrence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
  assigneeId: "fedcba9876543210fedcba98",
  reminderMinutes: 30,
  alertIfMissed: true,
  lateAfterMinutes: 60,
  createdBy: "fedcba9876543210fedcba98",
  createdAt: "2027-03-01T10:00:00.000Z",
  previousPlanId: null,
};

it("sends what the form shows: a weekly visit on Tuesday and Thursday, open to anyone", () => {
  const draft = { ...emptyDraft("2027-03-30"), title: "  Coffee  ", time: "15:00", repeat: "weekly" as const, days: ["TH" as const, "TU" as const] };
  expect(planInput(draft)).toEqual({
    kind: "visit",
    title: "Coffee",
    notes: null,
    start: "2027-03-30T15:00",
    durationMinutes: 60,
    recurrence: "FREQ=WEEKLY;BYDAY=TU,TH",
    assigneeId: null,
    reminderMinutes: 60,
    alertIfMissed: false,
    lateAfterMinutes: 30,
  });
});

it("sends a task without a duration (a due time), once", () => {
  const input = planInput({ ...emptyDraft("2027-04-02"), kind: "task", title: "Pharmacy", time: "11:30" });
  expect(input).not.toHaveProperty("durationMinutes");
  expect(input).toMatchObject({ kind: "task", start: "2027-04-02T11:30", recurrence: null });
});

it("opens a stored plan with its choices, and saving it unchanged sends the same plan back", () => {
  const draft = draftFromPlan(plan);
  expect(draft).toMatchObject({ date: "2027-03-30", time: "14:00", repeat: "biweekly", days: ["TU", "TH"], durationMinutes: 90, assigneeId: plan.assigneeId });
  expect(planInput(draft)).toMatchObject({
    start: plan.start,
    durationMinutes: 90,
    recurrence: plan.recurrence,
    assigneeId: plan.assigneeId,
    reminderMinutes: 30,
    alertIfMissed: true,
    lateAfterMinutes: 60,
  });
});

it("keeps a rule written elsewhere (every 3 days) when the plan is saved from the form", () => {
  const draft = draftFromPlan({ ...plan, recurrence: "FREQ=DAILY;INTERVAL=3;COUNT=5" });
  expect(draft.repeat).toBe("custom");
  expect(planInput(draft).recurrence).toBe("FREQ=DAILY;INTERVAL=3;COUNT=5");
  expect(planInput({ ...draft, repeat: "daily" }).recurrence).toBe("FREQ=DAILY");
});

describe("an edit from a date on sends only what changed", () => {
  it("a new assignee from 1 May on", () => {
    expect(planChanges(plan, { ...draftFromPlan(plan), assigneeId: "" }, "2027-05-01")).toEqual({ assigneeId: null, fromDate: "2027-05-01" });
  });

  it("a new time starts on the series' first day from that date, in its two-week rhythm", () => {
    // Every 2 weeks on Tuesday and Thursday from Tuesday 30 March: the weeks of 30 March, 13 April, 27 April…
    // From Monday 5 April (an off week) the next day of the series is Tuesday 13 April.
    expect(planChanges(plan, { ...draftFromPlan(plan), time: "15:30" }, "2027-04-05")).toEqual({ start: "2027-04-13T15:30", fromDate: "2027-04-05" });
    expect(planChanges(plan, { ...draftFromPlan(plan), time: "15:30" }, "2027-04-14")).toEqual({ start: "2027-04-15T15:30", fromDate: "2027-04-14" });
  });

  it("a one-off plan changes in place", () => {
    const once = { ...plan, recurrence: null };
    expect(planChanges(once, { ...draftFromPlan(once), title: "Tea" }, "2027-03-01")).toEqual({ title: "Tea" });
    expect(planChanges(once, { ...draftFromPlan(once), date: "2027-04-02" }, "2027-03-01")).toEqual({ start: "2027-04-02T14:00", fromDate: "2027-04-02" });
  });
});

it("finds a series' first day on or after a date: daily, weekly, monthly (skipping months without that day)", () => {
  expect(firstDayFrom({ kind: "daily" }, "2027-03-30", "2027-04-10")).toBe("2027-04-10");
  expect(firstDayFrom({ kind: "weekly", interval: 1, days: ["MO"] }, "2027-03-29", "2027-04-07")).toBe("2027-04-12");
  expect(firstDayFrom({ kind: "monthly" }, "2027-01-31", "2027-04-01")).toBe("2027-05-31");
  expect(firstDayFrom({ kind: "monthly" }, "2027-03-30", "2027-03-01")).toBe("2027-03-30");
});
