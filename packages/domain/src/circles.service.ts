import type { Circle, CircleWithUnread, InvitationPreview, InvitationRole, Member, Role } from "@kring/protocol";
import { DomainError, DuplicateKeyError } from "./errors";
import { createMessageLog, type MessageLog } from "./message-log";
import type {
  CircleRepository,
  InvitationRepository,
  MembershipRecord,
  MembershipRepository,
  MessageCache,
  MessageRepository,
  ReadMarkerRepository,
  UserRepository,
} from "./ports";

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
};

/** Only coordinators set a circle up: invite people and (later) decide who is paged. */
export function canInvite(role: Role): boolean {
  return role === "coordinator";
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
    if (await deps.invitations.isRedeemed(invitation.circleId, invitation.id)) {
      throw new DomainError("gone", "This invitation has already been used. Ask the coordinator for a new code.");
    }
    const role = invitation.role;
    // An invitation stored with the resident role (before that was refused) is never honoured.
    if (role === "resident") throw new DomainError("gone", "This invitation is no longer valid. Ask the coordinator for a new code.");
    const circle = await deps.circles.findById(invitation.circleId);
    if (!circle) throw new DomainError("not_found", "The circle of this invitation no longer exists.");
    return { invitation: { ...invitation, role }, circle };
  }

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
      const [circles, unread] = await Promise.all([
        deps.circles.findByIds(memberships.map((m) => m.circleId)),
        Promise.all(memberships.map((m) => log.unreadCount(m.circleId, userId))),
      ]);
      const circleById = new Map(circles.map((c) => [c.id, c]));
      return memberships.flatMap((membership, index) => {
        const circle = circleById.get(membership.circleId);
        return circle ? [{ id: circle.id, name: circle.name, myRole: membership.role, unread: unread[index] ?? 0 }] : [];
      });
    },

    async listMembers(userId: string, circleId: string): Promise<Member[]> {
      await requireMembership(deps.memberships, circleId, userId);
      const memberships = await deps.memberships.listForCircle(circleId);
      const names = await deps.users.findNames(memberships.map((m) => m.userId));
      return memberships.map((m) => ({ userId: m.userId, name: names.get(m.userId) ?? "", role: m.role }));
    },

    async createInvitation(userId: string, circleId: string, role: InvitationRole) {
      const membership = await requireMembership(deps.memberships, circleId, userId);
      if (!canInvite(membership.role)) {
        throw new DomainError("forbidden", "Only a coordinator of this circle can invite people.");
      }
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
      return { code: invitation.code, expiresAt: invitation.expiresAt.toISOString() };
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
      return { id: circle.id, name: circle.name, myRole: invitation.role };
    },
  };
}
export type CirclesService = ReturnType<typeof createCirclesService>;
