import type { Message } from "@kring/protocol";
import { DuplicateKeyError } from "../errors";
import type { CircleRecord, CircleRepository, InvitationRecord, InvitationRepository, MembershipRecord, MembershipRepository } from "../circles/circles.ports";
import type { ClientIdClaim, MessageCache, MessageRepository, ReadMarkerRepository } from "../messages/messages.ports";
import type { UserRecord, UserRepository } from "../users/users.ports";

// In-memory fakes of the ports for domain unit tests only (integration tests use FerretDB).
// Each call yields to the event loop first, so concurrency bugs show up as they would on a database.

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
let counter = 0;
const newId = () => (++counter).toString(16).padStart(24, "0");

export function createInMemoryRepositories() {
  const userRows: UserRecord[] = [];
  const circleRows: CircleRecord[] = [];
  const membershipRows: MembershipRecord[] = [];
  const invitationRows: InvitationRecord[] = [];
  const redeemed = new Set<string>();
  const revoked = new Set<string>();
  const messageRows: Message[] = [];
  const markers = new Map<string, number>();

  const users: UserRepository = {
    async create(input) {
      await tick();
      if (userRows.some((u) => u.email === input.email)) throw new DuplicateKeyError("email");
      const user = { ...input, id: newId(), isManaged: false };
      userRows.push(user);
      return user;
    },
    async findByEmail(email) {
      await tick();
      return userRows.find((u) => u.email === email) ?? null;
    },
    async findById(id) {
      await tick();
      return userRows.find((u) => u.id === id) ?? null;
    },
    async findNames(ids) {
      await tick();
      return new Map(userRows.filter((u) => ids.includes(u.id)).map((u) => [u.id, u.name]));
    },
  };

  const circles: CircleRepository = {
    async create({ name, createdBy, now }) {
      await tick();
      const circle = { id: newId(), name, createdBy, createdAt: now };
      circleRows.push(circle);
      return circle;
    },
    async findById(id) {
      await tick();
      return circleRows.find((c) => c.id === id) ?? null;
    },
    async findByIds(ids) {
      await tick();
      return circleRows.filter((c) => ids.includes(c.id));
    },
  };

  const memberships: MembershipRepository = {
    async add(membership) {
      await tick();
      if (membershipRows.some((m) => m.circleId === membership.circleId && m.userId === membership.userId)) {
        throw new DuplicateKeyError("membership");
      }
      membershipRows.push(membership);
    },
    async find(circleId, userId) {
      await tick();
      return membershipRows.find((m) => m.circleId === circleId && m.userId === userId) ?? null;
    },
    async listForUser(userId) {
      await tick();
      return membershipRows.filter((m) => m.userId === userId);
    },
    async listForCircle(circleId) {
      await tick();
      return membershipRows.filter((m) => m.circleId === circleId);
    },
    async listCircleIdsForUser(userId) {
      await tick();
      return membershipRows.filter((m) => m.userId === userId).map((m) => m.circleId);
    },
    async remove(circleId, userId) {
      await tick();
      const index = membershipRows.findIndex((m) => m.circleId === circleId && m.userId === userId);
      if (index < 0) return false;
      membershipRows.splice(index, 1);
      return true;
    },
    async listFormerForCircle() {
      // The fake keeps no slots: nobody is remembered once removed.
      await tick();
      return [];
    },
    async reinstate(membership) {
      await tick();
      if (!membershipRows.some((m) => m.circleId === membership.circleId && m.userId === membership.userId)) membershipRows.push(membership);
    },
  };

  const invitations: InvitationRepository = {
    async create(input) {
      await tick();
      const invitation = { ...input, id: newId() };
      invitationRows.push(invitation);
      return invitation;
    },
    async findByCode(code) {
      await tick();
      return invitationRows.find((i) => i.code === code) ?? null;
    },
    async redeem(_circleId, invitationId) {
      await tick();
      if (redeemed.has(invitationId)) return false;
      redeemed.add(invitationId);
      return true;
    },
    async isRedeemed(_circleId, invitationId) {
      await tick();
      return redeemed.has(invitationId);
    },
    async findRedemption(_circleId, invitationId) {
      await tick();
      return revoked.has(invitationId) ? "revoked" : redeemed.has(invitationId) ? "used" : null;
    },
    async revoke(_circleId, invitationId) {
      await tick();
      if (redeemed.has(invitationId)) return false;
      redeemed.add(invitationId);
      revoked.add(invitationId);
      return true;
    },
    async listNewest(circleId, limit) {
      await tick();
      return invitationRows.filter((i) => i.circleId === circleId).reverse().slice(0, limit);
    },
  };

  const messageKey = (circleId: string, thread: string, seq: number) => `${circleId}:${thread}:${seq}`;
  const messageByKey = new Map<string, Message>();
  const claims = new Map<string, number>();
  const claimKey = (c: ClientIdClaim) => `${c.circleId}:${c.thread}:${c.senderId}:${c.generation}:${c.clientId}`;

  const messages: MessageRepository = {
    async insert(input, thread = "circle") {
      await tick();
      const key = messageKey(input.circleId, thread, input.seq);
      if (messageByKey.has(key)) throw new DuplicateKeyError("seq");
      const message = { ...input, thread, id: newId(), createdAt: input.createdAt.toISOString() };
      messageByKey.set(key, message);
      messageRows.push(message);
      return message;
    },
    async findBySeq(circleId, seq, thread = "circle") {
      await tick();
      return messageByKey.get(messageKey(circleId, thread, seq)) ?? null;
    },
    async findBySeqs(circleId, seqs, thread = "circle") {
      await tick();
      return seqs.map((seq) => messageByKey.get(messageKey(circleId, thread, seq)) ?? null);
    },
    async insertWithClaim(input, claim) {
      await tick();
      if (claims.has(claimKey(claim))) return { outcome: "claim_taken" as const };
      claims.set(claimKey(claim), input.seq);
      const key = messageKey(input.circleId, claim.thread, input.seq);
      if (messageByKey.has(key)) return { outcome: "seq_taken" as const };
      const message = { ...input, thread: claim.thread, id: newId(), createdAt: input.createdAt.toISOString() };
      messageByKey.set(key, message);
      messageRows.push(message);
      return { outcome: "inserted" as const, message };
    },
    async findClientIdClaim(claim) {
      await tick();
      return claims.get(claimKey(claim)) ?? null;
    },
  };

  const readMarkers: ReadMarkerRepository = {
    async find(circleId, userId, thread = "circle") {
      await tick();
      return markers.get(`${circleId}:${userId}:${thread}`) ?? 0;
    },
    async advance(circleId, userId, seq, thread = "circle") {
      await tick();
      const key = `${circleId}:${userId}:${thread}`;
      markers.set(key, Math.max(markers.get(key) ?? 0, seq));
    },
  };

  const messageCache = createInMemoryMessageCache();
  /** Plays a node that stored a claim and crashed before its message insert. */
  const plantClaim = (claim: ClientIdClaim, seq: number) => claims.set(claimKey(claim), seq);

  return { users, circles, memberships, invitations, messages, readMarkers, messageCache, messageRows, plantClaim };
}

