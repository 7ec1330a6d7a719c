import type {
  ManagedUserRepository,
  UserRecord,
  CircleRepository,
  InvitationRepository,
  MembershipRepository,
  MessageRepository,
  MessageThread,
  ReadMarkerRepository,
  UserRepository,
} from "@kring/domain";
import { DuplicateKeyError } from "@kring/domain";
import type { Message, Role } from "@kring/protocol";
import { Types } from "mongoose";
import { clientIdClaimKey, emailKey, messageKey, type Models, pairId, toObjectId } from "./models";

// Every read here is a point read by `_id` and every write an insert or an update of one `_id`
// (key-access.int.test.ts enforces it). sanitizeFilter (connection.ts) neutralises operator
// objects smuggled into a filter.

function isDuplicateKey(error: unknown): error is { code: number; message: string } {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Re-throws a unique-index violation as the domain's DuplicateKeyError. */
async function mapDuplicate<T>(index: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKey(error)) throw new DuplicateKeyError(index);
    throw error;
  }
}

type MessageDocument = {
  _id: string;
  messageId: Types.ObjectId;
  circleId: Types.ObjectId;
  seq: number;
  clientId: string;
  senderId: Types.ObjectId;
  body: string;
  createdAt: Date;
};

function toMessage(doc: MessageDocument): Message {
  return {
    id: doc.messageId.toHexString(),
    circleId: doc.circleId.toHexString(),
    seq: doc.seq,
    clientId: doc.clientId,
    senderId: doc.senderId.toHexString(),
    body: doc.body,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** How many slots a list read asks for at once: most lists fit in the first batch. */
const SLOT_BATCH = 8;

/**
 * Reads slots `prefix:0`, `prefix:1`, … with point reads, a batch in parallel, until the first
 * missing one (slots are filled without gaps). O(list length) reads.
 */
async function readSlots<T>(read: (slot: number) => Promise<T | null>): Promise<T[]> {
  const found: T[] = [];
  for (let start = 0; ; start += SLOT_BATCH) {
    const batch = await Promise.all(Array.from({ length: SLOT_BATCH }, (_, i) => read(start + i)));
    for (const item of batch) {
      if (item === null) return found;
      found.push(item);
    }
  }
}

export function createRepositories(models: Models) {
  type UserDocument = { _id: Types.ObjectId; email: string; name: string; passwordHash?: string | null; isManaged?: boolean | null };
  // A managed account's stored email is a unique placeholder; nobody sees it, nothing mails it.
  const toUser = (doc: UserDocument): UserRecord => ({
    id: doc._id.toHexString(),
    email: doc.isManaged ? "" : doc.email,
    name: doc.name,
    passwordHash: doc.passwordHash ?? "",
    isManaged: doc.isManaged === true,
  });
  const findUser = async (userId: string) => {
    const doc = await models.User.findById(toObjectId(userId)).lean<UserDocument>();
    return doc ? toUser(doc) : null;
  };

  const users: UserRepository & ManagedUserRepository = {
    /**
     * The user document first, then its email key (the uniqueness guard). Losing the race for an
     * email deletes the fresh user again; a crash in between leaves a user nobody can find by
     * email, which is harmless (the key, not the user, makes an email taken).
     */
    async create(input) {
      const id = new Types.ObjectId();
      const doc = await models.User.create({ _id: id, ...input, createdAt: new Date() });
      try {
        await models.LookupKey.create({ _id: emailKey(input.email), ref: id });
      } catch (error) {
        await models.User.deleteOne({ _id: id });
        if (isDuplicateKey(error)) throw new DuplicateKeyError("email");
        throw error;
      }
      return toUser(doc);
    },
    async createManaged(name) {
      const id = new Types.ObjectId();
      const doc = await models.User.create({
        _id: id,
        email: `managed-${id.toHexString()}@kring.invalid`,
        name,
        passwordHash: "",
        isManaged: true,
        createdAt: new Date(),
      });
      return toUser(doc);
    },
    async findByEmail(email) {
      // Managed accounts have no email key, so they can never be found (or log in) by email.
      const key = await models.LookupKey.findById(emailKey(email)).lean();
      return key ? findUser(key.ref.toHexString()) : null;
    },
    findById: findUser,
    async findNames(userIds) {
      // One point read per id (an `$in` would decode the whole collection on FerretDB/SQLite).
      const unique = [...new Set(userIds)];
      const docs = await Promise.all(unique.map((id) => models.User.findById(toObjectId(id), { name: 1 }).lean()));
      return new Map(docs.flatMap((d) => (d ? [[d._id.toHexString(), d.name] as const] : [])));
    },
  };

  type CircleDocument = { _id: Types.ObjectId; name: string; createdBy: Types.ObjectId; createdAt: Date };
  const toCircle = (doc: CircleDocument) => ({
    id: doc._id.toHexString(),
    name: doc.name,
    createdBy: doc.createdBy.toHexString(),
    createdAt: doc.createdAt,
  });
  const circles: CircleRepository = {
    async create({ name, createdBy, now }) {
      const doc = await models.Circle.create({ name, createdBy: toObjectId(createdBy), createdAt: now });
      return { id: doc._id.toHexString(), name: doc.name, createdBy, createdAt: doc.createdAt };
    },
    async findById(circleId) {
      const doc = await models.Circle.findById(toObjectId(circleId)).lean<CircleDocument>();
      return doc ? toCircle(doc) : null;
    },
    async findByIds(circleIds) {
      const docs = await Promise.all(circleIds.map((id) => models.Circle.findById(toObjectId(id)).lean<CircleDocument>()));
      return docs.flatMap((doc) => (doc ? [toCircle(doc)] : []));
    },
  };

  type MembershipDocument = { circleId: Types.ObjectId; userId: Types.ObjectId; role: string; joinedAt: Date };
  const toMembership = (doc: MembershipDocument) => ({
    circleId: doc.circleId.toHexString(),
    userId: doc.userId.toHexString(),
    role: doc.role as Role,
    joinedAt: doc.joinedAt,
  });
  const findMembership = async (circleId: string, userId: string) => {
    const doc = await models.Membership.findById(pairId(circleId, userId)).lean<MembershipDocument>();
    return doc ? toMembership(doc) : null;
  };
  type SlotDocument = { circleId: Types.ObjectId; userId: Types.ObjectId };
  const readSlot = (prefix: string) => (slot: number) => models.MemberSlot.findById(`${prefix}:${slot}`).lean<SlotDocument>();

  /** Inserts at the first free slot; a taken slot (a concurrent add) moves on to the next. */
  async function appendSlot(prefix: string, circleId: string, userId: string) {
    let slot = (await readSlots(readSlot(prefix))).length;
    for (;;) {
      try {
        await models.MemberSlot.create({ _id: `${prefix}:${slot}`, circleId: toObjectId(circleId), userId: toObjectId(userId) });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        slot += 1;
      }
    }
  }

  /**
   * A list's memberships: the slots are an index that may hold a dangling or repeated entry (a
   * crash during add, a retried add); the membership document is the truth, read by its key.
   */
  async function membershipsOf(slots: SlotDocument[]) {
    const seen = new Set<string>();
    const pairs = slots.flatMap((s) => {
      const key = pairId(s.circleId.toHexString(), s.userId.toHexString());
      if (seen.has(key)) return [];
      seen.add(key);
      return [[s.circleId.toHexString(), s.userId.toHexString()] as const];
    });
    const found = await Promise.all(pairs.map(([circleId, userId]) => findMembership(circleId, userId)));
    return found.filter((m) => m !== null).sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
  }

  const memberships: MembershipRepository = {
    /**
     * The two list slots first, the membership document last: until the membership exists, a slot
     * points at nothing and lists skip it; once it exists, both lists already name it.
     */
    async add(membership) {
      const { circleId, userId } = membership;
      if (await findMembership(circleId, userId)) throw new DuplicateKeyError("membership");
      await Promise.all([appendSlot(`c:${circleId}`, circleId, userId), appendSlot(`u:${userId}`, circleId, userId)]);
      await mapDuplicate("membership", () =>
        models.Membership.create({
          ...membership,
          _id: pairId(circleId, userId),
          circleId: toObjectId(circleId),
          userId: toObjectId(userId),
        }),
      );
    },
    find: findMembership,
    async listForUser(userId) {
      return membershipsOf(await readSlots(readSlot(`u:${userId}`)));
    },
    async listCircleIdsForUser(userId) {
      return (await memberships.listForUser(userId)).map((m) => m.circleId);
    },
    async listForCircle(circleId) {
      return membershipsOf(await readSlots(readSlot(`c:${circleId}`)));
    },
  };

  type InvitationDocument = {
    _id: string;
    invitationId: Types.ObjectId;
    circleId: Types.ObjectId;
    role: string;
    createdBy: Types.ObjectId;
    expiresAt: Date;
  };
  const invitations: InvitationRepository = {
    async create(input) {
      const invitationId = new Types.ObjectId();
      await mapDuplicate("code", () =>
        models.Invitation.create({
          _id: input.code,
          invitationId,
          circleId: toObjectId(input.circleId),
          role: input.role,
          createdBy: toObjectId(input.createdBy),
          expiresAt: input.expiresAt,
          createdAt: new Date(),
        }),
      );
      return { ...input, id: invitationId.toHexString() };
    },
    async findByCode(code) {
      const doc = await models.Invitation.findById(code).lean<InvitationDocument>();
      return doc
        ? {
            id: doc.invitationId.toHexString(),
            circleId: doc.circleId.toHexString(),
            code: doc._id,
            role: doc.role as Role,
            createdBy: doc.createdBy.toHexString(),
            expiresAt: doc.expiresAt,
          }
        : null;
    },
    async redeem(circleId, invitationId, userId, now) {
      try {
        await models.InvitationRedemption.create({
          _id: toObjectId(invitationId),
          circleId: toObjectId(circleId),
          userId: toObjectId(userId),
          redeemedAt: now,
        });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async isRedeemed(circleId, invitationId) {
      const doc = await models.InvitationRedemption.findById(toObjectId(invitationId)).lean();
      return doc !== null && doc.circleId.toHexString() === circleId;
    },
  };

  const findMessage = async (circleId: string, seq: number, thread: MessageThread = "circle") => {
    const doc = await models.Message.findById(messageKey(circleId, thread, seq)).lean<MessageDocument>();
    return doc ? toMessage(doc) : null;
  };
  const messages: MessageRepository = {
    async insert(message, thread = "circle") {
      const messageId = new Types.ObjectId();
      await mapDuplicate("seq", () =>
        models.Message.create({
          ...message,
          _id: messageKey(message.circleId, thread, message.seq),
          messageId,
          thread,
          circleId: toObjectId(message.circleId),
          senderId: toObjectId(message.senderId),
        }),
      );
      return { ...message, id: messageId.toHexString(), createdAt: message.createdAt.toISOString() };
    },
    findBySeq: findMessage,
    findBySeqs: (circleId, seqs, thread = "circle") => Promise.all(seqs.map((seq) => findMessage(circleId, seq, thread))),
    async insertWithClaim(message, claim) {
      const messageId = new Types.ObjectId();
      const docs = [
        { _id: clientIdClaimKey(claim), kind: "claim", seq: message.seq },
        {
          ...message,
          _id: messageKey(message.circleId, claim.thread, message.seq),
          messageId,
          thread: claim.thread,
          circleId: toObjectId(message.circleId),
          senderId: toObjectId(message.senderId),
          deleted: false,
        },
      ];
      try {
        // Ordered: the claim first, and nothing after the first duplicate.
        await models.Message.collection.insertMany(docs as never[], { ordered: true });
      } catch (error) {
        const index = (error as { writeErrors?: { index: number; code: number }[] | { index: number; code: number } }).writeErrors;
        const first = Array.isArray(index) ? index[0] : index;
        if (first?.code !== 11000) throw error;
        return { outcome: first.index === 0 ? ("claim_taken" as const) : ("seq_taken" as const) };
      }
      return { outcome: "inserted" as const, message: { ...message, id: messageId.toHexString(), createdAt: message.createdAt.toISOString() } };
    },
    async findClientIdClaim(claim) {
      const doc = await models.ClientIdClaim.findById(clientIdClaimKey(claim)).lean();
      return doc?.seq ?? null;
    },
  };

  const readMarkers: ReadMarkerRepository = {
    async find(circleId, userId) {
      const doc = await models.ReadMarker.findById(pairId(circleId, userId)).lean();
      return doc?.seq ?? 0;
    },
    async advance(circleId, userId, seq) {
      const filter = { _id: pairId(circleId, userId) };
      // $max never moves the marker back; an upsert race on first read hits the unique
      // index, and then the marker exists, so one retry is enough.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          await models.ReadMarker.updateOne(
            filter,
            { $max: { seq }, $setOnInsert: { circleId: toObjectId(circleId), userId: toObjectId(userId) } },
            { upsert: true },
          );
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt === 1) throw error;
        }
      }
    },
  };

  return { users, circles, memberships, invitations, messages, readMarkers };
}
export type Repositories = ReturnType<typeof createRepositories>;
