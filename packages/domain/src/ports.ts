import type { Message, Role } from "@kring/protocol";

// What the domain needs from storage. packages/db implements these with mongoose;
// unit tests implement them in memory. Every circle-data method takes the circle id.

export type UserRecord = { id: string; email: string; name: string; passwordHash: string };

export interface UserRepository {
  /** Throws DuplicateKeyError("email") when the email is taken. */
  create(input: { email: string; name: string; passwordHash: string }): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(userId: string): Promise<UserRecord | null>;
  findNames(userIds: string[]): Promise<Map<string, string>>;
}

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
  listForUser(userId: string): Promise<MembershipRecord[]>;
  listForCircle(circleId: string): Promise<MembershipRecord[]>;
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
}

export type NewMessage = Omit<Message, "id" | "createdAt"> & { createdAt: Date };

export interface MessageRepository {
  /** Throws DuplicateKeyError("seq") or DuplicateKeyError("clientId"). */
  insert(message: NewMessage): Promise<Message>;
  findByClientId(circleId: string, senderId: string, clientId: string): Promise<Message | null>;
  findLastSeq(circleId: string): Promise<number>;
  /** Ascending by seq, seq > afterSeq (and < beforeSeq when given). */
  listAfter(circleId: string, afterSeq: number, limit: number, beforeSeq?: number): Promise<Message[]>;
  /** The newest `limit` messages with seq < beforeSeq, ascending. */
  listBefore(circleId: string, beforeSeq: number, limit: number): Promise<Message[]>;
  countUnread(circleId: string, userId: string, afterSeq: number): Promise<number>;
}

export interface ReadMarkerRepository {
  find(circleId: string, userId: string): Promise<number>;
  findForUser(userId: string): Promise<Map<string, number>>;
  /** Sets the marker to max(current, seq). */
  advance(circleId: string, userId: string, seq: number): Promise<void>;
}
