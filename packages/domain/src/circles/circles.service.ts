import type { Circle, CircleWithUnread, InvitationPreview, InvitationRole, Member, Role } from "@kring/protocol";
import { DomainError, DuplicateKeyError } from "../errors";
import { createMessageLog, type MessageLog } from "../messages/message-log";
import { canReadThread } from "../messages/thread-access";
import { can, firstNameOf } from "../access/role-permissions";
import { removeMember, removeMembership, type MemberRemovalHooks } from "../members/member-removal";
import type { MessageCache, MessageRepository, ReadMarkerRepository } from "../messages/messages.ports";
import type { UserRepository } from "../users/users.ports";
import type { CircleRepository, InvitationMailQueue, InvitationRecord, InvitationRepository, MembershipRecord, MembershipRepository } from "./circles.ports";

export type CirclesDependencies = {
  messageLog?: MessageLog;
  circles: CircleRepository;
  memberships: MembershipRepository;
  invitations: InvitationRepository;
  messages: MessageRepository;
  messageCache: MessageCache;
  readMarkers: ReadMarkerRepository;
  users: UserRepository;
  now: () => Date;
  /** Makes an invitation code; injected so tests can be deterministic. */
  generateCode: () => string;
  invitationTtlMs: number;
  /** Queues the mail that carries an invitation link; without it, emailing an invitation is `unavailable`. */
  invitationMail?: InvitationMailQueue;
  /** Runs after someone joined through an invitation (the alerts service puts new family on a custom ladder). */
  onMemberJoined?: (membership: MembershipRecord) => Promise<void>;
  /** Runs after someone left or was removed (issue #11): sockets, caches, and later their visit claims. */
  memberRemovalHooks?: MemberRemovalHooks;
};

/** How many of a circle's newest invitations the pending list looks at (a coordinator makes a few a week). */
export const INVITATION_LIST_LIMIT = 50;

/** A pending invitation as its coordinator sees it; the route adds the link. */
export type PendingInvitation = { code: string; role: InvitationRole; expiresAt: string };

/** Only coordinators set a circle up: invite people and (later) decide who is paged. */
export function canInvite(role: Role): boolean {
  return can(role, "invitations.manage");
}

/** Throws `forbidden` unless the user belongs to the circle. Unknown circles look the same, so ids can't be probed. */
export async function requireMembership(
  memberships: MembershipRepository,
  circleId: string,
  userId: string,
): Promise<MembershipRecord> {
  const membership = await memberships.find(circleId, userId);
  if (!membership) throw new DomainError("forbidden", "You are not a member of this circle.");
  return membership;
}

