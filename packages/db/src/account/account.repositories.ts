import type { AccountRepository, PasswordResetRepository } from "@kring/domain";
import { toObjectId } from "../models";
import type { UserModels } from "../users/users.models";
import { insertOnce } from "../keyed/writes";
import type { AccountModels } from "./account.models";

/** Account basics (issue #11): every access by `_id`. */
export function createAccountRepositories(models: AccountModels & Pick<UserModels, "User">) {
  const account: AccountRepository = {
    async setPasswordHash(userId, passwordHash) {
      await models.User.updateOne({ _id: toObjectId(userId) }, { $set: { passwordHash } });
    },
    async rename(userId, name) {
      await models.User.updateOne({ _id: toObjectId(userId) }, { $set: { name } });
    },
  };
  const passwordResets: PasswordResetRepository = {
    async create(record) {
      await models.PasswordReset.create({ _id: record.tokenHash, userId: toObjectId(record.userId), expiresAt: record.expiresAt });
    },
    async find(tokenHash) {
      const doc = await models.PasswordReset.findById(tokenHash).lean();
      if (!doc?.userId || !doc.expiresAt) return null;
      return { tokenHash, userId: doc.userId.toHexString(), expiresAt: doc.expiresAt };
    },
    async redeem(tokenHash, at) {
      // A token is used once: the second redemption meets the `used:` key.
      return insertOnce(() => models.PasswordReset.create({ _id: `used:${tokenHash}`, usedAt: at }));
    },
  };
  return { account, passwordResets };
}
