import type { EscalationRepository, MembershipRepository, PreferencesRepository, PushSubscriptionRepository } from "@kring/domain";
import type { Logger } from "@kring/logger";
import type { CacheInvalidations } from "@kring/redis";

type Cached = {
  memberships: MembershipRepository;
  escalations: EscalationRepository;
  preferences: PreferencesRepository;
  pushSubscriptions: PushSubscriptionRepository;
};

/** Retries of an announcement that failed (Redis away): 2 s, 4 s, … about 17 minutes in all. */
const RETRY_FIRST_MS = 2_000;
const RETRY_ATTEMPTS = 9;

/**
 * The repositories whose records the page-path caches keep (packages/wiring page-path-caches.ts:
 * the server's first page and the worker's ladder steps), wrapped so that each change, once stored,
 * stamps the record's version and tells every process to forget its copy (packages/redis
 * cache-invalidation.ts). A failed announcement is logged, not thrown (the change is stored), and
 * retried in the background: until it gets through, a cache that could still reach Redis would keep
 * answering with the copy from before the change.
 */
export function withWorkerCacheInvalidation<T extends Cached>(repositories: T, invalidations: CacheInvalidations, logger: Logger): T {
  const tell = async (scope: "circle" | "user", id: string, attempt = 0): Promise<void> => {
    try {
      await invalidations.publish(scope, id);
      if (attempt > 0) logger.info("announced a change after retrying", { scope, id, attempt });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= RETRY_ATTEMPTS) return logger.error("gave up announcing a change", { scope, id, message });
      logger.warn("could not announce a change; retrying", { scope, id, attempt, message });
      setTimeout(() => void tell(scope, id, attempt + 1), RETRY_FIRST_MS * 2 ** attempt).unref();
    }
  };
  return {
    ...repositories,
    memberships: {
      ...repositories.memberships,
      async add(membership) {
        await repositories.memberships.add(membership);
        await tell("circle", membership.circleId);
      },
      async remove(circleId, userId) {
        const wasRemoved = await repositories.memberships.remove(circleId, userId);
        await tell("circle", circleId);
        return wasRemoved;
      },
      // The last-coordinator undo (domain member-removal.ts): a list read in between lacks them.
      async reinstate(membership) {
        await repositories.memberships.reinstate(membership);
        await tell("circle", membership.circleId);
      },
    },
    escalations: {
      ...repositories.escalations,
      async save(record) {
        await repositories.escalations.save(record);
        await tell("circle", record.circleId);
      },
    },
    preferences: {
      ...repositories.preferences,
      async save(userId, preferences) {
        await repositories.preferences.save(userId, preferences);
        await tell("user", userId);
      },
    },
    pushSubscriptions: {
      ...repositories.pushSubscriptions,
      async save(subscription) {
        await repositories.pushSubscriptions.save(subscription);
        await tell("user", subscription.userId);
      },
    },
  };
}
