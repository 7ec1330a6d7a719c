import type { InvitationRepository } from "@kring/domain";
import type { Role } from "@kring/protocol";
import { Types } from "mongoose";
import { createSlotList } from "../keyed/slot-list";
import { isDuplicateKey, mapDuplicate } from "../keyed/writes";
import { toObjectId } from "../models";
import type { InvitationModels } from "./invitations.models";

// Every read here is a point read by `_id` and every write an insert or an update of one `_id`
// (../key-access.int.test.ts enforces it). sanitizeFilter (../connection.ts) neutralises operator
// objects smuggled into a filter.

export function createInvitationRepositories(models: InvitationModels) {
  type InvitationDocument = {
    _id: string;
    invitationId: Types.ObjectId;
    circleId: Types.ObjectId;
    role: string;
    createdBy: Types.ObjectId;
    expiresAt: Date;
  };
  const circleInvitations = createSlotList(models.CircleInvitationSlot);
  const findInvitation = async (code: string) => {
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
  };
  type RedemptionDocument = { circleId: Types.ObjectId; revoked?: boolean | null };
  const insertRedemption = async (circleId: string, invitationId: string, userId: string, now: Date, revoked: boolean) => {
    try {
      await models.InvitationRedemption.create({
        _id: toObjectId(invitationId),
        circleId: toObjectId(circleId),
        userId: toObjectId(userId),
        redeemedAt: now,
        revoked,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  };
  const invitations: InvitationRepository = {
    /** The invitation, then its slot in the circle's index (a slot without a live invitation is skipped). */
    async create(input) {
      const invitationId = new Types.ObjectId();
      const createdAt = new Date();
      await mapDuplicate("code", () =>
        models.Invitation.create({
          _id: input.code,
          invitationId,
          circleId: toObjectId(input.circleId),
          role: input.role,
          createdBy: toObjectId(input.createdBy),
          expiresAt: input.expiresAt,
          createdAt,
        }),
      );
      await circleInvitations.append(input.circleId, input.code, createdAt);
      return { ...input, id: invitationId.toHexString() };
    },
    findByCode: findInvitation,
    async listNewest(circleId, limit) {
      const codes = await circleInvitations.newest(circleId, limit);
      const found = await Promise.all(codes.map(findInvitation));
      return found.filter((invitation): invitation is NonNullable<typeof invitation> => invitation !== null && invitation.circleId === circleId);
    },
    async findRedemption(circleId, invitationId) {
      const doc = await models.InvitationRedemption.findById(toObjectId(invitationId)).lean<RedemptionDocument>();
      if (!doc || doc.circleId.toHexString() !== circleId) return null;
      return doc.revoked ? "revoked" : "used";
    },
    revoke: (circleId, invitationId, userId, now) => insertRedemption(circleId, invitationId, userId, now, true),
    redeem: (circleId, invitationId, userId, now) => insertRedemption(circleId, invitationId, userId, now, false),
    async isRedeemed(circleId, invitationId) {
      const doc = await models.InvitationRedemption.findById(toObjectId(invitationId)).lean();
      return doc !== null && doc.circleId.toHexString() === circleId;
    },
  };

  return { invitations };
}
