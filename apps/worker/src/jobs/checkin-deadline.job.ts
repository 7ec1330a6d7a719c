import type { CheckinService } from "@kring/domain";
import { CheckinDeadlineJob } from "@kring/protocol";

/** At the circle's deadline: no "I'm OK" today raises a missed_checkin alert through the ladder. */
export async function processCheckinDeadline(payload: unknown, deps: { checkin: CheckinService }) {
  return deps.checkin.runCheckinDeadline(CheckinDeadlineJob.parse(payload).circleId);
}
