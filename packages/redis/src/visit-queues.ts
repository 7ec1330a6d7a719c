import type { VisitJobScheduler } from "@kring/domain";
import { JobName, QueueName, type VisitHorizonJob, type VisitMissedCheckJob, type VisitReminderJob } from "@kring/protocol";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** BullMQ ids may not contain ":" (see jobIdOf in index.ts); an occurrence id has one, a start several. */
const idOf = (...parts: (string | number)[]) => parts.map((p) => String(p).replaceAll(":", "_")).join("-");

/** Completed jobs are kept two days (longer than the horizon), so a re-queued id is still known as done. */
const keepCompleted = { age: 48 * 3600, count: 100_000 };
const keepFailed = { age: 7 * 24 * 3600 };
const retries = { attempts: 8, backoff: { type: "exponential", delay: 1000 } };

/** The visits queue (issue #10): reminders, missed-visit checks and each plan's horizon runs. */
export function createVisitQueues(options: { connection: Redis; prefix: string }) {
  const queue = new Queue<VisitReminderJob | VisitMissedCheckJob | VisitHorizonJob>(QueueName.visits, {
    connection: options.connection,
    prefix: options.prefix,
  });
  const scheduler: VisitJobScheduler = {
    async scheduleReminder(job, delayMs) {
      await queue.add(JobName.visitReminder, job, {
        jobId: idOf("visit-reminder", job.occurrenceId, job.start, job.assigneeId, job.reminderMinutes),
        delay: Math.max(0, delayMs),
        ...retries,
        removeOnComplete: keepCompleted,
        removeOnFail: keepFailed,
      });
    },
    async scheduleMissedCheck(job, delayMs) {
      await queue.add(JobName.visitMissedCheck, job, {
        jobId: idOf("visit-missed", job.occurrenceId, job.start, job.lateAfterMinutes),
        delay: Math.max(0, delayMs),
        ...retries,
        removeOnComplete: keepCompleted,
        removeOnFail: keepFailed,
      });
    },
    async scheduleHorizon(job, runKey, delayMs) {
      await queue.add(JobName.visitHorizon, job, {
        jobId: idOf("visit-horizon", job.planId, runKey),
        delay: Math.max(0, delayMs),
        ...retries,
        removeOnComplete: keepCompleted,
        removeOnFail: keepFailed,
      });
    },
  };
  return { queue, scheduler, close: () => queue.close() };
}
export type VisitQueues = ReturnType<typeof createVisitQueues>;

/** "This reminder went out": SET NX with a week's expiry (longer than any job could wait to re-run). */
export function createReminderClaims(redis: Redis, prefix: string) {
  return async (key: string) => (await redis.set(`${prefix}:visit-reminder-sent:${key}`, "1", "EX", 7 * 24 * 3600, "NX")) === "OK";
}
