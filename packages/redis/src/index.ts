import type {
  DigestScheduler,
  EscalationScheduler,
  InvitationMailQueue,
  NotificationQueue,
} from "@kring/domain";
import {
  type CheckinDeadlineJob,
  type DeliverNotificationJob,
  type EscalationStepJob,
  type InvitationEmailJob,
  JobName,
  type PasswordResetEmailJob,
  type MessageDigestJob,
  type CircleActivityJob,
  QueueName,
} from "@kring/protocol";
import { type JobsOptions, Queue } from "bullmq";
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

// BullMQ implementations of the domain's scheduling ports, shared by the server (which raises
// alerts and posts messages) and the worker (which runs the steps). Job ids are deterministic,
// so adding the same job twice is one job: that is what makes retries and re-runs harmless.

export type QueueOptions = {
  connection: Redis;
  /** Redis key prefix; tests use a random one so they never see each other's jobs. */
  prefix: string;
  notificationAttempts: number;
  notificationBackoffMs: number;
};

/** BullMQ ids may not contain ":" (its key separator); ours are joined with "-". */
export const jobIdOf = (...parts: (string | number)[]) => parts.map((p) => String(p).replaceAll(":", "_")).join("-");

const channelRank = { in_app: 1, push: 2, sms: 3, email: 4 } as const;
/**
 * BullMQ priority (1 = first): urgent pages before routine notices, and within each the fastest
 * channel first, so a burst of alerts shows up in the responders' apps before the emails go out.
 */
export const priorityOf = (job: DeliverNotificationJob) => (job.urgent ? 0 : 10) + channelRank[job.channel];

/** Completed jobs are kept a day so a re-added id is still recognised as done. */
const keepCompleted = { age: 24 * 3600, count: 50_000 };
const keepFailed = { age: 7 * 24 * 3600 };

