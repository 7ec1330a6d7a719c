import type { CheckinSchedule } from "@kring/protocol";

// What the daily check-in needs from storage (packages/db/src/checkin/), from the queue that runs
// its deadline job, and from the alerts a missed check-in raises. The rules live in
// checkin.service.ts.

export type CheckinScheduleRecord = { circleId: string; deadline: string; timeZone: string; enabled: boolean };
export type CheckinRecord = { circleId: string; date: string; at: Date; by: string };

export interface CheckinRepository {
  findSchedule(circleId: string): Promise<CheckinScheduleRecord | null>;
  saveSchedule(schedule: CheckinScheduleRecord): Promise<void>;
  /** A maintenance scan (worker start only, to re-create the schedulers): never on a request or job path. */
  maintenanceListEnabledSchedules(): Promise<CheckinScheduleRecord[]>;
  /** Returns the stored check-in for that local date (the first one wins). */
  record(checkin: CheckinRecord): Promise<CheckinRecord>;
  find(circleId: string, date: string): Promise<CheckinRecord | null>;
}

/** The port behind which the daily check-in's deadline job is (re)scheduled. */
export type CheckinScheduler = { schedule(circleId: string, schedule: CheckinSchedule): Promise<void> };

/**
 * What the check-in asks of the alerts (the alerts service in production): a missed check-in is an
 * alert that goes through the ladder, and "I'm OK" resolves it. The alerts know nothing of check-in.
 */
export type MissedCheckinAlerts = {
  /** One alert per circle and local date, however often it is asked for. */
  raiseMissedCheckin(input: { circleId: string; date: string }): Promise<unknown>;
  /** Resolves the circle's open missed-check-in alerts, as checked in by `userId` at `at`. */
  resolveMissedCheckins(input: { circleId: string; userId: string; at: Date }): Promise<void>;
};
