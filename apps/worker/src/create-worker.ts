import type { WorkerConfig } from "@kring/config";
import type { Connection } from "@kring/db";
import { createDelivery, createDigests } from "@kring/domain";
import type { ServerToClientEvents } from "@kring/protocol";
import { JobName, QueueName } from "@kring/protocol";
import { createMessageCache, createPresenceReader, socketIoRedisKey } from "@kring/redis";
import { Emitter } from "@socket.io/redis-emitter";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { ZodError } from "zod";
import { createEmailChannel } from "./channels/email.channel";
import { createInAppChannel } from "./channels/in-app.channel";
import { createPushChannel, type PushTransport } from "./channels/push.channel";
import { createSmsWebhookChannel } from "./channels/sms.channel";
import { processCheckinDeadline } from "./jobs/checkin-deadline.job";
import { processDeliverNotification } from "./jobs/deliver-notification.job";
import { processEscalationStep } from "./jobs/escalation-step.job";
import { processMessageDigest } from "./jobs/message-digest.job";
import { processCircleActivity } from "./jobs/circle-activity.job";
import { processInvitationEmail } from "./jobs/invitation-email.job";
import { createPrivacyJobs } from "./jobs/privacy-maintenance.job";
import { createPrivacyQueue, PRIVACY_QUEUE } from "@kring/redis";
import { processPasswordResetEmail } from "./jobs/password-reset-email.job";
import { createWorkerMetrics } from "@kring/metrics";
import { openServices } from "@kring/wiring";
import { processVisitHorizon, processVisitMissedCheck, processVisitReminder } from "./jobs/visit-jobs.job";
import type { Logger } from "@kring/logger";

export type WorkerAppConfig = Pick<
  WorkerConfig,
  | "redisPrefix"
  | "notificationAttempts"
  | "notificationBackoffMs"
  | "appUrl"
  | "vapidSubject"
  | "smtpUrl"
  | "mailFrom"
  | "smsWebhookUrl"
  | "smsWebhookToken"
  | "concurrency"
>;

/**
 * Builds the BullMQ workers and their processors. Each processor is a plain function of
 * (payload, dependencies) in jobs/; this file is only the wiring. `now` is injectable so tests
 * can run a check-in deadline "tomorrow".
 */
