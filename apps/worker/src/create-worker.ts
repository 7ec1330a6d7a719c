import type { WorkerConfig } from "@kring/config";
import { type Connection, openRepositories } from "@kring/db";
import {
  createAlertsService,
  createDelivery,
  createDigests,
  createPager,
  type RealtimePublisher,
} from "@kring/domain";
import type { ServerToClientEvents } from "@kring/protocol";
import { JobName, QueueName } from "@kring/protocol";
import { circleRoom, createMessageCache, createPresenceReader, createQueues, socketIoRedisKey, userRoom } from "@kring/queues";
import { Emitter } from "@socket.io/redis-emitter";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import webpush from "web-push";
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
import { readThrough } from "./read-cache";
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
}) {
  const { config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const { repositories, layoutWarnings } = await openRepositories(deps.connection);
  for (const warning of layoutWarnings) logger.warn("storage layout", { warning });
  const queues = createQueues({
    connection: deps.redis,
    prefix: config.redisPrefix,
    notificationAttempts: config.notificationAttempts,
    notificationBackoffMs: config.notificationBackoffMs,
  });

  const emitter = new Emitter<ServerToClientEvents>(deps.redis, { key: socketIoRedisKey(config.redisPrefix) });
  const publisher: RealtimePublisher = {
    alertUpdated: (alert) => emitter.to(circleRoom(alert.circleId)).emit("alert:update", alert),
    notify: (userId, notification) => emitter.to(userRoom(userId)).emit("notification", notification),
  };

  // Reads on the page path, cached per process (see read-cache.ts): circles are never renamed and
  // alert records never change (the alerts repository caches those itself); users, memberships,
  // ladders, preferences and push subscriptions may change, so they live a few seconds only (a
  // changed ladder or preference applies to pages from at most 5 s later).
  const circleById = readThrough((id) => repositories.circles.findById(id), { ttlMs: Infinity, limit: 20_000, keep: (c) => c !== null });
  const userById = readThrough((id) => repositories.users.findById(id), { ttlMs: 60_000, limit: 50_000, keep: (u) => u !== null });
  const preferencesOf = readThrough((id) => repositories.preferences.find(id), { ttlMs: 5_000, limit: 50_000 });
  const pushSubscriptionsOf = readThrough((id) => repositories.pushSubscriptions.listForUser(id), { ttlMs: 5_000, limit: 50_000 });
  const circleMembers = readThrough((id) => repositories.memberships.listForCircle(id), { ttlMs: 5_000, limit: 20_000 });
  const ladderOf = readThrough((id) => repositories.escalations.find(id), { ttlMs: 5_000, limit: 20_000 });
  const cached = {
    ...repositories,
    circles: { ...repositories.circles, findById: circleById },
    users: { ...repositories.users, findById: userById },
    preferences: { ...repositories.preferences, find: preferencesOf },
    memberships: { ...repositories.memberships, listForCircle: circleMembers },
    escalations: { ...repositories.escalations, find: ladderOf },
  };
  const canReach = async (channel: "push" | "email" | "sms", userId: string) => {
    if (channel === "push") return (await pushSubscriptionsOf(userId)).length > 0;
    if (channel === "sms") return config.smsWebhookUrl !== undefined;
    const user = await userById(userId);
    // Managed accounts (a resident's tablet) have a placeholder address that no mail reaches.
    return config.smtpUrl !== undefined && user !== null && user.email !== "" && !user.email.endsWith(".invalid");
  };

  const vapidKeys = await repositories.getOrCreateSetting("vapid", () => webpush.generateVAPIDKeys());
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

  const alerts = createAlertsService({
    ...cached,
    scheduler: queues.escalations,
    publisher,
    // The short path: the step emits the in-app page itself and queues only channels that can reach.
    page: createPager({
      preferences: cached.preferences,
      queue: queues.notifications,
      now,
      direct: { publisher, circleName: async (id) => (await circleById(id))?.name ?? null, canReach },
    }),
    now,
  });
  const digests = createDigests({
    ...repositories,
    messageCache: createMessageCache(deps.redis, config.redisPrefix),
    presence: createPresenceReader(deps.redis, config.redisPrefix),
    digests: queues.digests,
    queue: queues.notifications,
    now,
  });
  const deliver = createDelivery({ ...cached, channels, now });

  const handlers: Record<string, (payload: unknown) => Promise<unknown>> = {
    [JobName.escalationStep]: (payload) => processEscalationStep(payload, { alerts }),
    [JobName.deliverNotification]: (payload) => processDeliverNotification(payload, { deliver }),
    [JobName.circleActivity]: (payload) => processCircleActivity(payload, digests),
    [JobName.messageDigest]: (payload) => processMessageDigest(payload, digests),
    [JobName.checkinDeadline]: (payload) => processCheckinDeadline(payload, { alerts }),
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
  const workers = [QueueName.alerts, QueueName.notifications, QueueName.digests, QueueName.checkins].map(
    (name) => new Worker(name, processJob, workerOptions),
  );

  for (const worker of workers) {
    worker.on("error", (error) => logger.warn("worker error", { queue: worker.name, message: error.message }));
    worker.on("failed", (job, error) => {
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
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));

  /** Graceful: lets active jobs finish (BullMQ's close waits for them), then disconnects. */
  async function close() {
    await Promise.all(workers.map((worker) => worker.close()));
    await queues.close();
    email.close();
  }

  return { close, queues, workers, services: { alerts, digests, deliver } };
}
export type WorkerApp = Awaited<ReturnType<typeof createWorkerApp>>;
