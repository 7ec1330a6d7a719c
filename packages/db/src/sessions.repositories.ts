import type { PairingRepository, SessionRecord, SessionRepository } from "@kring/domain";
import { trusted, type Types } from "mongoose";
import { toObjectId } from "./models";
import type { SessionModels } from "./sessions.models";

type SessionDocument = {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  kind: string;
  createdAt: Date;
  lastUsedAt: Date;
  revokedAt?: Date | null;
};
const toSession = (doc: SessionDocument): SessionRecord => ({
  id: doc._id.toHexString(),
  userId: doc.userId.toHexString(),
  name: doc.name,
  kind: doc.kind as SessionRecord["kind"],
  createdAt: doc.createdAt,
  lastUsedAt: doc.lastUsedAt,
  revokedAt: doc.revokedAt ?? null,
});

export function createSessionRepositories(models: SessionModels) {
  const sessions: SessionRepository = {
    async create(input) {
      const doc = await models.Session.create({
        ...input,
        userId: toObjectId(input.userId),
        lastUsedAt: input.createdAt,
        revokedAt: null,
      });
      return toSession(doc.toObject() as SessionDocument);
    },
    async findByTokenHash(tokenHash) {
      const doc = await models.Session.findOne({ tokenHash }).lean<SessionDocument>();
      return doc ? toSession(doc) : null;
    },
    async findById(sessionId) {
      const doc = await models.Session.findById(toObjectId(sessionId)).lean<SessionDocument>();
      return doc ? toSession(doc) : null;
    },
    async listForUsers(userIds, kind) {
      const docs = await models.Session.find({ userId: trusted({ $in: userIds.map(toObjectId) }), kind })
        .sort({ createdAt: -1 })
        .lean<SessionDocument[]>();
      return docs.map(toSession);
    },
    async touch(sessionId, at) {
      // Last write wins is fine for a "last used" timestamp.
      await models.Session.updateOne({ _id: toObjectId(sessionId) }, { $set: { lastUsedAt: at } });
    },
    async revoke(sessionId, at) {
      // Setting revokedAt is idempotent; a racing touch cannot clear it (it sets another field).
      await models.Session.updateOne({ _id: toObjectId(sessionId) }, { $set: { revokedAt: at } });
    },
  };

  const pairings: PairingRepository = {
    async create(input) {
      const doc = await models.Pairing.create({
        ...input,
        circleId: toObjectId(input.circleId),
        userId: toObjectId(input.userId),
        createdBy: toObjectId(input.createdBy),
      });
      return { ...input, id: doc._id.toHexString() };
    },
    async findByCode(code) {
      const doc = await models.Pairing.findOne({ code }).lean();
      return doc
        ? {
            id: doc._id.toHexString(),
            circleId: doc.circleId.toHexString(),
            userId: doc.userId.toHexString(),
            code: doc.code,
            createdBy: doc.createdBy.toHexString(),
            expiresAt: doc.expiresAt,
          }
        : null;
    },
    async redeem(circleId, pairingId, now) {
      try {
        await models.PairingRedemption.create({ _id: toObjectId(pairingId), circleId: toObjectId(circleId), redeemedAt: now });
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === 11000) return false;
        throw error;
      }
    },
  };

  return { sessions, pairings };
}
