import type { AlertsService } from "@kring/domain";
import { CheckinDeadlineJob } from "@kring/protocol";

/** At the circle's deadline: no "I'm OK" today raises a missed_checkin alert through the ladder. */
export async function processCheckinDeadline(payload: unknown, deps: { alerts: AlertsService }) {
  return deps.alerts.runCheckinDeadline(CheckinDeadlineJob.parse(payload).circleId);
}
