import type { EscalationRepository, MembershipRepository, PreferencesRepository, PushSubscriptionRepository } from "@kring/domain";
import type { Logger } from "@kring/logger";
import type { CacheInvalidations } from "@kring/redis";

type Cached = {
  memberships: MembershipRepository;
  escalations: EscalationRepository;
  preferences: PreferencesRepository;
  pushSubscriptions: PushSubscriptionRepository;
};

/**
 * The repositories whose records the worker caches for its ladder steps, wrapped so that each
 * change, once stored, tells the workers to forget their copy (packages/redis cache-invalidation.ts).
 * A failed publish is logged, not thrown: the change is stored, and the worker's copy expires.
 */
export function withWorkerCacheInvalidation<T extends Cached>(repositories: T, invalidations: CacheInvalidations, logger: Logger): T {
  const tell = (scope: "circle" | "user", id: string) =>
    invalidations.publish(scope, id).catch((error: unknown) =>
      logger.warn("could not tell the workers about a change", { scope, id, message: error instanceof Error ? error.message : String(error) }),
    );
  return {
    ...repositories,
    memberships: {
      ...repositories.memberships,
      async add(membership) {
        await repositories.memberships.add(membership);
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
