import type { MembershipRecord, MembershipRepository } from "./circles.ports";

/**
 * Memberships are checked on every event. On FerretDB's SQLite backend a query costs several
 * milliseconds, which made the membership check the most expensive part of a send; this keeps a
 * member's positive answer for `ttlMs`. Misses are never cached, so someone who just joined is
 * never refused; additions on this node replace the entry at once. A member removed on another
 * node is forgotten through `forget`, which every server node calls on the announced removal
 * (issue #11); `ttlMs` bounds only an announcement lost to a Redis outage.
 */
export function createCachedMemberships(
  repository: MembershipRepository,
  options: { ttlMs: number; maxEntries?: number; now?: () => number },
): MembershipRepository & { forget(circleId: string, userId: string): void; forgetAll(): void } {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const cache = new Map<string, { membership: MembershipRecord; expiresAt: number }>();
  const key = (circleId: string, userId: string) => `${circleId}:${userId}`;

  return {
    ...repository,
    async add(membership) {
      await repository.add(membership);
      cache.delete(key(membership.circleId, membership.userId));
    },
    async find(circleId, userId) {
      const hit = cache.get(key(circleId, userId));
      if (hit && hit.expiresAt > now()) return hit.membership;
      const membership = await repository.find(circleId, userId);
      if (membership) {
        if (cache.size >= maxEntries) cache.clear();
        cache.set(key(circleId, userId), { membership, expiresAt: now() + options.ttlMs });
      } else {
        cache.delete(key(circleId, userId));
      }
      return membership;
    },
    /** Also fills the cache: a socket handshake loads all of a user's circles at once. */
    async listForUser(userId) {
      const memberships = await repository.listForUser(userId);
      const expiresAt = now() + options.ttlMs;
      if (cache.size + memberships.length >= maxEntries) cache.clear();
      for (const membership of memberships) cache.set(key(membership.circleId, userId), { membership, expiresAt });
      return memberships;
    },
    /** Forgets here at once; other nodes forget on the announced change (apps/server members feature). */
    async remove(circleId, userId) {
      cache.delete(key(circleId, userId));
      const wasRemoved = await repository.remove(circleId, userId);
      cache.delete(key(circleId, userId));
      return wasRemoved;
    },
    async reinstate(membership) {
      await repository.reinstate(membership);
      cache.delete(key(membership.circleId, membership.userId));
    },
    /** A membership removed on another node (issue #11): its next check reads the database. */
    forget(circleId: string, userId: string) {
      cache.delete(key(circleId, userId));
    },
    /** Announcements may have been missed (a Redis reconnect): check everyone again. */
    forgetAll() {
      cache.clear();
    },
    listForCircle: (circleId) => repository.listForCircle(circleId),
    listFormerForCircle: (circleId) => repository.listFormerForCircle(circleId),
    listCircleIdsForUser: (userId) => repository.listCircleIdsForUser(userId),
  };
}
