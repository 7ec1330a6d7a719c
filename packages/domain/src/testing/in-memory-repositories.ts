import type { Message } from "@kring/protocol";
import { DuplicateKeyError } from "../errors";
import type {
  CircleRecord,
  CircleRepository,
  InvitationRecord,
  InvitationRepository,
  MembershipRecord,
  MembershipRepository,
  MessageRepository,
  ReadMarkerRepository,
  UserRecord,
  UserRepository,
} from "../ports";

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
  };

  const messages: MessageRepository = {
    async insert(input) {
      await tick();
      if (messageRows.some((m) => m.circleId === input.circleId && m.seq === input.seq)) throw new DuplicateKeyError("seq");
      if (messageRows.some((m) => m.circleId === input.circleId && m.senderId === input.senderId && m.clientId === input.clientId)) {
        throw new DuplicateKeyError("clientId");
      }
      const message = { ...input, id: newId(), createdAt: input.createdAt.toISOString() };
      messageRows.push(message);
      return message;
    },
    async findByClientId(circleId, senderId, clientId) {
      await tick();
      return messageRows.find((m) => m.circleId === circleId && m.senderId === senderId && m.clientId === clientId) ?? null;
    },
    async findLastSeq(circleId) {
      await tick();
      return Math.max(0, ...messageRows.filter((m) => m.circleId === circleId).map((m) => m.seq));
    },
    async listAfter(circleId, afterSeq, limit, beforeSeq) {
      await tick();
      return messageRows
        .filter((m) => m.circleId === circleId && m.seq > afterSeq && (beforeSeq === undefined || m.seq < beforeSeq))
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
    },
    async listBefore(circleId, beforeSeq, limit) {
      await tick();
      return messageRows
        .filter((m) => m.circleId === circleId && m.seq < beforeSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(-limit);
    },
    async countUnread(circleId, userId, afterSeq) {
      await tick();
      return messageRows.filter((m) => m.circleId === circleId && m.seq > afterSeq && m.senderId !== userId).length;
    },
  };

  const readMarkers: ReadMarkerRepository = {
    async find(circleId, userId) {
      await tick();
      return markers.get(`${circleId}:${userId}`) ?? 0;
    },
    async findForUser(userId) {
      await tick();
      const result = new Map<string, number>();
      for (const [key, seq] of markers) {
        const [circleId, markerUser] = key.split(":");
        if (markerUser === userId && circleId) result.set(circleId, seq);
      }
      return result;
    },
    async advance(circleId, userId, seq) {
      await tick();
      const key = `${circleId}:${userId}`;
      markers.set(key, Math.max(markers.get(key) ?? 0, seq));
    },
  };

  return { users, circles, memberships, invitations, messages, readMarkers, messageRows };
}
