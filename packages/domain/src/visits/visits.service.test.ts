import type { Occurrence, Plan } from "@kring/protocol";
import { createInMemoryRepositories } from "../testing/in-memory-repositories";
import { createInMemoryVisitRepositories } from "../testing/in-memory-visits";
import { createVisitsService } from "./visits.service";

// The service's rules with in-memory ports: what the scheduling hook (reminders, missed visits)
// is told, and the assignment chain over many claims and releases.

async function setUp() {
  const core = createInMemoryRepositories();
  const visitRepositories = createInMemoryVisitRepositories();
  const circleId = "6743a1e8c2a4b5d6e7f80901";
  const coordinator = "6743a1d2c2a4b5d6e7f80001";
  const family = "6743a1d2c2a4b5d6e7f80002";
  const professional = "6743a1d2c2a4b5d6e7f80003";
  for (const [userId, role] of [
    [coordinator, "coordinator"],
    [family, "family"],
    [professional, "professional"],
  ] as const) {
    await core.memberships.add({ circleId, userId, role, joinedAt: new Date() });
  }
  const planned: { plan: Plan; deleted: boolean }[] = [];
  const changed: Occurrence[] = [];
  const published: string[] = [];
  const visits = createVisitsService({
    memberships: core.memberships,
    ...visitRepositories,
    checkins: { findSchedule: async () => null },
    visitsPublisher: {
      planUpdated: (event) => published.push(`plan:${event.plan.id}${event.deleted ? ":deleted" : ""}`),
      occurrenceUpdated: (occurrence) => published.push(`occurrence:${occurrence.id}:${occurrence.status}`),
    },
    scheduling: {
      planChanged: async (plan, change) => {
        planned.push({ plan, deleted: change.deleted });
      },
      occurrenceChanged: async (occurrence) => {
        changed.push(occurrence);
      },
    },
    now: () => new Date("2027-03-20T08:00:00Z"),
  });
  return { visits, circleId, coordinator, family, professional, planned, changed, published };
}

const weekly = { kind: "visit", title: "Visit", start: "2027-03-23T14:00", durationMinutes: 60, timeZone: "Europe/Brussels", recurrence: "FREQ=WEEKLY;BYDAY=TU" } as const;

it("tells the scheduling hook about every stored plan change: create, both halves of a split, delete", async () => {
  const { visits, circleId, coordinator, professional, planned, published } = await setUp();
  const plan = await visits.createPlan(coordinator, circleId, { ...weekly, assigneeId: professional });
  expect(planned).toEqual([{ plan, deleted: false }]);
  expect(plan.alertIfMissed).toBe(true);

  const { plan: continuation, endedPlan } = await visits.updatePlan(coordinator, plan.id, { fromDate: "2027-04-01", reminderMinutes: 15 });
  expect(endedPlan?.recurrence).toBe("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270331");
  expect(continuation).toMatchObject({ start: "2027-04-06T14:00", reminderMinutes: 15, previousPlanId: plan.id });
  expect(planned.slice(1)).toEqual([
    { plan: endedPlan, deleted: false },
    { plan: continuation, deleted: false },
  ]);

  await visits.deletePlan(coordinator, continuation.id);
  expect(planned.at(-1)).toEqual({ plan: continuation, deleted: true });
  expect(published).toEqual([`plan:${plan.id}`, `plan:${plan.id}`, `plan:${continuation.id}`, `plan:${continuation.id}:deleted`]);
});

it("folds a long chain of claims and releases, and tells the hook each time", async () => {
  const { visits, circleId, coordinator, family, professional, changed } = await setUp();
  const plan = await visits.createPlan(coordinator, circleId, weekly);
  const id = `${plan.id}:2027-03-30T14:00`;
  for (let round = 0; round < 5; round += 1) {
    const who = round % 2 === 0 ? family : professional;
    expect((await visits.act(who, id, "claim", {})).assigneeId).toBe(who);
    await expect(visits.act(round % 2 === 0 ? professional : family, id, "claim", {})).rejects.toMatchObject({ code: "conflict" });
    expect((await visits.act(who, id, "release", {})).status).toBe("open");
  }
  expect(changed.map((o) => o.assigneeId)).toEqual(Array.from({ length: 5 }, (_, i) => [i % 2 === 0 ? family : professional, null]).flat());
  // A repeat that changes nothing is answered, but not announced again.
  await visits.act(family, id, "release", {});
  expect(changed).toHaveLength(10);
  const found = await visits.findOccurrence(id);
  expect(found).toMatchObject({ plan: { id: plan.id }, occurrence: { id, status: "open", assigneeId: null } });
  expect(await visits.findOccurrence(`${plan.id}:2027-03-31T14:00`)).toBeNull();
});
