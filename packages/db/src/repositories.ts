import type {
  ManagedUserRepository,
  UserRecord,
  CircleRepository,
  InvitationRepository,
  MembershipRepository,
  MessageRepository,
  ReadMarkerRepository,
  UserRepository,
} from "@kring/domain";
import { DuplicateKeyError } from "@kring/domain";
import type { Message, Role } from "@kring/protocol";
import { trusted, Types } from "mongoose";
import { type Models, pairId, toObjectId } from "./models";

// sanitizeFilter (connection.ts) neutralises operator objects in filters; the few we write
// ourselves are marked with trusted().

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
  _id: Types.ObjectId;
  circleId: Types.ObjectId;
  seq: number;
  clientId: string;
  senderId: Types.ObjectId;
  body: string;
  createdAt: Date;
};

function toMessage(doc: MessageDocument): Message {
  return {
    id: doc._id.toHexString(),
    circleId: doc.circleId.toHexString(),
    seq: doc.seq,
    clientId: doc.clientId,
    senderId: doc.senderId.toHexString(),
    body: doc.body,
    createdAt: doc.createdAt.toISOString(),
  };
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

  const users: UserRepository & ManagedUserRepository = {
    async create(input) {
      const doc = await mapDuplicate("email", () => models.User.create({ ...input, createdAt: new Date() }));
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
      const doc = await models.User.findOne({ email, isManaged: trusted({ $ne: true }) }).lean<UserDocument>();
      return doc ? toUser(doc) : null;
    },
    async findById(userId) {
      const doc = await models.User.findById(toObjectId(userId)).lean<UserDocument>();
      return doc ? toUser(doc) : null;
    },
    async findNames(userIds) {
      const docs = await models.User.find({ _id: trusted({ $in: userIds.map(toObjectId) }) }, { name: 1 }).lean();
      return new Map(docs.map((d) => [d._id.toHexString(), d.name]));
    },
  };

  const circles: CircleRepository = {
    async create({ name, createdBy, now }) {
      const doc = await models.Circle.create({ name, createdBy: toObjectId(createdBy), createdAt: now });
      return { id: doc._id.toHexString(), name: doc.name, createdBy, createdAt: doc.createdAt };
    },
    async findById(circleId) {
      const doc = await models.Circle.findById(toObjectId(circleId)).lean();
      return doc
        ? { id: doc._id.toHexString(), name: doc.name, createdBy: doc.createdBy.toHexString(), createdAt: doc.createdAt }
        : null;
    },
    async findByIds(circleIds) {
      const docs = await models.Circle.find({ _id: trusted({ $in: circleIds.map(toObjectId) }) }).lean();
      return docs.map((doc) => ({
        id: doc._id.toHexString(),
        name: doc.name,
        createdBy: doc.createdBy.toHexString(),
        createdAt: doc.createdAt,
      }));
    },
  };

  type MembershipDocument = { circleId: Types.ObjectId; userId: Types.ObjectId; role: string; joinedAt: Date };
  const toMembership = (doc: MembershipDocument) => ({
    circleId: doc.circleId.toHexString(),
    userId: doc.userId.toHexString(),
    role: doc.role as Role,
    joinedAt: doc.joinedAt,
  });

  const memberships_: MembershipRepository = {
    async add(membership) {
      await mapDuplicate("membership", () =>
        models.Membership.create({
          ...membership,
          _id: pairId(membership.circleId, membership.userId),
          circleId: toObjectId(membership.circleId),
          userId: toObjectId(membership.userId),
        }),
      );
      await models.User.updateOne(
        { _id: toObjectId(membership.userId) },
        { $addToSet: { circleIds: toObjectId(membership.circleId) } },
      );
    },
    async find(circleId, userId) {
      // The _id carries the circle id; a filter of _id alone is the only one FerretDB/SQLite
      // pushes down to SQL (adding circleId would make it scan the collection).
      const doc = await models.Membership.findOne({ _id: pairId(circleId, userId) }).lean();
      return doc ? toMembership(doc) : null;
    },
    async listForUser(userId) {
      const docs = await models.Membership.find({ userId: toObjectId(userId) }).sort({ joinedAt: 1 }).lean();
      const memberships = docs.map(toMembership);
      // Repair the denormalised list if a concurrent $addToSet was lost (FerretDB updates are not atomic).
      const listed = new Set(await memberships_.listCircleIdsForUser(userId));
      if (memberships.length !== listed.size || memberships.some((m) => !listed.has(m.circleId))) {
        await models.User.updateOne(
          { _id: toObjectId(userId) },
          { $set: { circleIds: memberships.map((m) => toObjectId(m.circleId)) } },
        );
      }
      return memberships;
    },
    async listCircleIdsForUser(userId) {
      const doc = await models.User.findById(toObjectId(userId), { circleIds: 1 }).lean();
      return (doc?.circleIds ?? []).map((id) => id.toHexString());
    },
    async listForCircle(circleId) {
      const docs = await models.Membership.find({ circleId: toObjectId(circleId) }).sort({ joinedAt: 1 }).lean();
      return docs.map(toMembership);
    },
  };

  const invitations: InvitationRepository = {
    async create(input) {
      const doc = await mapDuplicate("code", () =>
        models.Invitation.create({
          ...input,
          circleId: toObjectId(input.circleId),
          createdBy: toObjectId(input.createdBy),
          createdAt: new Date(),
        }),
      );
      return { ...input, id: doc._id.toHexString() };
    },
    async findByCode(code) {
      const doc = await models.Invitation.findOne({ code }).lean();
      return doc
        ? {
            id: doc._id.toHexString(),
            circleId: doc.circleId.toHexString(),
            code: doc.code,
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
      const doc = await models.InvitationRedemption.findOne({
        _id: toObjectId(invitationId),
        circleId: toObjectId(circleId),
      }).lean();
      return doc !== null;
    },
  };

  const messages: MessageRepository = {
    async insert(message) {
      const doc = await mapDuplicate("message", () =>
        models.Message.create({
          ...message,
          circleId: toObjectId(message.circleId),
          senderId: toObjectId(message.senderId),
        }),
      );
      return toMessage(doc.toObject() as MessageDocument);
    },
    async findByClientId(circleId, senderId, clientId) {
      const doc = await models.Message.findOne({
        circleId: toObjectId(circleId),
        senderId: toObjectId(senderId),
        clientId,
      }).lean<MessageDocument>();
      return doc ? toMessage(doc) : null;
    },
    async findLastSeq(circleId) {
      const doc = await models.Message.findOne({ circleId: toObjectId(circleId) }, { seq: 1 })
        .sort({ seq: -1 })
        .lean();
      return doc?.seq ?? 0;
    },
    async listAfter(circleId, afterSeq, limit, beforeSeq) {
      const seq: Record<string, number> = { $gt: afterSeq };
      if (beforeSeq !== undefined) seq.$lt = beforeSeq;
      const docs = await models.Message.find({ circleId: toObjectId(circleId), seq: trusted(seq) })
        .sort({ seq: 1 })
        .limit(limit)
        .lean<MessageDocument[]>();
      return docs.map(toMessage);
    },
    async listBefore(circleId, beforeSeq, limit) {
      const docs = await models.Message.find({ circleId: toObjectId(circleId), seq: trusted({ $lt: beforeSeq }) })
        .sort({ seq: -1 })
        .limit(limit)
        .lean<MessageDocument[]>();
      return docs.map(toMessage).reverse();
    },
    async countUnread(circleId, userId, afterSeq) {
      return models.Message.countDocuments({
        circleId: toObjectId(circleId),
        seq: trusted({ $gt: afterSeq }),
        senderId: trusted({ $ne: toObjectId(userId) }),
      });
    },
  };

  const readMarkers: ReadMarkerRepository = {
    async find(circleId, userId) {
      const doc = await models.ReadMarker.findOne({ _id: pairId(circleId, userId) }).lean();
      return doc?.seq ?? 0;
    },
    async findForUser(userId) {
      const docs = await models.ReadMarker.find({ userId: toObjectId(userId) }).lean();
      return new Map(docs.map((d) => [d.circleId.toHexString(), d.seq]));
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

  const memberships = memberships_;
  return { users, circles, memberships, invitations, messages, readMarkers };
}
export type Repositories = ReturnType<typeof createRepositories>;
