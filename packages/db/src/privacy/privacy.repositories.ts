import type {
  AccessAggregate,
  AccessLogRepository,
  AccountEraser,
  MessageEraser,
  RetentionRepository,
} from "@kring/domain";
import { AccessCategory, AccessChangeAction, DeviceKind } from "@kring/protocol";
import { createSlotList, type SlotModel } from "../keyed/slot-list";
import { pairId } from "../circles/circles.models";
import { messageKey, readMarkerKey } from "../messages/messages.models";
import { type Models, toObjectId } from "../models";
import { emailKey } from "../users/users.models";
import type { NotificationModels } from "../notifications/notifications.models";
import type { SessionModels } from "../sessions/sessions.models";
import type { ResidentModels } from "../residents/residents.models";
import type { PrivacyModels } from "./privacy.models";

// Every read is a point read of a computed `_id`; the one exception is named `maintenance…` and
// runs once a day in the worker (privacy-key-access.int.test.ts enforces it).

type AllModels = Models & NotificationModels & SessionModels & ResidentModels & PrivacyModels;

const rowKey = (circleId: string, day: string, row: string) => `${circleId}:${day}:${row}`;
const rowOf = (a: Pick<AccessAggregate, "userId" | "category" | "deviceKind">) => `${a.userId}:${a.category}:${a.deviceKind}`;
const READ_BATCH = 50;

type RowDocument = { userId: { toHexString(): string }; category: string; deviceKind: string; day: string; count: number; firstAt: Date; lastAt: Date };

/** Deletes slots `scope:0`, `scope:1`, … up to the last one (point deletes). */
async function deleteSlots(model: SlotModel, scope: string) {
  const last = await createSlotList(model).last(scope);
  for (let slot = 0; slot <= last; slot += 1) await model.deleteOne({ _id: `${scope}:${slot}` });
}

