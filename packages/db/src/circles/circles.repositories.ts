import { type CircleRepository, DuplicateKeyError, type MembershipRepository } from "@kring/domain";
import type { Role } from "@kring/protocol";
import type { Types } from "mongoose";
import { isDuplicateKey, mapDuplicate } from "../keyed/writes";
import { toObjectId } from "../models";
import { type CircleModels, pairId } from "./circles.models";

// Every read here is a point read by `_id` and every write an insert or an update of one `_id`
// (../key-access.int.test.ts enforces it). sanitizeFilter (../connection.ts) neutralises operator
// objects smuggled into a filter.

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

export function createCircleRepositories(models: CircleModels) {
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
    /**
     * Issue #11: the membership document goes (by key); both slot lists keep their entries, which
     * `membershipsOf` skips once no membership answers them. A later re-join appends new slots.
     */
    async remove(circleId, userId) {
      const result = await models.Membership.deleteOne({ _id: pairId(circleId, userId) });
      return result.deletedCount === 1;
    },
    async listFormerForCircle(circleId) {
      const slots = await readSlots(readSlot(`c:${circleId}`));
      const userIds = [...new Set(slots.map((slot) => slot.userId.toHexString()))];
      const current = await Promise.all(userIds.map((userId) => findMembership(circleId, userId)));
      return userIds.filter((_, index) => current[index] === null);
    },
    async reinstate(membership) {
      const { circleId, userId } = membership;
      try {
        await models.Membership.create({ ...membership, _id: pairId(circleId, userId), circleId: toObjectId(circleId), userId: toObjectId(userId) });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },
  };

  return { circles, memberships };
}
