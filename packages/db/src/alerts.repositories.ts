import {
  type AlertEventRecord,
  type AlertRecord,
  type AlertRepository,
  type CheckinRepository,
  type DeadLetterRepository,
  DuplicateKeyError,
  type EscalationRepository,
  type PreferencesRepository,
  type PushSubscriptionRepository,
} from "@kring/domain";
import type { AlertHistoryType, AlertKind, Channel, NotificationPreferences } from "@kring/protocol";
import { type Model, trusted, type Types } from "mongoose";
import type { AlertModels } from "./alerts.models";
import { toObjectId } from "./models";

const isDuplicateKey = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;

/** Inserts; false when the _id (or another unique key) exists. */
async function insertOnce(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** Replace-or-insert by _id; two first writers racing meet on the primary key, so retry once. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: mongoose's generics don't unify here
async function upsertById(model: Model<any>, id: unknown, fields: Record<string, unknown>) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await model.updateOne({ _id: id }, { $set: fields }, { upsert: true });
      return;
    } catch (error) {
      if (!isDuplicateKey(error) || attempt > 0) throw error;
    }
  }
}

const hex = (id: Types.ObjectId | null | undefined) => (id ? id.toHexString() : null);

type AlertDocument = {
  _id: Types.ObjectId;
  circleId: Types.ObjectId;
  kind: string;
  raisedBy: Types.ObjectId | null;
  clientId: string | null;
  createdAt: Date;
};
const toAlert = (doc: AlertDocument): AlertRecord => ({
  id: doc._id.toHexString(),
  circleId: doc.circleId.toHexString(),
  kind: doc.kind as AlertKind,
  raisedBy: hex(doc.raisedBy),
  clientId: doc.clientId,
  createdAt: doc.createdAt,
});