export async function createWorkerApp(deps: {
  config: WorkerAppConfig;
  connection: Connection;
  /** Must have maxRetriesPerRequest: null (BullMQ workers block on Redis). */
  redis: Redis;
  logger: Logger;
  now?: () => Date;
  /** How push services are reached; production uses DNS and public addresses only. */
  pushTransport?: PushTransport;
  /** Also export process metrics (CPU, memory, event loop): main.ts does; tests, with many apps in one process, don't. */
  collectDefaultMetrics?: boolean;
}) {
  const { config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = createWorkerMetrics({ collectDefaults: deps.collectDefaultMetrics ?? false });
  // What the server opens too (packages/wiring open-services.ts); the publisher goes over the Redis emitter.
  const services = await openServices({
    connection: deps.connection,
    redis: deps.redis,
    config,
    logger,
    now,
    rooms: new Emitter<ServerToClientEvents>(deps.redis, { key: socketIoRedisKey(config.redisPrefix) }),
    // The stored repositories as they are: the server announces its changes, the worker reads through caches.
    decorateRepositories: (stored) => stored,
    side: {
      process: "worker",
      async canReach(channel, userId, caches) {
        if (channel === "push") return (await caches.pushSubscriptionsOf(userId)).length > 0;
        if (channel === "sms") return config.smsWebhookUrl !== undefined;
        const user = await caches.userById(userId);
        // Managed accounts (a resident's tablet) have a placeholder address that no mail reaches.
        return config.smtpUrl !== undefined && user !== null && user.email !== "" && !user.email.endsWith(".invalid");
      },
      onPaged(request) {
        // A step pages in two calls (the in-app page first, the other channels after the page's insert).
        if (request.kind !== "alert_page" || request.channels === "others") return;
        // Raise → page of each ladder step, once the in-app page is out (steps past 3 share a label).
        const step = request.alert.paged.length - 1;
        const seconds = (now().getTime() - Date.parse(request.alert.createdAt)) / 1000;
        metrics.raiseToPageSeconds.observe({ step: step >= 3 ? "3+" : String(step) }, Math.max(0, seconds));
      },
    },
  });
  const { repositories, cachedRepositories, queues, publisher, alerts, checkin, visitJobs, vapidKeys } = services;

  const email = createEmailChannel({ smtpUrl: config.smtpUrl, from: config.mailFrom, appUrl: config.appUrl });
  const channels = {
    in_app: createInAppChannel(publisher),
    push: createPushChannel({
      subscriptions: repositories.pushSubscriptions,
      vapid: { subject: config.vapidSubject, ...vapidKeys },
      ...(deps.pushTransport ? { transport: deps.pushTransport } : {}),
    }),
    email,
    sms: createSmsWebhookChannel({ url: config.smsWebhookUrl, token: config.smsWebhookToken }),
  };

  const digests = createDigests({
    ...repositories,
    messageCache: createMessageCache(deps.redis, config.redisPrefix),
    presence: createPresenceReader(deps.redis, config.redisPrefix),
    digests: queues.digests,
    queue: queues.notifications,
    now,
  });
  const deliver = createDelivery({ ...cachedRepositories, channels, now });
  // Issue #11: the access log's flush and the daily retention run (jobs/privacy-maintenance.job.ts).
  const privacy = createPrivacyJobs({ repositories, redis: deps.redis, redisPrefix: config.redisPrefix, logger, now });
  const privacyQueue = createPrivacyQueue(deps.redis, config.redisPrefix);

  const handlers: Record<string, (payload: unknown) => Promise<unknown>> = {
    [JobName.escalationStep]: (payload) => processEscalationStep(payload, { alerts }),
    [JobName.deliverNotification]: (payload) => processDeliverNotification(payload, { deliver }),
    [JobName.circleActivity]: (payload) => processCircleActivity(payload, digests),
    [JobName.messageDigest]: (payload) => processMessageDigest(payload, digests),
    [JobName.checkinDeadline]: (payload) => processCheckinDeadline(payload, { checkin }),
    [JobName.invitationEmail]: (payload) => processInvitationEmail(payload, email),
    [JobName.visitReminder]: (payload) => processVisitReminder(payload, { visitJobs }),
    [JobName.visitMissedCheck]: (payload) => processVisitMissedCheck(payload, { visitJobs }),
    [JobName.visitHorizon]: (payload) => processVisitHorizon(payload, { visitJobs }),
    [JobName.accessLogFlush]: () => privacy.flushAccessLog(),
    [JobName.privacyDaily]: () => privacy.runDaily(),
    [JobName.passwordResetEmail]: (payload) => processPasswordResetEmail(payload, email),
  };

  async function processJob(job: Job) {
    const handler = handlers[job.name];
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    try {
      return await handler(job.data);
    } catch (error) {
      // A payload that doesn't parse will never parse: straight to the dead letters.
      if (error instanceof ZodError) throw new UnrecoverableError(`invalid ${job.name} payload: ${error.message}`);
      throw error;
    }
  }

  const workerOptions = { connection: deps.redis, prefix: config.redisPrefix, concurrency: config.concurrency };
  const workers = [QueueName.alerts, QueueName.notifications, QueueName.digests, QueueName.checkins, QueueName.visits, PRIVACY_QUEUE].map(
    (name) => new Worker(name, processJob, workerOptions),
  );

  for (const worker of workers) {
    worker.on("completed", () => metrics.jobsCompleted.inc({ queue: worker.name }));
    worker.on("error", (error) => logger.warn("worker error", { queue: worker.name, message: error.message }));
    worker.on("failed", (job, error) => {
      metrics.jobsFailed.inc({ queue: worker.name });
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      const isFinal = job.attemptsMade >= attempts || error instanceof UnrecoverableError || error.name === "UnrecoverableError";
      logger.warn("job failed", { queue: worker.name, job: job.name, id: job.id, attempt: job.attemptsMade, isFinal, message: error.message });
      if (!isFinal) return;
      const data = job.data as { circleId?: string; channel?: string; recipientId?: string };
      void repositories.deadLetters
        .insert({
          id: `${worker.name}:${job.id}`,
          queue: worker.name,
          jobName: job.name,
          jobId: String(job.id),
          circleId: typeof data.circleId === "string" && /^[0-9a-f]{24}$/.test(data.circleId) ? data.circleId : null,
          channel: (["in_app", "push", "email", "sms"] as const).find((c) => c === data.channel) ?? null,
          recipientId: typeof data.recipientId === "string" && /^[0-9a-f]{24}$/.test(data.recipientId) ? data.recipientId : null,
          error: error.message.slice(0, 1000),
          attempts: job.attemptsMade,
          failedAt: now(),
        })
        .catch((insertError: unknown) => logger.error("could not record a dead letter", insertError));
    });
  }

  // If Redis lost its data, the daily check-in schedulers come back from the database.
  // A maintenance scan, once per start (see CheckinRepository).
  for (const schedule of await repositories.checkins.maintenanceListEnabledSchedules()) {
    await queues.checkins.schedule(schedule.circleId, schedule);
  }
  await privacyQueue.scheduleRecurring();
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));

  /** Graceful: lets active jobs finish (BullMQ's close waits for them), then disconnects. */
  async function close() {
    await Promise.all(workers.map((worker) => worker.close()));
    await services.close();
    await privacyQueue.close();
    email.close();
  }

  return { close, queues, workers, metrics, services: { alerts, checkin, digests, deliver, visitJobs, privacy } };
}
