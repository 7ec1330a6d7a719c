import { DuplicateKeyError, type ManagedUserRepository, type UserRecord, type UserRepository } from "@kring/domain";
import { Types } from "mongoose";
import { isDuplicateKey } from "../keyed/writes";
import { toObjectId } from "../models";
import { emailKey, type UserModels } from "./users.models";

// Every read here is a point read by `_id` and every write an insert or an update of one `_id`
// (../key-access.int.test.ts enforces it). sanitizeFilter (../connection.ts) neutralises operator
// objects smuggled into a filter.

export function createUserRepositories(models: UserModels) {
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

  return { users };
}