export function createQueues(options: QueueOptions) {
  const common = { connection: options.connection, prefix: options.prefix };
  const queues = {
    alerts: new Queue<EscalationStepJob>(QueueName.alerts, common),
    notifications: new Queue<DeliverNotificationJob>(QueueName.notifications, common),
    digests: new Queue<CircleActivityJob | MessageDigestJob>(QueueName.digests, common),
    checkins: new Queue<CheckinDeadlineJob>(QueueName.checkins, common),
  };

  const escalations: EscalationScheduler = {
    async scheduleStep(job, delayMs) {
      await queues.alerts.add(JobName.escalationStep, job, {
        jobId: `${job.alertId}-${job.step}`,
        delay: Math.max(0, delayMs),
        // A step must run even if Redis or the worker hiccups: retry quickly, many times.
        attempts: 10,
        backoff: { type: "exponential", delay: 500 },
        removeOnComplete: keepCompleted,
        removeOnFail: keepFailed,
      });
    },
  };

  const notificationOptions = (delayMs: number): JobsOptions => ({
    delay: Math.max(0, delayMs),
    attempts: options.notificationAttempts,
    backoff: { type: "exponential", delay: options.notificationBackoffMs },
    removeOnComplete: keepCompleted,
    removeOnFail: keepFailed,
  });

  const notifications: NotificationQueue = {
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      await queues.notifications.addBulk(
        jobs.map(({ job, delayMs }) => ({
          name: JobName.deliverNotification,
          data: job,
          opts: {
            ...notificationOptions(delayMs),
            jobId: jobIdOf(job.sourceId, job.recipientId, job.channel),
            priority: priorityOf(job),
          },
        })),
      );
    },
  };

  // Invitation mails ride on the notifications queue (the same workers and retries); a second
  // handle keeps each job type typed.
  const invitationQueue = new Queue<InvitationEmailJob>(QueueName.notifications, common);
  const invitationMail: InvitationMailQueue = {
    /**
     * One mail per code, address and minute: a double click sends once, a later "send again"
     * sends again. The address is hashed: job ids are visible in queue tools.
     */
    async enqueue(job) {
      const address = createHash("sha256").update(job.to).digest("hex").slice(0, 16);
      await invitationQueue.add(JobName.invitationEmail, job, {
        ...notificationOptions(0),
        jobId: jobIdOf("invitation", job.code, address, Math.floor(Date.now() / 60_000)),
        // Done is done: the address need not stay in Redis for a day.
        removeOnComplete: true,
      });
    },
  };

  // Password reset links (issue #11) ride on the same queue; one job per token, removed once sent
  // (the job carries the token, which must not linger in Redis).
  const passwordResetQueue = new Queue<PasswordResetEmailJob>(QueueName.notifications, common);
  const passwordResetMail = {
    async enqueue(job: PasswordResetEmailJob) {
      const tokenId = createHash("sha256").update(job.token).digest("hex").slice(0, 16);
      await passwordResetQueue.add(JobName.passwordResetEmail, job, {
        ...notificationOptions(0),
        jobId: jobIdOf("password-reset", tokenId),
        removeOnComplete: true,
        removeOnFail: true,
      });
    },
  };

  const digests: DigestScheduler & { circleActivity(job: CircleActivityJob, delayMs: number): Promise<void> } = {
    async scheduleDigest(job, delayMs) {
      await queues.digests.add(JobName.messageDigest, job, {
        jobId: jobIdOf("digest", job.circleId, job.userId, job.windowStart),
        delay: Math.max(0, delayMs),
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: keepCompleted,
        removeOnFail: keepFailed,
      });
    },
    async circleActivity(job, delayMs) {
      await queues.digests.add(JobName.circleActivity, job, {
        jobId: jobIdOf("activity", job.circleId, job.windowStart),
        delay: Math.max(0, delayMs),
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: keepCompleted,
        removeOnFail: keepFailed,
      });
    },
  };

  const checkins = {
    /** One BullMQ job scheduler per circle, firing daily at the deadline in the circle's time zone. */
    async schedule(circleId: string, schedule: { deadline: string; timeZone: string; enabled: boolean }) {
      const schedulerId = jobIdOf("checkin", circleId);
      if (!schedule.enabled) {
        await queues.checkins.removeJobScheduler(schedulerId);
        return;
      }
      const [hours, minutes] = schedule.deadline.split(":").map(Number);
      await queues.checkins.upsertJobScheduler(
        schedulerId,
        { pattern: `${minutes} ${hours} * * *`, tz: schedule.timeZone },
        {
          name: JobName.checkinDeadline,
          data: { circleId },
          opts: { attempts: 5, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: keepCompleted, removeOnFail: keepFailed },
        },
      );
    },
    /** Runs a deadline check now (tests, and the worker's catch-up at start). */
    async runNow(circleId: string, id: string) {
      await queues.checkins.add(JobName.checkinDeadline, { circleId }, { jobId: jobIdOf("checkin-now", circleId, id), removeOnComplete: keepCompleted });
    },
  };

  async function counts() {
    const entries = await Promise.all(
      Object.values(queues).map(async (queue) => {
        const c = await queue.getJobCounts("waiting", "active", "delayed", "failed", "completed");
        return [
          queue.name,
          { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 },
        ] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  async function close() {
    await Promise.all([...Object.values(queues), invitationQueue, passwordResetQueue].map((queue) => queue.close()));
  }

  return { queues, escalations, notifications, invitationMail, passwordResetMail, digests, checkins, counts, close };
}
export type KringQueues = ReturnType<typeof createQueues>;

export {
  type CacheInvalidations,
  type CacheScope,
  type CacheVersions,
  createCacheInvalidations,
  createCacheVersions,
  subscribeCacheInvalidations,
} from "./cache-invalidation";
export { createRoomPublisher, type RoomEmitter } from "./room-publisher";
export { createMessageCache, messageHintKey, messageOwnSeqKey, messageWindowKey, RECENT_WINDOW } from "./message-cache";
export { createPresenceReader, createPresenceTracker, type PresenceTracker } from "./presence";
export { createCalendarFeedLimits, createRateLimits, type LimitSpec, type RateLimits } from "./rate-limits";

/** The Socket.IO Redis adapter's and emitter's key, so server nodes and the worker meet. */
export const socketIoRedisKey = (prefix: string) => `${prefix}:socket.io`;

export { circleRoom, teamRoom, threadRoom, userRoom } from "./rooms";
export { createReminderClaims, createVisitQueues, type VisitQueues } from "./visit-queues";
export { accessHashKey, accessPendingKey, createAccessAggregator, createPrivacyQueue, createWindowForgetter, PRIVACY_QUEUE } from "./privacy";
