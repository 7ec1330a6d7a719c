import type { MembershipRecord, MembershipRepository } from "./ports";

/**
 * Memberships are checked on every event. On FerretDB's SQLite backend a query costs several
 * milliseconds, which made the membership check the most expensive part of a send; this keeps a
 * member's positive answer for `ttlMs`. Misses are never cached, so someone who just joined is
 * never refused; additions on this node replace the entry at once. The cost: a member removed on
 * another node (a future feature) could keep sending for up to `ttlMs`.
 */
export function createCachedMemberships(
  repository: MembershipRepository,
  options: { ttlMs: number; maxEntries?: number; now?: () => number },
): MembershipRepository {
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
    listForCircle: (circleId) => repository.listForCircle(circleId),
    listCircleIdsForUser: (userId) => repository.listCircleIdsForUser(userId),
  };
}