export function createPrivacyRepositories(models: AllModels) {
  const changes = createSlotList(models.AccessChangeSlot);

  const accessLog: AccessLogRepository = {
    async saveDay(circleId, day, aggregates) {
      for (const a of aggregates) {
        // $max/$min: a repeated or late flush never lowers a count or moves the times inward.
        await models.AccessLogRow.updateOne(
          { _id: rowKey(circleId, day, rowOf(a)) },
          {
            $max: { count: a.count, lastAt: a.lastAt },
            $min: { firstAt: a.firstAt },
            $setOnInsert: { circleId: toObjectId(circleId), day, userId: toObjectId(a.userId), category: a.category, deviceKind: a.deviceKind },
          },
          { upsert: true },
        );
      }
      // After the rows: an index entry never names a row that does not exist.
      await models.AccessLogDay.updateOne({ _id: `${circleId}:${day}` }, { $addToSet: { rows: { $each: aggregates.map(rowOf) } } }, { upsert: true });
    },
    async readDay(circleId, day) {
      const index = await models.AccessLogDay.findById(`${circleId}:${day}`).lean<{ rows?: string[] }>();
      const rows = [...new Set(index?.rows ?? [])];
      const found: AccessAggregate[] = [];
      for (let i = 0; i < rows.length; i += READ_BATCH) {
        const docs = await Promise.all(rows.slice(i, i + READ_BATCH).map((row) => models.AccessLogRow.findById(rowKey(circleId, day, row)).lean<RowDocument>()));
        for (const doc of docs) {
          if (!doc) continue;
          const category = AccessCategory.safeParse(doc.category);
          const deviceKind = DeviceKind.safeParse(doc.deviceKind);
          if (!category.success || !deviceKind.success) continue;
          found.push({ userId: doc.userId.toHexString(), category: category.data, deviceKind: deviceKind.data, day: doc.day, count: doc.count, firstAt: doc.firstAt, lastAt: doc.lastAt });
        }
      }
      return found;
    },
    async removeDay(circleId, day) {
      const index = await models.AccessLogDay.findById(`${circleId}:${day}`).lean<{ rows?: string[] }>();
      if (!index) return;
      for (const row of new Set(index.rows ?? [])) await models.AccessLogRow.deleteOne({ _id: rowKey(circleId, day, row) });
      await models.AccessLogDay.deleteOne({ _id: `${circleId}:${day}` });
    },
    async appendChange(change) {
      await changes.append(change.circleId, `${change.userId}:${change.action}`, change.at);
    },
    async listChanges(circleId, from, to, limit) {
      const found: { circleId: string; userId: string; action: AccessChangeAction; at: Date }[] = [];
      let slot = await changes.last(circleId);
      while (slot >= 0 && found.length < limit) {
        const slots = Array.from({ length: Math.min(READ_BATCH, slot + 1) }, (_, i) => slot - i);
        const docs = await Promise.all(slots.map((n) => models.AccessChangeSlot.findById(`${circleId}:${n}`).lean<{ value: string; at: Date }>()));
        for (const doc of docs) {
          if (!doc) continue;
          // Slots are appended in time order: past `from`, everything older is too.
          if (doc.at < from) return found;
          const [userId = "", actionText = ""] = doc.value.split(":");
          const action = AccessChangeAction.safeParse(actionText);
          if (doc.at < to && action.success && found.length < limit) found.push({ circleId, userId, action: action.data, at: doc.at });
        }
        slot -= slots.length;
      }
      return found;
    },
    async readExpiryCursor(circleId) {
      const doc = await models.PrivacyCursor.findById(`expiry:${circleId}`).lean<{ value: string }>();
      return typeof doc?.value === "string" ? doc.value : null;
    },
    async saveExpiryCursor(circleId, day) {
      await models.PrivacyCursor.updateOne({ _id: `expiry:${circleId}` }, { $set: { value: day } }, { upsert: true });
    },
  };

  const retention: RetentionRepository = {
    async find(circleId) {
      const doc = await models.Retention.findById(circleId).lean<{ messagesDays?: number | null; updatedAt: Date }>();
      return doc ? { circleId, messagesDays: doc.messagesDays ?? null, updatedAt: doc.updatedAt } : null;
    },
    async save(record) {
      await models.Retention.updateOne(
        { _id: record.circleId },
        { $set: { messagesDays: record.messagesDays, updatedAt: record.updatedAt } },
        { upsert: true },
      );
    },
    async readCursor(circleId, thread) {
      const doc = await models.PrivacyCursor.findById(`retention:${circleId}:${thread}`).lean<{ value: number }>();
      return typeof doc?.value === "number" ? doc.value : 1;
    },
    async saveCursor(circleId, thread, nextSeq) {
      await models.PrivacyCursor.updateOne({ _id: `retention:${circleId}:${thread}` }, { $set: { value: nextSeq } }, { upsert: true });
    },
    async maintenanceListCircleIds() {
      const docs = await models.Circle.find({}, { _id: 1 }).lean<{ _id: { toHexString(): string } }[]>();
      return docs.map((doc) => doc._id.toHexString());
    },
  };

  const messageEraser: MessageEraser = {
    async tombstone(circleId, thread, seq) {
      await models.Message.updateOne(
        { _id: messageKey(circleId, thread, seq) },
        { $set: { deleted: true, body: "" }, $unset: { system: 1, kind: 1 } },
      );
    },
    async anonymiseSystemLine(circleId, thread, seq) {
      await models.Message.updateOne(
        { _id: messageKey(circleId, thread, seq) },
        { $set: { body: "", "system.userId": null, "system.name": "", "system.note": null } },
      );
    },
  };

  const accountEraser: AccountEraser = {
    async eraseAccount(userId) {
      const id = toObjectId(userId);
      const user = await models.User.findById(id).lean<{ email?: string; isManaged?: boolean }>();
      const sessions = await Promise.all(
        (["browser", "tablet"] as const).map((kind) => createSessionLister(models)(userId, kind)),
      );
      const sessionIds = sessions.flat();
      for (const sessionId of sessionIds) await models.Session.deleteOne({ _id: toObjectId(sessionId) });
      await deleteSlots(models.UserSessionSlot, userId);
      const pushKeys = await createSlotList(models.UserPushSlot).newest(userId, 1000);
      for (const key of new Set(pushKeys)) {
        const doc = await models.PushEndpoint.findById(key).lean<{ userId?: { toHexString(): string } }>();
        if (doc?.userId?.toHexString() === userId) await models.PushEndpoint.deleteOne({ _id: key });
      }
      await deleteSlots(models.UserPushSlot, userId);
      await models.NotificationPreferences.deleteOne({ _id: id });
      if (user?.email && !user.isManaged) await models.LookupKey.deleteOne({ _id: emailKey(user.email) });
      await models.User.deleteOne({ _id: id });
      return { sessionIds };
    },
    async eraseMembership(circleId, userId) {
      await Promise.all([
        models.Membership.deleteOne({ _id: pairId(circleId, userId) }),
        models.ReadMarker.deleteOne({ _id: readMarkerKey(circleId, userId, "circle") }),
        models.ReadMarker.deleteOne({ _id: readMarkerKey(circleId, userId, "team") }),
        models.ResidentProfile.deleteOne({ _id: `${circleId}:${userId}` }),
      ]);
      // The user's own list of circles (`u:<userId>:<n>`) goes too; the circle's list skips a slot
      // whose membership is gone.
      for (let slot = 0; ; slot += 1) {
        const found = await models.MemberSlot.findById(`u:${userId}:${slot}`).lean();
        if (!found) break;
        await models.MemberSlot.deleteOne({ _id: `u:${userId}:${slot}` });
      }
    },
  };

  return { accessLog, retention, messageEraser, accountEraser };
}

/** The ids of a user's device sessions of one kind: their slot list, then each session by key. */
function createSessionLister(models: SessionModels) {
  return async (userId: string, kind: "browser" | "tablet") => {
    const ids = await createSlotList(models.UserSessionSlot).newest(userId, 1000);
    const docs = await Promise.all([...new Set(ids)].map((sid) => (/^[0-9a-f]{24}$/.test(sid) ? models.Session.findById(toObjectId(sid)).lean<{ _id: { toHexString(): string }; userId: { toHexString(): string }; kind: string }>() : null)));
    return docs.filter((doc) => doc !== null && doc.userId.toHexString() === userId && doc.kind === kind).map((doc) => doc!._id.toHexString());
  };
}
