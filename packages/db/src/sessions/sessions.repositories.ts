import type { PairingRepository, SessionRecord, SessionRepository } from "@kring/domain";
import { Types } from "mongoose";
import { createSlotList } from "../keyed/slot-list";
import { isDuplicateKey } from "../keyed/writes";
import { toObjectId } from "../models";
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

/** The newest sessions of a user that a device list looks at (a tablet has one or two). */
const SESSION_SLOTS_READ = 100;

export function createSessionRepositories(models: SessionModels) {
  const userSessions = createSlotList(models.UserSessionSlot);

  async function findById(sessionId: string): Promise<SessionRecord | null> {
    if (!Types.ObjectId.isValid(sessionId)) return null;
    const doc = await models.Session.findById(toObjectId(sessionId)).lean<SessionDocument>();
    return doc ? toSession(doc) : null;
  }

  const sessions: SessionRepository = {
    async create(input) {
      const sessionId = new Types.ObjectId();
      // The token key first: a (practically impossible) repeated token fails here, before anything is filed.
      await models.SessionToken.create({ _id: input.tokenHash, sessionId });
      await userSessions.append(input.userId, sessionId.toHexString(), input.createdAt);
      const doc = await models.Session.create({
        ...input,
        _id: sessionId,
        userId: toObjectId(input.userId),
        lastUsedAt: input.createdAt,
        revokedAt: null,
      });
      return toSession(doc.toObject() as SessionDocument);
    },
    async findByTokenHash(tokenHash) {
      const key = await models.SessionToken.findById(tokenHash).lean();
      return key ? findById(key.sessionId.toHexString()) : null;
    },
    findById,
    async listForUsers(userIds, kind) {
      const perUser = await Promise.all(
        userIds.map(async (userId) => {
          const ids = [...new Set(await userSessions.newest(userId, SESSION_SLOTS_READ))];
          return Promise.all(ids.map(findById));
        }),
      );
      return perUser
        .flat()
        .filter((s): s is SessionRecord => s !== null && s.kind === kind)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
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
      const pairingId = new Types.ObjectId();
      await models.PairingCode.create({ _id: input.code, pairingId });
      await models.Pairing.create({
        ...input,
        _id: pairingId,
        circleId: toObjectId(input.circleId),
        userId: toObjectId(input.userId),
        createdBy: toObjectId(input.createdBy),
      });
      return { ...input, id: pairingId.toHexString() };
    },
    async findByCode(code) {
      const key = await models.PairingCode.findById(code).lean();
      const doc = key ? await models.Pairing.findById(key.pairingId).lean() : null;
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
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
  };

  return { sessions, pairings };
}