export function createCirclesService(deps: CirclesDependencies) {
  // One log per app (create-app.ts passes it): its memory of newest seqs is shared.
  const log = deps.messageLog ?? createMessageLog(deps);

  async function findUsableInvitation(code: string) {
    const invitation = await deps.invitations.findByCode(code);
    if (!invitation) throw new DomainError("not_found", "This invitation code does not exist.");
    if (invitation.expiresAt.getTime() <= deps.now().getTime()) {
      throw new DomainError("gone", "This invitation has expired. Ask the coordinator for a new code.");
    }
    const redemption = await deps.invitations.findRedemption(invitation.circleId, invitation.id);
    if (redemption === "revoked") {
      throw new DomainError("gone", "This invitation was withdrawn by the coordinator. Ask them for a new code.");
    }
    if (redemption === "used") {
      throw new DomainError("gone", "This invitation has already been used. Ask the coordinator for a new code.");
    }
    const role = invitation.role;
    // An invitation stored with the resident role (before that was refused) is never honoured.
    if (role === "resident") throw new DomainError("gone", "This invitation is no longer valid. Ask the coordinator for a new code.");
    const circle = await deps.circles.findById(invitation.circleId);
    if (!circle) throw new DomainError("not_found", "The circle of this invitation no longer exists.");
    return { invitation: { ...invitation, role }, circle };
  }

  async function requireCoordinator(userId: string, circleId: string, doing: string) {
    const membership = await requireMembership(deps.memberships, circleId, userId);
    if (!canInvite(membership.role)) throw new DomainError("forbidden", `Only a coordinator of this circle can ${doing}.`);
    return membership;
  }

  /** An invitation of this circle by its code; another circle's code answers like an unknown one. */
  async function findCircleInvitation(circleId: string, code: string): Promise<InvitationRecord> {
    const invitation = await deps.invitations.findByCode(code);
    if (!invitation || invitation.circleId !== circleId) throw new DomainError("not_found", "This invitation code does not exist.");
    return invitation;
  }

  const toPending = (invitation: InvitationRecord): PendingInvitation => ({
    code: invitation.code,
    role: invitation.role as InvitationRole,
    expiresAt: invitation.expiresAt.toISOString(),
  });

  return {
    async createCircle(userId: string, name: string): Promise<Circle> {
      const now = deps.now();
      const circle = await deps.circles.create({ name, createdBy: userId, now });
      await deps.memberships.add({ circleId: circle.id, userId, role: "coordinator", joinedAt: now });
      return { id: circle.id, name: circle.name, myRole: "coordinator" };
    },

    /**
     * O(the caller's circles): memberships, circles and read markers by key, the newest seq from the
     * Redis hint (plus one point read), unread by arithmetic.
     */
    async listCircles(userId: string): Promise<CircleWithUnread[]> {
      const memberships = await deps.memberships.listForUser(userId);
      if (memberships.length === 0) return [];
      const [circles, unread, unreadTeam] = await Promise.all([
        deps.circles.findByIds(memberships.map((m) => m.circleId)),
        // A volunteer reads no thread (issue #11): not even how much is said.
        Promise.all(memberships.map((m) => (canReadThread(m.role, "circle") ? log.unreadCount(m.circleId, userId) : 0))),
        // Only for members who may read the team thread: its very existence is not the resident's.
        Promise.all(
          memberships.map((m) => (canReadThread(m.role, "team") ? log.unreadCount(m.circleId, userId, "team") : undefined)),
        ),
      ]);
      const circleById = new Map(circles.map((c) => [c.id, c]));
      return memberships.flatMap((membership, index) => {
        const circle = circleById.get(membership.circleId);
        if (!circle) return [];
        const team = unreadTeam[index];
        return [
          {
            id: circle.id,
            name: circle.name,
            myRole: membership.role,
            unread: unread[index] ?? 0,
            ...(team === undefined ? {} : { unreadTeam: team }),
          },
        ];
      });
    },

    async listMembers(userId: string, circleId: string): Promise<Member[]> {
      const caller = await requireMembership(deps.memberships, circleId, userId);
      const memberships = await deps.memberships.listForCircle(circleId);
      const names = await deps.users.findNames(memberships.map((m) => m.userId));
      // A volunteer sees first names only (issue #11, access/role-permissions.ts).
      const nameOf = can(caller.role, "members.read_full_names") ? (name: string) => name : firstNameOf;
      return memberships.map((m) => ({ userId: m.userId, name: nameOf(names.get(m.userId) ?? ""), role: m.role }));
    },

    async createInvitation(userId: string, circleId: string, role: InvitationRole): Promise<PendingInvitation> {
      await requireCoordinator(userId, circleId, "invite people");
      // The schema already refuses it; the rule lives here too because it is what stops an account takeover.
      if ((role as Role) === "resident") {
        throw new DomainError("validation_failed", "Residents are not invited: add them as a resident of the circle and pair their tablet.");
      }
      const expiresAt = new Date(deps.now().getTime() + deps.invitationTtlMs);
      const invitation = await deps.invitations.create({
        circleId,
        code: deps.generateCode(),
        role,
        createdBy: userId,
        expiresAt,
      });
      return toPending(invitation);
    },

    /**
     * The circle's pending invitations, newest first: its newest invitations by key (a per-circle
     * index), without the used, revoked and expired ones. Invitations are made in order with one
     * lifetime, so the walk stops at the first expired one.
     */
    async listInvitations(userId: string, circleId: string): Promise<PendingInvitation[]> {
      await requireCoordinator(userId, circleId, "see its invitations");
      const now = deps.now().getTime();
      const newest = await deps.invitations.listNewest(circleId, INVITATION_LIST_LIMIT);
      const live: InvitationRecord[] = [];
      for (const invitation of newest) {
        if (invitation.expiresAt.getTime() <= now) break;
        if (invitation.role !== "resident") live.push(invitation);
      }
      const redemptions = await Promise.all(live.map((invitation) => deps.invitations.findRedemption(circleId, invitation.id)));
      return live.filter((_, index) => redemptions[index] === null).map(toPending);
    },

    /** Withdraws a pending invitation; accepting it afterwards answers `gone`. Revoking twice is fine. */
    async revokeInvitation(userId: string, circleId: string, code: string): Promise<void> {
      await requireCoordinator(userId, circleId, "withdraw its invitations");
      const invitation = await findCircleInvitation(circleId, code);
      if (await deps.invitations.revoke(circleId, invitation.id, userId, deps.now())) return;
      if ((await deps.invitations.findRedemption(circleId, invitation.id)) === "used") {
        throw new DomainError("conflict", "This invitation has already been used; it can no longer be withdrawn.");
      }
    },

    /** Queues a mail with the invitation's link to `email`; the worker sends it. */
    async emailInvitation(
      userId: string,
      circleId: string,
      code: string,
      input: { email: string; language: "nl" | "fr" | "en" },
    ): Promise<void> {
      await requireCoordinator(userId, circleId, "send its invitations");
      const invitation = await findCircleInvitation(circleId, code);
      const isExpired = invitation.expiresAt.getTime() <= deps.now().getTime();
      if (isExpired || (await deps.invitations.findRedemption(circleId, invitation.id)) !== null) {
        throw new DomainError("gone", "This invitation can no longer be used. Make a new one.");
      }
      const pending = toPending(invitation);
      if (!deps.invitationMail) throw new DomainError("unavailable", "Kring cannot send email here. Copy the link instead.");
      const inviter = await deps.users.findById(userId);
      await deps.invitationMail.enqueue({
        circleId,
        code: invitation.code,
        to: input.email,
        language: input.language,
        inviterName: inviter?.name ?? "",
        role: pending.role,
        expiresAt: pending.expiresAt,
      });
    },

    /** What accepting this code would do: shown to the person before they accept. */
    async previewInvitation(code: string): Promise<InvitationPreview> {
      const { invitation, circle } = await findUsableInvitation(code);
      return { circle: { id: circle.id, name: circle.name }, role: invitation.role, expiresAt: invitation.expiresAt.toISOString() };
    },

    /** Single use: of two people racing with one code, exactly one joins. */
    async acceptInvitation(userId: string, code: string): Promise<Circle> {
      const { invitation, circle } = await findUsableInvitation(code);
      const now = deps.now();
      if (await deps.memberships.find(circle.id, userId)) {
        throw new DomainError("conflict", "You are already a member of this circle.");
      }
      const isRedeemed = await deps.invitations.redeem(circle.id, invitation.id, userId, now);
      if (!isRedeemed) {
        throw new DomainError("gone", "This invitation has already been used. Ask the coordinator for a new code.");
      }
      try {
        await deps.memberships.add({ circleId: circle.id, userId, role: invitation.role, joinedAt: now });
      } catch (error) {
        if (error instanceof DuplicateKeyError) {
          throw new DomainError("conflict", "You are already a member of this circle.");
        }
        throw error;
      }
      // The join stands even if the follow-up (the ladder) fails; that is logged by the caller's hook.
      await deps.onMemberJoined?.({ circleId: circle.id, userId, role: invitation.role, joinedAt: now }).catch(() => undefined);
      return { id: circle.id, name: circle.name, myRole: invitation.role };
    },

    /** Who left or was removed, with their names, for those who read the conversation (else none). */
    async listFormerMembers(userId: string, circleId: string): Promise<{ userId: string; name: string }[]> {
      const caller = await requireMembership(deps.memberships, circleId, userId);
      if (!can(caller.role, "messages.read")) return [];
      const former = await deps.memberships.listFormerForCircle(circleId);
      if (former.length === 0) return [];
      const names = await deps.users.findNames(former);
      return former.map((id) => ({ userId: id, name: names.get(id) ?? "" }));
    },

    /** A coordinator removes a member, or a member leaves (`actorId === userId`); see members/member-removal.ts. */
    async removeMember(actorId: string, circleId: string, userId: string): Promise<void> {
      await removeMember({ memberships: deps.memberships, hooks: deps.memberRemovalHooks }, actorId, circleId, userId);
    },

    /**
     * Ends a membership without asking who wants it (erasure of an account uses this for each of
     * its circles); the same last-coordinator rule and the same hooks as `removeMember`.
     */
    async removeMembership(circleId: string, userId: string): Promise<MembershipRecord | null> {
      return removeMembership({ memberships: deps.memberships, hooks: deps.memberRemovalHooks }, circleId, userId);
    },
  };
}
export type CirclesService = ReturnType<typeof createCirclesService>;