export function createAlertRepositories(models: AlertModels) {
  const alerts: AlertRepository = {
    async insert(alert) {
      try {
        const doc = await models.Alert.create({
          ...alert,
          circleId: toObjectId(alert.circleId),
          raisedBy: alert.raisedBy ? toObjectId(alert.raisedBy) : null,
        });
        return toAlert(doc.toObject() as AlertDocument);
      } catch (error) {
        if (isDuplicateKey(error)) throw new DuplicateKeyError("alert");
        throw error;
      }
    },
    async findByClientId(circleId, raisedBy, clientId) {
      const doc = await models.Alert.findOne({
        circleId: toObjectId(circleId),
        raisedBy: raisedBy ? toObjectId(raisedBy) : null,
        clientId,
      }).lean<AlertDocument>();
      return doc ? toAlert(doc) : null;
    },
    async findById(alertId) {
      const doc = await models.Alert.findById(toObjectId(alertId)).lean<AlertDocument>();
      return doc ? toAlert(doc) : null;
    },
    async listForCircle(circleId, limit) {
      const docs = await models.Alert.find({ circleId: toObjectId(circleId) })
        .sort({ createdAt: -1 })
        .limit(limit)
        .lean<AlertDocument[]>();
      return docs.map(toAlert);
    },
    async listForCircles(circleIds, limit) {
      const docs = await models.Alert.find({ circleId: trusted({ $in: circleIds.map(toObjectId) }) })
        .sort({ createdAt: -1 })
        .limit(limit)
        .lean<AlertDocument[]>();
      return docs.map(toAlert);
    },
    insertEvent(event) {
      return insertOnce(() =>
        models.AlertEvent.create({
          _id: event.id,
          alertId: toObjectId(event.alertId),
          circleId: toObjectId(event.circleId),
          type: event.type,
          userId: event.userId ? toObjectId(event.userId) : null,
          step: event.step,
          note: event.note,
          at: event.at,
        }),
      );
    },
    async hasEvent(circleId, eventId) {
      // _id alone: the only filter FerretDB/SQLite pushes down; the id starts with the alert id,
      // and the caller has already checked the alert's circle.
      const doc = await models.AlertEvent.findById(eventId, { circleId: 1 }).lean();
      return doc !== null && doc.circleId.toHexString() === circleId;
    },
    async listEvents(circleIds, alertIds) {
      if (alertIds.length === 0) return [];
      const docs = await models.AlertEvent.find({
        circleId: trusted({ $in: circleIds.map(toObjectId) }),
        alertId: trusted({ $in: alertIds.map(toObjectId) }),
      }).lean();
      return docs.map(
        (doc): AlertEventRecord => ({
          id: doc._id,
          alertId: doc.alertId.toHexString(),
          circleId: doc.circleId.toHexString(),
          type: doc.type as AlertHistoryType,
          userId: hex(doc.userId),
          step: doc.step ?? null,
          note: doc.note ?? null,
          at: doc.at,
        }),
      );
    },
  };

  const escalations: EscalationRepository = {
    async find(circleId) {
      const doc = await models.Escalation.findById(toObjectId(circleId)).lean();
      return doc
        ? { circleId, responders: doc.responders.map((r) => r.toHexString()), stepSeconds: doc.stepSeconds }
        : null;
    },
    async save(record) {
      await upsertById(models.Escalation, toObjectId(record.circleId), {
        responders: record.responders.map(toObjectId),
        stepSeconds: record.stepSeconds,
      });
    },
  };

  const checkins: CheckinRepository = {
    async findSchedule(circleId) {
      const doc = await models.CheckinSchedule.findById(toObjectId(circleId)).lean();
      return doc ? { circleId, deadline: doc.deadline, timeZone: doc.timeZone, enabled: doc.enabled } : null;
    },
    async saveSchedule(schedule) {
      await upsertById(models.CheckinSchedule, toObjectId(schedule.circleId), {
        deadline: schedule.deadline,
        timeZone: schedule.timeZone,
        enabled: schedule.enabled,
      });
    },
    async listEnabledSchedules() {
      const docs = await models.CheckinSchedule.find({ enabled: true }).lean();
      return docs.map((doc) => ({
        circleId: doc._id.toHexString(),
        deadline: doc.deadline,
        timeZone: doc.timeZone,
        enabled: doc.enabled,
      }));
    },
    async record(checkin) {
      const id = `${checkin.circleId}:${checkin.date}`;
      await insertOnce(() =>
        models.Checkin.create({ _id: id, ...checkin, circleId: toObjectId(checkin.circleId), by: toObjectId(checkin.by) }),
      );
      const stored = await models.Checkin.findOne({ _id: id, circleId: toObjectId(checkin.circleId) }).lean();
      if (!stored) throw new Error("check-in vanished after insert");
      return { circleId: checkin.circleId, date: stored.date, at: stored.at, by: stored.by.toHexString() };
    },
    async find(circleId, date) {
      const doc = await models.Checkin.findOne({ _id: `${circleId}:${date}`, circleId: toObjectId(circleId) }).lean();
      return doc ? { circleId, date: doc.date, at: doc.at, by: doc.by.toHexString() } : null;
    },
  };

  const preferences: PreferencesRepository = {
    async find(userId) {
      const doc = await models.NotificationPreferences.findById(toObjectId(userId)).lean();
      if (!doc) return null;
      return {
        channels: { push: Boolean(doc.channels?.push), email: Boolean(doc.channels?.email), sms: Boolean(doc.channels?.sms) },
        phone: doc.phone ?? null,
        quietHours: doc.quietHours?.start
          ? { start: doc.quietHours.start, end: doc.quietHours.end as string, timeZone: doc.quietHours.timeZone as string }
          : null,
        language: doc.language as NotificationPreferences["language"],
      };
    },
    async save(userId, value) {
      await upsertById(models.NotificationPreferences, toObjectId(userId), { ...value });
    },
  };

  const pushSubscriptions: PushSubscriptionRepository = {
    async save(subscription) {
      // An endpoint belongs to one browser; if another account used it before, it moves here.
      await models.PushSubscription.deleteOne({ endpoint: subscription.endpoint });
      await insertOnce(() =>
        models.PushSubscription.create({ ...subscription, userId: toObjectId(subscription.userId), createdAt: new Date() }),
      );
    },
    async remove(userId, endpoint) {
      await models.PushSubscription.deleteOne({ userId: toObjectId(userId), endpoint });
    },
    async removeByEndpoint(endpoint) {
      await models.PushSubscription.deleteOne({ endpoint });
    },
    async listForUser(userId) {
      const docs = await models.PushSubscription.find({ userId: toObjectId(userId) }).lean();
      return docs.map((doc) => ({
        userId,
        endpoint: doc.endpoint,
        keys: { p256dh: doc.keys?.p256dh ?? "", auth: doc.keys?.auth ?? "" },
      }));
    },
  };

  const deadLetters: DeadLetterRepository = {
    async insert(record) {
      await insertOnce(() =>
        models.DeadLetter.create({
          ...record,
          _id: record.id,
          circleId: record.circleId ? toObjectId(record.circleId) : null,
          recipientId: record.recipientId ? toObjectId(record.recipientId) : null,
        }),
      );
    },
    async listForCircle(circleId, limit) {
      const docs = await models.DeadLetter.find({ circleId: toObjectId(circleId) }).sort({ failedAt: -1 }).limit(limit).lean();
      return docs.map((doc) => ({
        id: doc._id,
        queue: doc.queue,
        jobName: doc.jobName,
        jobId: doc.jobId,
        circleId: hex(doc.circleId),
        channel: (doc.channel as Channel | null) ?? null,
        recipientId: hex(doc.recipientId),
        error: doc.error,
        attempts: doc.attempts,
        failedAt: doc.failedAt,
      }));
    },
  };

  /** Reads a setting, creating it with `create()` if absent; of two nodes racing, the first write wins. */
  async function getOrCreateSetting<T>(name: string, create: () => T): Promise<T> {
    const existing = await models.Setting.findById(name).lean();
    if (existing) return existing.value as T;
    await insertOnce(() => models.Setting.create({ _id: name, value: create() }));
    const stored = await models.Setting.findById(name).lean();
    return stored?.value as T;
  }

  return { alerts, escalations, checkins, preferences, pushSubscriptions, deadLetters, getOrCreateSetting };
}
export type AlertRepositories = ReturnType<typeof createAlertRepositories>;