/** The Redis hint and window, in memory; `forget()` plays a Redis restart. */
export function createInMemoryMessageCache(): MessageCache & { forget(): void } {
  const hints = new Map<string, number>();
  const own = new Map<string, number>();
  const windows = new Map<string, Map<number, Message>>();
  return {
    async readHint(circleId, thread) {
      await tick();
      return hints.get(`${circleId}:${thread}`) ?? null;
    },
    async remember(message, thread) {
      await tick();
      const key = `${message.circleId}:${thread}`;
      const window = windows.get(key) ?? new Map<number, Message>();
      window.set(message.seq, message);
      windows.set(key, window);
      hints.set(key, Math.max(hints.get(key) ?? 0, message.seq));
      const ownKey = `${key}:${message.senderId}`;
      own.set(ownKey, Math.max(own.get(ownKey) ?? 0, message.seq));
    },
    async readOwnSeq(circleId, thread, userId) {
      await tick();
      return own.get(`${circleId}:${thread}:${userId}`) ?? null;
    },
    async raiseHint(circleId, thread, seq) {
      await tick();
      const key = `${circleId}:${thread}`;
      hints.set(key, Math.max(hints.get(key) ?? 0, seq));
    },
    async recent(circleId, thread, fromSeq, toSeq) {
      await tick();
      const window = windows.get(`${circleId}:${thread}`) ?? new Map<number, Message>();
      return new Map([...window].filter(([seq]) => seq >= fromSeq && seq <= toSeq));
    },
    forget() {
      hints.clear();
      own.clear();
      windows.clear();
    },
  };
}
