import { CHECKIN_DEFAULT, CHECKINS_RANGE_MAX_DAYS, type Checkin, type CheckinDay, type CheckinSchedule } from "@kring/protocol";
import { requirePermission } from "../access/role-permissions";
import type { MembershipRepository } from "../circles/circles.ports";
import { requireMembership } from "../circles/circles.service";
import { DomainError } from "../errors";
import { datesBetween, latestDeadline, toLocal } from "../local-time";
import type { CheckinRepository, CheckinScheduler, MissedCheckinAlerts } from "./checkin.ports";

export type CheckinDependencies = {
  checkins: CheckinRepository;
  memberships: MembershipRepository;
  /** Raises the missed check-in's alert and resolves it (the alerts service's, in production). */
  alerts: MissedCheckinAlerts;
  /**
   * Server only: keeps the circle's daily deadline job in step with its stored schedule (a BullMQ
   * job scheduler in the server; the worker re-creates them at start and does not set schedules).
   */
  checkinScheduler?: CheckinScheduler;
  now: () => Date;
};

/** Check-in days read at once (each a point read). */
const CHECKIN_READ_BATCH = 8;

/** The daily check-in: the resident's "I'm OK", the schedule, and the deadline that raises a missed check-in. */
export function createCheckinService(deps: CheckinDependencies) {
  return {
    async getCheckinSchedule(userId: string, circleId: string): Promise<CheckinSchedule> {
      requirePermission((await requireMembership(deps.memberships, circleId, userId)).role, "checkins.read");
      const stored = await deps.checkins.findSchedule(circleId);
      return stored
        ? { deadline: stored.deadline, timeZone: stored.timeZone, enabled: stored.enabled }
        : { ...CHECKIN_DEFAULT, enabled: false };
    },

    async setCheckinSchedule(userId: string, circleId: string, schedule: CheckinSchedule): Promise<CheckinSchedule> {
      const membership = await requireMembership(deps.memberships, circleId, userId);
      if (membership.role !== "coordinator") {
        throw new DomainError("forbidden", "Only a coordinator of this circle can set the daily check-in.");
      }
      await deps.checkins.saveSchedule({ circleId, ...schedule });
      await deps.checkinScheduler?.schedule(circleId, schedule);
      return schedule;
    },

    /** "I'm OK": records today's check-in (local date) and resolves an open missed-check-in alert. */
    async checkIn(userId: string, circleId: string): Promise<Checkin> {
      requirePermission((await requireMembership(deps.memberships, circleId, userId)).role, "checkins.read");
      const schedule = (await deps.checkins.findSchedule(circleId)) ?? { ...CHECKIN_DEFAULT, circleId };
      const now = deps.now();
      const date = toLocal(now, schedule.timeZone).date;
      const stored = await deps.checkins.record({ circleId, date, at: now, by: userId });
      await deps.alerts.resolveMissedCheckins({ circleId, userId, at: now });
      return { circleId, date: stored.date, at: stored.at.toISOString(), by: stored.by };
    },

    /**
     * The check-ins of a date range (at most CHECKINS_RANGE_MAX_DAYS, checked by the schema): one
     * point read per day (`circleId:date`), never a scan. `today` is the circle's local date now.
     */
    async listCheckins(userId: string, circleId: string, range: { from: string; to: string }): Promise<{ checkins: CheckinDay[]; today: string }> {
      requirePermission((await requireMembership(deps.memberships, circleId, userId)).role, "checkins.read");
      const schedule = (await deps.checkins.findSchedule(circleId)) ?? { ...CHECKIN_DEFAULT, circleId };
      const dates = datesBetween(range.from, range.to);
      if (dates.length === 0 || dates.length > CHECKINS_RANGE_MAX_DAYS) {
        throw new DomainError("validation_failed", `A range is 1 to ${CHECKINS_RANGE_MAX_DAYS} days.`);
      }
      const checkins: CheckinDay[] = [];
      for (let start = 0; start < dates.length; start += CHECKIN_READ_BATCH) {
        const found = await Promise.all(dates.slice(start, start + CHECKIN_READ_BATCH).map((date) => deps.checkins.find(circleId, date)));
        for (const day of found) if (day) checkins.push({ date: day.date, at: day.at.toISOString(), by: day.by });
      }
      return { checkins, today: toLocal(deps.now(), schedule.timeZone).date };
    },

    /**
     * Runs at (or after) a circle's deadline: no check-in for the local date of the latest deadline
     * raises one `missed_checkin` alert for that date through the ladder.
     */
    async runCheckinDeadline(circleId: string): Promise<{ outcome: "disabled" | "checked_in" | "raised"; date?: string }> {
      const schedule = await deps.checkins.findSchedule(circleId);
      if (!schedule?.enabled) return { outcome: "disabled" };
      const { date } = latestDeadline(deps.now(), schedule.deadline, schedule.timeZone);
      if (await deps.checkins.find(circleId, date)) return { outcome: "checked_in", date };
      await deps.alerts.raiseMissedCheckin({ circleId, date });
      return { outcome: "raised", date };
    },
  };
}
export type CheckinService = ReturnType<typeof createCheckinService>;
