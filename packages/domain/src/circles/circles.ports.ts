import type { InvitationEmailJob, Role } from "@kring/protocol";

// What the circles service needs from storage (circles, memberships, invitations) and the invitation
// mail queue. packages/db implements the storage (packages/db/src/circles/, invitations/); unit tests
// implement it in memory. Every circle-data method takes the circle id.

export type CircleRecord = { id: string; name: string; createdBy: string; createdAt: Date };
export type MembershipRecord = { circleId: string; userId: string; role: Role; joinedAt: Date };

export interface CircleRepository {
  create(input: { name: string; createdBy: string; now: Date }): Promise<CircleRecord>;
  findById(circleId: string): Promise<CircleRecord | null>;
  findByIds(circleIds: string[]): Promise<CircleRecord[]>;
}

export interface MembershipRepository {
  /** Throws DuplicateKeyError("membership") when the user is already a member. */
  add(membership: MembershipRecord): Promise<void>;
  find(circleId: string, userId: string): Promise<MembershipRecord | null>;
  /** O(the user's circles) point reads, oldest membership first. */
  listForUser(userId: string): Promise<MembershipRecord[]>;
  /** O(the circle's members) point reads, oldest membership first. */
  listForCircle(circleId: string): Promise<MembershipRecord[]>;
  /** The user's circle ids (for the socket handshake's rooms); same reads as listForUser. */
  listCircleIdsForUser(userId: string): Promise<string[]>;
  /**
   * Deletes the membership `<c>:<user>` by key (issue #11); the slots that named it are skipped
   * by the lists from then on. True if this call deleted it.
   */
  remove(circleId: string, userId: string): Promise<boolean>;
  /** Puts back a membership `remove` just deleted (its slots still name it): the last-coordinator undo. */
  reinstate(membership: MembershipRecord): Promise<void>;
  /**
   * Who was a member and is no longer (issue #11: their past messages keep a name): the user ids of
   * the circle's slots whose membership is gone, read like `listForCircle` (O(slots) point reads).
   */
  listFormerForCircle(circleId: string): Promise<string[]>;
}

export type InvitationRecord = {
  id: string;
  circleId: string;
  code: string;
  role: Role;
  createdBy: string;
  expiresAt: Date;
};

export interface InvitationRepository {
  create(input: Omit<InvitationRecord, "id">): Promise<InvitationRecord>;
  findByCode(code: string): Promise<InvitationRecord | null>;
  /**
   * Marks the invitation used by `userId`. Returns false if it was already used.
   * Must be safe under races: exactly one concurrent caller gets true.
   */
  redeem(circleId: string, invitationId: string, userId: string, now: Date): Promise<boolean>;
  isRedeemed(circleId: string, invitationId: string): Promise<boolean>;
  /**
   * Why the invitation can no longer be used: accepted ("used"), withdrawn by a coordinator
   * ("revoked"), or null while it is pending. One point read (the redemption document).
   */
  findRedemption(circleId: string, invitationId: string): Promise<"used" | "revoked" | null>;
  /**
   * Withdraws the invitation: the same primary-key insert as `redeem`, so a revoke and an accept
   * racing end with exactly one winner. Returns false if it was used or revoked already.
   */
  revoke(circleId: string, invitationId: string, userId: string, now: Date): Promise<boolean>;
  /**
   * The circle's newest `limit` invitations, newest first, from a per-circle index of keys (slot
   * documents `<circleId>:<n>` → code), never a query over the invitations collection.
   */
  listNewest(circleId: string, limit: number): Promise<InvitationRecord[]>;
}

/** Queues the mail that carries an invitation link (BullMQ in production). */
export interface InvitationMailQueue {
  enqueue(job: InvitationEmailJob): Promise<void>;
}
