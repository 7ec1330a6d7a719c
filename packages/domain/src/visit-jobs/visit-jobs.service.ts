import {
  DEFAULT_NOTIFICATION_PREFERENCES,
  type Occurrence,
  type Plan,
  type VisitHorizonJob,
  type VisitMissedCheckJob,
  type VisitReminderJob,
} from "@kring/protocol";
import type { AlertsService } from "../alerts/alerts.service";
import { quietHoursEnd } from "../local-time";
import { buildNotification, channelsFor } from "../notifications/notifications.service";
import type { NotificationQueue, PreferencesRepository, RealtimePublisher } from "../notifications/notifications.ports";
import { addDaysToDate, expandOccurrences } from "../visits/recurrence";
import type { VisitScheduling } from "../visits/visits.ports";
import { toLocal } from "../local-time";

/** Queues the visit jobs (BullMQ in production); each job id is deterministic (see jobs.schemas.ts). */
export interface VisitJobScheduler {
  scheduleReminder(job: VisitReminderJob, delayMs: number): Promise<void>;
  scheduleMissedCheck(job: VisitMissedCheckJob, delayMs: number): Promise<void>;
  /** `period`: the horizon run's period number (job id per plan and period), or a change's own key. */
  scheduleHorizon(job: VisitHorizonJob, runKey: string, delayMs: number): Promise<void>;
}

export type VisitJobsDependencies = {
  /** An occurrence and its plan by id (the visits service's `findOccurrence`): point reads only. */
  findOccurrence: (occurrenceId: string) => Promise<{ plan: Plan; occurrence: Occurrence } | null>;
  /** A live plan by id (null when deleted or unknown). */
  findPlan: (planId: string) => Promise<Plan | null>;
  scheduler: VisitJobScheduler;
  /** Claims "this reminder was sent" once (Redis SET NX): a re-run or a re-queued job sends nothing twice. */
  claimReminderOnce: (key: string) => Promise<boolean>;
  alerts: Pick<AlertsService, "raiseMissedVisit" | "resolveMissedVisit">;
  preferences: Pick<PreferencesRepository, "find">;
  queue: NotificationQueue;
  publisher: Pick<RealtimePublisher, "notify">;
  circleName: (circleId: string) => Promise<string | null>;
  now: () => Date;
  /** Reminders and checks are queued for occurrences starting within this window (default 48 h). */
  horizonMs?: number;
  /** The horizon run repeats every period (default 24 h, well inside the horizon). */
  horizonPeriodMs?: number;
};

export const VISIT_HORIZON_MS = 48 * 3600_000;
export const VISIT_HORIZON_PERIOD_MS = 24 * 3600_000;

/** The statuses in which nothing is owed any more: no reminder, no missed-visit alert. */
const isSettled = (occurrence: Occurrence) => occurrence.status === "cancelled" || occurrence.status === "done" || occurrence.status === "in_progress";

export const reminderSentKey = (job: Pick<VisitReminderJob, "occurrenceId" | "start" | "assigneeId">) => `${job.occurrenceId}|${job.start}|${job.assigneeId}`;

/**
 * Reminders and missed-visit checks (issue #10 items 3 and 4). Both are BullMQ delayed jobs with
 * deterministic ids, queued for the occurrences of the next 48 hours: by a horizon run per plan that
 * re-queues itself every day, and at every change (the visits service's `VisitScheduling` hook).
 * A job never trusts what it was queued with: it reads the occurrence by key when it runs and does
 * nothing if the start, the assignee or the lead time changed, or if the occurrence was cancelled
 * or checked in. A worker restart loses nothing (the jobs are in Redis); a job that runs twice
 * sends once (a Redis claim for reminders, the alert's deterministic id for missed visits).
 */
