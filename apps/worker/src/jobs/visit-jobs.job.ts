import type { VisitJobs } from "@kring/domain";
import { VisitHorizonJob, VisitMissedCheckJob, VisitReminderJob } from "@kring/protocol";

/** `reminderMinutes` before a visit or task: the assignee's reminder, if nothing changed meanwhile. */
export async function processVisitReminder(payload: unknown, deps: { visitJobs: VisitJobs }) {
  return deps.visitJobs.runReminder(VisitReminderJob.parse(payload));
}

/** `lateAfterMinutes` after the start: a `missed_visit` alert unless someone checked in. */
export async function processVisitMissedCheck(payload: unknown, deps: { visitJobs: VisitJobs }) {
  return deps.visitJobs.runMissedCheck(VisitMissedCheckJob.parse(payload));
}

/** Once a day per plan: queues the reminders and checks of the next 48 hours, and the next run. */
export async function processVisitHorizon(payload: unknown, deps: { visitJobs: VisitJobs }) {
  return deps.visitJobs.runHorizonJob(VisitHorizonJob.parse(payload));
}
