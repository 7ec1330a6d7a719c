import type {
  CircleRepository,
  EscalationRepository,
  MembershipRepository,
  PreferencesRepository,
  PushSubscriptionRepository,
  UserRepository,
} from "@kring/domain";
import type { Logger } from "@kring/logger";
import { createCacheVersions, subscribeCacheInvalidations } from "@kring/redis";
import type { Redis } from "ioredis";
import { readThrough } from "./read-cache";

type PagePathRepositories = {
  circles: Pick<CircleRepository, "findById">;
  users: Pick<UserRepository, "findById">;
  preferences: Pick<PreferencesRepository, "find">;
  pushSubscriptions: Pick<PushSubscriptionRepository, "listForUser">;
  memberships: Pick<MembershipRepository, "listForCircle">;
  escalations: Pick<EscalationRepository, "find">;
};

/** Bound for a change whose invalidation message was lost (a Redis blip while it was published). */
const CHANGING_TTL_MS = 60_000;
/**
 * Entries checked against their version stamp (members, ladder, preferences: what the first page
 * reads) live this long: a resident's tablet warms them when it connects, and they are still warm
 * when Help is pressed hours later. Shorter than the stamps are kept (cache-invalidation.ts).
 */
const CHECKED_TTL_MS = 24 * 3600_000;

/**
 * What paging a responder reads, cached per process, for the server's first page at the raise and
 * the worker's ladder steps: circles are never renamed; users' names barely change; memberships,
 * ladders, preferences and push subscriptions may change, and the node that stores a change says so
 * on Redis pub/sub (packages/redis cache-invalidation.ts), so every process forgets its copy at once.
 * Members, ladders and preferences are also checked against their version stamp at every read (one
 * Redis GET), so they can be kept for a day: see read-cache.ts.
 * `redis` is duplicated for the subscription (a subscribed connection can do nothing else).
 */
export function createPagePathCaches(deps: {
  repositories: PagePathRepositories;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
  /** How long one read of a version stamp answers (default 1 s; tests use 0). */
  versionTrustMs?: number;
}) {
  const { repositories } = deps;
  const versions = createCacheVersions(deps.redis, deps.redisPrefix, deps.versionTrustMs === undefined ? {} : { trustMs: deps.versionTrustMs });
  const ofCircle = (id: string, fresh: boolean) => versions.current("circle", id, { fresh });
  const ofUser = (id: string, fresh: boolean) => versions.current("user", id, { fresh });
  const circleById = readThrough((id) => repositories.circles.findById(id), { ttlMs: Infinity, limit: 20_000, keep: (c) => c !== null });
  const userById = readThrough((id) => repositories.users.findById(id), { ttlMs: CHANGING_TTL_MS, limit: 50_000, keep: (u) => u !== null });
  const preferencesOf = readThrough((id) => repositories.preferences.find(id), { ttlMs: CHECKED_TTL_MS, limit: 50_000, version: ofUser });
  const pushSubscriptionsOf = readThrough((id) => repositories.pushSubscriptions.listForUser(id), { ttlMs: CHANGING_TTL_MS, limit: 50_000 });
  const circleMembers = readThrough((id) => repositories.memberships.listForCircle(id), { ttlMs: CHECKED_TTL_MS, limit: 20_000, version: ofCircle });
  const ladderOf = readThrough((id) => repositories.escalations.find(id), { ttlMs: CHECKED_TTL_MS, limit: 20_000, version: ofCircle });

  // It waits out a Redis outage (no retry limit) rather than failing its resubscribe into an
  // unhandled rejection; meanwhile the entries expire, and it clears them all when it is back.
  const subscriber = deps.redis.duplicate({ maxRetriesPerRequest: null });
  subscriber.on("error", (error) => deps.logger.warn("cache invalidation connection error", { message: error.message }));
  // Not awaited: a process that starts while Redis is down must still start (and say so in /readyz);
  // the subscription is made when Redis is back. A change missed before that is bounded by the
  // entries' expiry (CHANGING_TTL_MS), as for a lost message.
  subscribeCacheInvalidations(subscriber, deps.redisPrefix, {
    onChange(scope, id) {
      if (scope === "circle") {
        circleMembers.forget(id);
        ladderOf.forget(id);
      } else if (scope === "user") {
        preferencesOf.forget(id);
        pushSubscriptionsOf.forget(id);
      }
    },
    onGap() {
      for (const cache of [preferencesOf, pushSubscriptionsOf, circleMembers, ladderOf]) cache.clear();
    },
  }).catch((error: unknown) =>
    deps.logger.warn("could not subscribe to cache invalidations", { message: error instanceof Error ? error.message : String(error) }),
  );

  return {
    circleById,
    userById,
    preferencesOf,
    pushSubscriptionsOf,
    circleMembers,
    ladderOf,
    /** Ends the invalidation subscription (resolves once its connection is closed). */
    close: (): Promise<void> => {
      // Only an open connection ends with an "end" event (one still reconnecting just stops), and
      // a shutdown must not hang on it: at most 2 s.
      const isOpen = subscriber.status === "ready" || subscriber.status === "connect";
      const ended = isOpen
        ? new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 2000);
            subscriber.once("end", () => {
              clearTimeout(timer);
              resolve();
            });
          })
        : Promise.resolve();
      subscriber.disconnect();
      return ended;
    },
  };
}
export type PagePathCaches = ReturnType<typeof createPagePathCaches>;
