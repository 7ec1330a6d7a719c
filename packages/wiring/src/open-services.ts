import type { ServerConfig } from "@kring/config";
import { alertIdFor, openRepositories, type Connection } from "@kring/db";
import {
  createAlertsService,
  createCheckinService,
  createFirstPager,
  createPager,
  createVisitJobs,
  createVisitsService,
  toPlan,
  warmFirstPage,
  type PageRequest,
  type RealtimePublisher,
  type VisitScheduling,
} from "@kring/domain";
import type { Logger } from "@kring/logger";
import { createQueues, createReminderClaims, createRoomPublisher, createVisitQueues, type RoomEmitter } from "@kring/redis";
import type { Redis } from "ioredis";
import { createPagePathCaches, type PagePathCaches } from "./page-path-caches";
import { loadVapidKeys } from "./vapid-keys";

/** The settings both processes read to open their services (both configs have them). */
export type ServicesConfig = Pick<ServerConfig, "redisPrefix" | "notificationAttempts" | "notificationBackoffMs">;

/** Every repository, as the database opens them. */
export type StoredRepositories = Awaited<ReturnType<typeof openRepositories>>["repositories"];

/** The channels other than in-app; whether one can reach a recipient decides whether its job is queued. */
type OtherChannel = "push" | "email" | "sms";

/**
 * What only a server node adds: it answers people, so its alerts service reads the stored records
 * (a ladder edit must see the last one), pages the first responder at the raise itself, its check-in
 * service keeps the check-in schedules in step, and it queues a visit's reminders at each change.
 */
type ServerSide = {
  process: "server";
  /** After each `alert:update` is published (the conversation's alert lines, issue #9). */
  afterAlertUpdated: (alert: Parameters<RealtimePublisher["alertUpdated"]>[0]) => void;
  /** After the first page at the raise went out (the raise → page metric). */
  onFirstPaged: (request: PageRequest) => void;
  /** Replaces queuing reminders and missed-visit checks on the visit queue (default: queue them). */
  visitScheduling?: VisitScheduling | undefined;
};

/**
 * What only the worker adds: its ladder steps read the page-path caches and emit their in-app
 * pages themselves, queuing only the channels that can reach the recipient.
 */
type WorkerSide = {
  process: "worker";
  canReach: (channel: OtherChannel, userId: string, caches: PagePathCaches) => Promise<boolean>;
  /** After each page (the raise → page metric of each ladder step). */
  onPaged: (request: PageRequest) => void;
};

/**
 * Opens what the server and the worker both run on — the repositories, the queues, the page-path
 * caches, the Web Push keys, the room publisher, the pagers, the alerts service, the check-in service,
 * the visits service and the visits' jobs — from a database connection, a Redis client, the config and the clock.
 * Each composition root keeps only what is its own: express routes and Socket.IO handlers
 * (apps/server create-app.ts), BullMQ processors (apps/worker create-worker.ts).
 *
 * `rooms` is where the publisher emits: the Redis emitter in the worker; on a server node a forwarder
 * to its Socket.IO server, which is made after this (it needs the repositories to authenticate
 * sockets) — nothing is published while the services are opened.
 */
