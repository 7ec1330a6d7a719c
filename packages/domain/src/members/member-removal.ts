import { can } from "../access/role-permissions";
import { DomainError } from "../errors";
import type { MembershipRecord, MembershipRepository } from "../circles/circles.ports";

/**
 * What else forgets a member who left or was removed (issue #11), called once the membership is
 * gone: the server's sockets and caches on every node, and (when visits exist) their claimed
 * occurrences going back to open. Each hook's failure is the hook's to log; the removal stands.
 */
export interface MemberRemovalHooks {
  memberRemoved(circleId: string, userId: string, membership: MembershipRecord): Promise<void>;
}

/** The default until visits exist: nothing else holds a member's claims. */
export const noMemberRemovalHooks: MemberRemovalHooks = { memberRemoved: async () => undefined };

export type MemberRemovalDependencies = {
  memberships: Pick<MembershipRepository, "find" | "listForCircle" | "remove" | "reinstate">;
  hooks?: MemberRemovalHooks;
};

const LAST_COORDINATOR = "A circle always keeps at least one coordinator. Make someone else a coordinator first.";

/**
 * Ends `userId`'s membership of `circleId`, without checking who asks (the caller did: see
 * `removeMember`; erasure calls this for its own account). Removing the last coordinator is
 * `conflict`. Storage: the membership document `<c>:<user>` is deleted by key; the slot lists
 * (`c:<c>:<n>`, `u:<user>:<n>`) keep their entries, which lists skip once no membership answers
 * them — nothing is scanned. Two coordinators removing each other at once: each deletes, then
 * reads the circle's coordinators again; whoever finds none left puts the membership they deleted
 * back and answers `conflict`, so the circle never ends without one (it may keep both).
 * Returns the removed membership, or null when there was none (already removed: idempotent).
 */
export async function removeMembership(deps: MemberRemovalDependencies, circleId: string, userId: string): Promise<MembershipRecord | null> {
  const membership = await deps.memberships.find(circleId, userId);
  if (!membership) return null;
  const isCoordinator = membership.role === "coordinator";
  if (isCoordinator) {
    const coordinators = (await deps.memberships.listForCircle(circleId)).filter((m) => m.role === "coordinator");
    if (coordinators.every((m) => m.userId === userId)) throw new DomainError("conflict", LAST_COORDINATOR);
  }
  const wasRemoved = await deps.memberships.remove(circleId, userId);
  if (!wasRemoved) return null;
  if (isCoordinator) {
    const remaining = (await deps.memberships.listForCircle(circleId)).filter((m) => m.role === "coordinator" && m.userId !== userId);
    if (remaining.length === 0) {
      await deps.memberships.reinstate(membership);
      throw new DomainError("conflict", LAST_COORDINATOR);
    }
  }
  await (deps.hooks ?? noMemberRemovalHooks).memberRemoved(circleId, userId, membership);
  return membership;
}

/**
 * `DELETE /api/circles/:id/members/:userId`: a coordinator removes anyone; any member removes
 * themselves (leaves). Outsiders get `forbidden` (an unknown circle looks the same); a coordinator
 * naming someone who is not a member gets `not_found`.
 */
export async function removeMember(deps: MemberRemovalDependencies, actorId: string, circleId: string, userId: string): Promise<void> {
  const actor = await deps.memberships.find(circleId, actorId);
  if (!actor) throw new DomainError("forbidden", "You are not a member of this circle.");
  if (actorId !== userId && !can(actor.role, "members.remove")) {
    throw new DomainError("forbidden", "Only a coordinator of this circle can remove someone else.");
  }
  const removed = await removeMembership(deps, circleId, userId);
  if (!removed && actorId !== userId) throw new DomainError("not_found", "This person is not a member of this circle.");
}