export function createVisitJobs(deps: VisitJobsDependencies) {
  const horizonMs = deps.horizonMs ?? VISIT_HORIZON_MS;
  const periodMs = deps.horizonPeriodMs ?? VISIT_HORIZON_PERIOD_MS;

  async function scheduleOccurrence(plan: Plan, occurrence: Occurrence): Promise<void> {
    if (isSettled(occurrence)) return;
    const now = deps.now().getTime();
    const start = Date.parse(occurrence.start);
    if (start - now > horizonMs) return; // the horizon run of a later day queues it
    const base = { circleId: occurrence.circleId, occurrenceId: occurrence.id, start: occurrence.start };
    if (occurrence.assigneeId !== null && start > now) {
      // Planned too late for the full lead time (a visit added 20 minutes before it starts): at once.
      const remindAt = start - plan.reminderMinutes * 60_000;
      await deps.scheduler.scheduleReminder({ ...base, assigneeId: occurrence.assigneeId, reminderMinutes: plan.reminderMinutes }, remindAt - now);
    }
    if (plan.alertIfMissed) {
      const checkAt = start + plan.lateAfterMinutes * 60_000;
      if (checkAt > now - horizonMs) await deps.scheduler.scheduleMissedCheck({ ...base, lateAfterMinutes: plan.lateAfterMinutes }, checkAt - now);
    }
  }

  /** The plan's occurrences starting within [now, now + horizon] (and those still late-checkable). */
  async function occurrencesInHorizon(plan: Plan): Promise<Occurrence[]> {
    const now = deps.now();
    const today = toLocal(now, plan.timeZone).date;
    const nominals = expandOccurrences(plan, addDaysToDate(today, -1), addDaysToDate(today, Math.ceil(horizonMs / 86_400_000) + 1));
    const lookBack = now.getTime() - (plan.lateAfterMinutes + 1) * 60_000;
    const inWindow = nominals.filter((n) => n.start.getTime() >= lookBack && n.start.getTime() - now.getTime() <= horizonMs);
    const found = await Promise.all(inWindow.map((n) => deps.findOccurrence(`${plan.id}:${n.nominal}`)));
    return found.flatMap((entry) => (entry ? [entry.occurrence] : []));
  }

  /** Whether the plan has an occurrence after the horizon (looking up to ten years ahead, no I/O). */
  function hasLaterOccurrences(plan: Plan): boolean {
    const after = addDaysToDate(toLocal(deps.now(), plan.timeZone).date, Math.ceil(horizonMs / 86_400_000));
    return [62, 400, 3660].some((days) => expandOccurrences(plan, after, addDaysToDate(after, days)).length > 0);
  }

  async function runHorizon(plan: Plan): Promise<number> {
    const occurrences = await occurrencesInHorizon(plan);
    for (const occurrence of occurrences) await scheduleOccurrence(plan, occurrence);
    // A plan whose last occurrence is within the horizon needs no further runs: the chain ends.
    if (!hasLaterOccurrences(plan)) return occurrences.length;
    // The next run, one id per plan and period: the chain and a change's run meet on it.
    const now = deps.now().getTime();
    const nextPeriod = Math.floor(now / periodMs) + 1;
    await deps.scheduler.scheduleHorizon({ circleId: plan.circleId, planId: plan.id }, `p${nextPeriod}`, nextPeriod * periodMs - now);
    return occurrences.length;
  }

  async function sendReminder(job: VisitReminderJob, occurrence: Occurrence): Promise<void> {
    const circleName = await deps.circleName(job.circleId);
    if (circleName === null) return;
    const preferences = (await deps.preferences.find(job.assigneeId)) ?? DEFAULT_NOTIFICATION_PREFERENCES;
    const now = deps.now();
    const sourceId = `visit-reminder:${job.occurrenceId}`;
    const notification = buildNotification({
      kind: "visit_reminder",
      sourceId,
      recipientId: job.assigneeId,
      circleId: job.circleId,
      alertId: null,
      urgent: false,
      circleName,
      language: preferences.language,
      at: now,
    });
    deps.publisher.notify(job.assigneeId, { ...notification, occurrenceId: occurrence.id });
    // Push and email as the member chose (never SMS: a reminder is not an emergency). A reminder
    // that would land in quiet hours waits for their end, like any notice that is not urgent.
    const quietEnd = preferences.quietHours ? quietHoursEnd(now, preferences.quietHours) : null;
    const others = channelsFor(preferences, "visit_reminder").filter((channel) => channel === "push" || channel === "email");
    await deps.queue.enqueue(
      others.map((channel) => ({
        job: { circleId: job.circleId, recipientId: job.assigneeId, channel, kind: "visit_reminder" as const, sourceId, alertId: null, urgent: false },
        delayMs: quietEnd ? quietEnd.getTime() - now.getTime() : 0,
      })),
    );
  }

  const scheduling: VisitScheduling = {
    async planChanged(plan, change) {
      // A deleted plan's queued jobs find it gone and do nothing.
      if (change.deleted) return;
      await runHorizon(plan);
    },
    async occurrenceChanged(occurrence) {
      // The service hands over the occurrence as just stored; only its plan is read (one key).
      const plan = await deps.findPlan(occurrence.planId);
      if (!plan || plan.circleId !== occurrence.circleId) return;
      const current = occurrence;
      // A late check-in (or completion, or a cancel) resolves a missed-visit alert already raised.
      if (current.checkedInAt !== null || current.status === "done" || current.status === "cancelled") {
        await deps.alerts.resolveMissedVisit({
          circleId: current.circleId,
          occurrenceId: current.id,
          userId: current.assigneeId ?? plan.createdBy,
          note: current.status === "cancelled" ? "Visit cancelled" : "Checked in",
        });
        return;
      }
      await scheduleOccurrence(plan, current);
    },
  };

  return {
    scheduling,
    scheduleOccurrence,

    async runHorizonJob(job: VisitHorizonJob): Promise<{ outcome: "gone" | "scheduled"; occurrences?: number }> {
      const plan = await deps.findPlan(job.planId);
      if (!plan || plan.circleId !== job.circleId) return { outcome: "gone" };
      return { outcome: "scheduled", occurrences: await runHorizon(plan) };
    },

    async runReminder(job: VisitReminderJob): Promise<{ outcome: "sent" | "changed" | "already_sent" }> {
      const found = await deps.findOccurrence(job.occurrenceId);
      if (!found || found.occurrence.circleId !== job.circleId) return { outcome: "changed" };
      const { plan, occurrence } = found;
      const isSame =
        Date.parse(occurrence.start) === Date.parse(job.start) &&
        occurrence.assigneeId === job.assigneeId &&
        plan.reminderMinutes === job.reminderMinutes &&
        !isSettled(occurrence) &&
        occurrence.status !== "missed";
      if (!isSame) return { outcome: "changed" };
      if (!(await deps.claimReminderOnce(reminderSentKey(job)))) return { outcome: "already_sent" };
      await sendReminder(job, occurrence);
      return { outcome: "sent" };
    },

    async runMissedCheck(job: VisitMissedCheckJob): Promise<{ outcome: "raised" | "checked_in" | "changed" | "early" }> {
      const found = await deps.findOccurrence(job.occurrenceId);
      if (!found || found.occurrence.circleId !== job.circleId) return { outcome: "changed" };
      const { plan, occurrence } = found;
      if (Date.parse(occurrence.start) !== Date.parse(job.start) || !plan.alertIfMissed) return { outcome: "changed" };
      if (isSettled(occurrence)) return { outcome: "checked_in" };
      const due = Date.parse(occurrence.start) + plan.lateAfterMinutes * 60_000;
      if (deps.now().getTime() < due) {
        // The lead time grew since this job was queued: wait for the new deadline.
        await deps.scheduler.scheduleMissedCheck({ ...job, lateAfterMinutes: plan.lateAfterMinutes }, due - deps.now().getTime());
        return { outcome: "early" };
      }
      await deps.alerts.raiseMissedVisit({ circleId: job.circleId, occurrenceId: job.occurrenceId, assigneeId: occurrence.assigneeId });
      return { outcome: "raised" };
    },
  };
}
export type VisitJobs = ReturnType<typeof createVisitJobs>;