export async function openServices<R extends StoredRepositories = StoredRepositories>(deps: {
  connection: Connection;
  redis: Redis;
  config: ServicesConfig;
  logger: Logger;
  now: () => Date;
  rooms: RoomEmitter;
  /**
   * A server node's own layer over the stored repositories (its membership cache, the announcements
   * of changes to what the worker caches); the worker keeps the stored ones and reads through its caches.
   */
  decorateRepositories: (stored: StoredRepositories) => R;
  side: ServerSide | WorkerSide;
}) {
  const { config, logger, now, side } = deps;
  const opened = await openRepositories(deps.connection);
  for (const warning of opened.layoutWarnings) logger.warn("storage layout", { warning });
  const repositories = deps.decorateRepositories(opened.repositories);
  const queues = createQueues({
    connection: deps.redis,
    prefix: config.redisPrefix,
    notificationAttempts: config.notificationAttempts,
    notificationBackoffMs: config.notificationBackoffMs,
  });
  const visitQueues = createVisitQueues({ connection: deps.redis, prefix: config.redisPrefix });
  const vapidKeys = await loadVapidKeys(repositories.getOrCreateSetting);

  // What paging a responder reads, cached per process and forgotten when a server announces a
  // change (page-path-caches.ts): the server's first page at the raise and the worker's steps.
  const caches = createPagePathCaches({ repositories, redis: deps.redis, redisPrefix: config.redisPrefix, logger });
  const cachedRepositories = {
    ...repositories,
    circles: { ...repositories.circles, findById: caches.circleById },
    users: { ...repositories.users, findById: caches.userById },
    preferences: { ...repositories.preferences, find: caches.preferencesOf },
    memberships: { ...repositories.memberships, listForCircle: caches.circleMembers },
    escalations: { ...repositories.escalations, find: caches.ladderOf },
  };
  const circleName = async (circleId: string) => (await caches.circleById(circleId))?.name ?? null;

  // One publisher for both processes (packages/redis room-publisher.ts).
  const roomPublisher = createRoomPublisher(deps.rooms, {
    // Issue #11: volunteers are in no circle room; they hear of the open and their own visits only.
    memberships: repositories.memberships,
    onError: (error) => logger.warn("could not tell a circle's volunteers about a visit", { message: String(error) }),
  });
  const afterAlertUpdated = side.process === "server" ? side.afterAlertUpdated : undefined;
  const publisher: typeof roomPublisher = afterAlertUpdated
    ? {
        ...roomPublisher,
        alertUpdated(alert) {
          roomPublisher.alertUpdated(alert);
          afterAlertUpdated(alert);
        },
      }
    : roomPublisher;

  /** The short path: emits the in-app page itself and queues only the channels that can reach. */
  const createDirectPager = (canReach: (channel: OtherChannel, userId: string) => Promise<boolean>) =>
    createPager({ preferences: cachedRepositories.preferences, queue: queues.notifications, now, direct: { publisher, circleName, canReach } });

  function createAlerts() {
    if (side.process === "worker") {
      const pager = createDirectPager((channel, userId) => side.canReach(channel, userId, caches));
      return createAlertsService({
        ...cachedRepositories,
        scheduler: queues.escalations,
        publisher,
        page: async (request) => {
          await pager(request);
          side.onPaged(request);
        },
        now,
      });
    }
    // The first page's short path: in-app only; the worker's step 0 sends the other channels once the page is stored.
    const firstPager = createDirectPager(async () => false);
    const firstPage = createFirstPager({
      idFor: (draft) => alertIdFor(draft.circleId, draft.raisedBy, draft.clientId).toHexString(),
      claimOnce: async (alertId) => (await deps.redis.set(`${config.redisPrefix}:first-page:${alertId}`, "1", "PX", 3_600_000, "NX")) === "OK",
      escalations: cachedRepositories.escalations,
      memberships: cachedRepositories.memberships,
      page: async (request) => {
        await firstPager(request);
        side.onFirstPaged(request);
      },
    });
    return createAlertsService({
      ...repositories,
      // The membership check of a raise, claim or resolve reads the circle's member list from the
      // page-path cache: checked against its version stamp at every call, so it is as current as the
      // node's own membership cache (a removal stamps it) and still in memory when Help is pressed
      // hours after the tablet connected, where the membership cache's 2 minutes have long run out.
      memberships: { ...repositories.memberships, find: async (circleId, userId) => (await caches.circleMembers(circleId)).find((m) => m.userId === userId) ?? null },
      scheduler: queues.escalations,
      publisher,
      page: createPager({ preferences: repositories.preferences, queue: queues.notifications, now }),
      firstPage,
      now,
    });
  }
  const alerts = createAlerts();

  /** A resident's tablet connected: load what its Help's first page reads (server nodes call it). */
  const warmFirstPageOf = (circleId: string, raisedBy: string) =>
    warmFirstPage({ ...cachedRepositories, circleName }, circleId, raisedBy).catch((error: unknown) =>
      logger.warn("could not load a circle's first-page path", { circleId, message: error instanceof Error ? error.message : String(error) }),
    );

  // The daily check-in: a missed one is raised, and "I'm OK" resolves it, through the alerts service.
  const checkin = createCheckinService({
    checkins: repositories.checkins,
    memberships: repositories.memberships,
    alerts: {
      raiseMissedCheckin: (input) => alerts.raiseMissedCheckin(input),
      resolveMissedCheckins: (input) => alerts.resolveMissedCheckins(input),
    },
    // Only a server node sets schedules; the worker re-creates the deadline jobs at start.
    ...(side.process === "server" ? { checkinScheduler: queues.checkins } : {}),
    now,
  });

  // Visits and tasks (issue #10): reminders and missed-visit checks are queued at every change
  // (on a server node) and run by the worker.
  const visits = createVisitsService({
    ...repositories,
    visitsPublisher: roomPublisher,
    ...(side.process === "server" ? { scheduling: side.visitScheduling ?? queueVisitJobs() } : {}),
    now,
  });
  // visitJobs reads occurrences through the visits service, and the server's scheduling hook above
  // reaches visitJobs: each is late-bound to the other.
  const visitJobs = createVisitJobs({
    findOccurrence: (occurrenceId) => visits.findOccurrence(occurrenceId),
    findPlan: async (planId) => {
      const plan = await repositories.plans.findById(planId);
      return plan && plan.deletedAt === null ? toPlan(plan) : null;
    },
    scheduler: visitQueues.scheduler,
    claimReminderOnce: createReminderClaims(deps.redis, config.redisPrefix),
    alerts: { raiseMissedVisit: (input) => alerts.raiseMissedVisit(input), resolveMissedVisit: (input) => alerts.resolveMissedVisit(input) },
    preferences: side.process === "worker" ? cachedRepositories.preferences : repositories.preferences,
    queue: queues.notifications,
    publisher,
    circleName,
    now,
  });

  /**
   * The change is stored and announced by then: a failure here (Redis away) is logged, not answered
   * as a failed request that a client would repeat (a repeated POST would plan the visit twice).
   */
  function queueVisitJobs(): VisitScheduling {
    return {
      planChanged: (plan, change) =>
        visitJobs.scheduling.planChanged(plan, change).catch((error: unknown) => logger.error("could not queue a plan's reminders and checks", error)),
      occurrenceChanged: (occurrence) =>
        visitJobs.scheduling.occurrenceChanged(occurrence).catch((error: unknown) => logger.error("could not queue an occurrence's reminder and check", error)),
    };
  }

  /** Ends the cache subscription and closes the queues (the Redis client and the connection are the caller's). */
  async function close() {
    await caches.close();
    await queues.close();
    await visitQueues.close();
  }

  return { repositories, cachedRepositories, queues, visitQueues, caches, vapidKeys, publisher, alerts, warmFirstPage: warmFirstPageOf, checkin, visits, visitJobs, close };
}
export type Services = Awaited<ReturnType<typeof openServices>>;
