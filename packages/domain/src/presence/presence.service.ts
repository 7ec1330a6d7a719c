import { requirePermission } from "../access/role-permissions";
import { requireMembership } from "../circles/circles.service";
import type { MembershipRepository } from "../circles/circles.ports";

/**
 * Who of a circle is online now, and when the others were last seen. Online state lives in Redis
 * (presence hashes that every server node refreshes); the service only decides who may ask.
 */
export function createPresenceService(deps: {
  memberships: MembershipRepository;
  isOnline: (userId: string) => Promise<boolean>;
  lastSeen: (userId: string) => Promise<Date | null>;
}) {
  return {
    async listPresence(userId: string, circleId: string) {
      requirePermission((await requireMembership(deps.memberships, circleId, userId)).role, "presence.read");
      const members = await deps.memberships.listForCircle(circleId);
      return Promise.all(
        members.map(async (member) => {
          const [isOnline, lastSeen] = await Promise.all([deps.isOnline(member.userId), deps.lastSeen(member.userId)]);
          return { userId: member.userId, isOnline, lastSeenAt: isOnline ? null : (lastSeen?.toISOString() ?? null) };
        }),
      );
    },
  };
}
export type PresenceService = ReturnType<typeof createPresenceService>;
