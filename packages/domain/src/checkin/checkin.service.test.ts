import type { CheckinSchedule } from "@kring/protocol";
import type { MembershipRecord } from "../circles/circles.ports";
import { DomainError } from "../errors";
import { createInMemoryCheckinRepository } from "../testing/in-memory-checkins";
import { createInMemoryRepositories } from "../testing/in-memory-repositories";
import type { MissedCheckinAlerts } from "./checkin.ports";
import { createCheckinService } from "./checkin.service";

// The daily check-in's rules with in-memory ports: the alerts a missed check-in raises and "I'm OK"
// resolves are a recording fake (the alerts service's side is tested in alerts/).

const circleId = "c".repeat(24);
const anna = "a".repeat(24); // the resident
const sofie = "s".repeat(24); // the coordinator
const lotte = "l".repeat(24); // a volunteer
const stranger = "x".repeat(24);
const brussels: CheckinSchedule = { deadline: "10:00", timeZone: "Europe/Brussels", enabled: true };

async function setUp(at: string) {
  const { memberships } = createInMemoryRepositories();
  const member = (userId: string, role: MembershipRecord["role"]): MembershipRecord => ({ circleId, userId, role, joinedAt: new Date(0) });
  for (const m of [member(anna, "resident"), member(sofie, "coordinator"), member(lotte, "volunteer")]) await memberships.add(m);
  const checkins = createInMemoryCheckinRepository();
  const calls: string[] = [];
  const alerts: MissedCheckinAlerts = {
    async raiseMissedCheckin(input) {
      calls.push(`raise ${input.circleId === circleId ? "circle" : input.circleId} ${input.date}`);
    },
    async resolveMissedCheckins(input) {
      calls.push(`resolve by ${input.userId === anna ? "anna" : input.userId} at ${input.at.toISOString()}`);
    },
  };
  const scheduled: string[] = [];
  let now = new Date(at);
  const service = createCheckinService({
    checkins,
    memberships,
    alerts,
    checkinScheduler: {
      async schedule(id, schedule) {
        scheduled.push(`${id === circleId ? "circle" : id} ${schedule.deadline} ${schedule.enabled}`);
      },
    },
    now: () => now,
  });
  return { service, checkins, calls, scheduled, setNow: (next: string) => (now = new Date(next)) };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => (error instanceof DomainError ? error.code : String(error)),
  );

describe("the check-in schedule", () => {
  it("is the default, switched off, until a coordinator sets one", async () => {
    const { service } = await setUp("2026-11-28T08:00:00Z");
    expect(await service.getCheckinSchedule(anna, circleId)).toEqual({ deadline: "10:00", timeZone: "Europe/Brussels", enabled: false });
  });

  it("is set by a coordinator only, stored and its deadline job rescheduled", async () => {
    const { service, scheduled } = await setUp("2026-11-28T08:00:00Z");
    const schedule = { ...brussels, deadline: "09:30" };
    expect(await codeOf(service.setCheckinSchedule(anna, circleId, schedule))).toBe("forbidden");
    expect(scheduled).toEqual([]);
    expect(await service.setCheckinSchedule(sofie, circleId, schedule)).toEqual(schedule);
    expect(await service.getCheckinSchedule(anna, circleId)).toEqual(schedule);
    expect(scheduled).toEqual(["circle 09:30 true"]);
  });

  it("is read by members only, never by a volunteer", async () => {
    const { service } = await setUp("2026-11-28T08:00:00Z");
    expect(await codeOf(service.getCheckinSchedule(stranger, circleId))).toBe("forbidden");
    expect(await codeOf(service.getCheckinSchedule(lotte, circleId))).toBe("forbidden");
  });
});

describe("I'm OK", () => {
  it("records the circle's local date (the first check-in of a day stands) and resolves a missed check-in", async () => {
    // 23:30 UTC is already the next day in Brussels.
    const { service, calls, setNow } = await setUp("2026-11-28T23:30:00Z");
    expect(await service.checkIn(anna, circleId)).toEqual({ circleId, date: "2026-11-29", at: "2026-11-28T23:30:00.000Z", by: anna });
    expect(calls).toEqual(["resolve by anna at 2026-11-28T23:30:00.000Z"]);
    setNow("2026-11-29T08:00:00Z");
    expect(await service.checkIn(sofie, circleId)).toEqual({ circleId, date: "2026-11-29", at: "2026-11-28T23:30:00.000Z", by: anna });
  });

  it("is refused to someone outside the circle and to a volunteer, recording nothing", async () => {
    const { service, calls } = await setUp("2026-11-28T08:00:00Z");
    expect(await codeOf(service.checkIn(stranger, circleId))).toBe("forbidden");
    expect(await codeOf(service.checkIn(lotte, circleId))).toBe("forbidden");
    expect(calls).toEqual([]);
    expect((await service.listCheckins(anna, circleId, { from: "2026-11-28", to: "2026-11-28" })).checkins).toEqual([]);
  });
});

describe("the check-ins of a range", () => {
  it("lists the days someone checked in and the circle's local today", async () => {
    const { service, setNow } = await setUp("2026-11-26T08:00:00Z");
    await service.checkIn(anna, circleId);
    setNow("2026-11-28T23:30:00Z");
    await service.checkIn(anna, circleId);
    expect(await service.listCheckins(sofie, circleId, { from: "2026-11-25", to: "2026-11-30" })).toEqual({
      checkins: [
        { date: "2026-11-26", at: "2026-11-26T08:00:00.000Z", by: anna },
        { date: "2026-11-29", at: "2026-11-28T23:30:00.000Z", by: anna },
      ],
      today: "2026-11-29",
    });
  });

  it("refuses a range that is empty or too long", async () => {
    const { service } = await setUp("2026-11-28T08:00:00Z");
    expect(await codeOf(service.listCheckins(anna, circleId, { from: "2026-11-28", to: "2026-11-27" }))).toBe("validation_failed");
    expect(await codeOf(service.listCheckins(anna, circleId, { from: "2026-01-01", to: "2026-11-28" }))).toBe("validation_failed");
  });
});

describe("the deadline", () => {
  it("does nothing while the check-in is switched off", async () => {
    const { service, calls } = await setUp("2026-11-28T12:00:00Z");
    expect(await service.runCheckinDeadline(circleId)).toEqual({ outcome: "disabled" });
    expect(calls).toEqual([]);
  });

  it("raises a missed check-in for the date of the latest deadline, and nothing once someone checked in", async () => {
    // 08:30 UTC is 09:30 in Brussels: the latest 10:00 deadline is yesterday's.
    const { service, calls, setNow } = await setUp("2026-11-28T08:30:00Z");
    await service.setCheckinSchedule(sofie, circleId, brussels);
    expect(await service.runCheckinDeadline(circleId)).toEqual({ outcome: "raised", date: "2026-11-27" });
    expect(calls).toEqual(["raise circle 2026-11-27"]);

    setNow("2026-11-28T08:45:00Z");
    await service.checkIn(anna, circleId);
    setNow("2026-11-28T09:05:00Z");
    calls.length = 0;
    expect(await service.runCheckinDeadline(circleId)).toEqual({ outcome: "checked_in", date: "2026-11-28" });
    expect(calls).toEqual([]);
  });
});
