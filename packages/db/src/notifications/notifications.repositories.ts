import type { DeadLetterRecord, DeadLetterRepository, PreferencesRepository, PushSubscriptionRepository } from "@kring/domain";
import type { Channel, NotificationPreferences } from "@kring/protocol";
import { createHash } from "node:crypto";
import type { Types } from "mongoose";
import { createSlotList } from "../keyed/slot-list";
import { insertOnce, upsertById } from "../keyed/writes";
import { toObjectId } from "../models";
import type { NotificationModels } from "./notifications.models";

const hex = (id: Types.ObjectId | null | undefined) => (id ? id.toHexString() : null);
const endpointKey = (endpoint: string) => createHash("sha256").update(endpoint).digest("hex");
/** A user has a handful of browsers; only their newest endpoints are looked at. */
const PUSH_SLOTS_READ = 20;

export function createNotificationRepositories(models: NotificationModels) {
  const userEndpoints = createSlotList(models.UserPushSlot);
  const circleDeadLetters = createSlotList(models.CircleDeadLetterSlot);

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

  async function markRemoved(key: string) {
    await models.PushEndpoint.updateOne({ _id: key }, { $set: { removed: true } });
  }

  const pushSubscriptions: PushSubscriptionRepository = {
    async save(subscription) {
      const key = endpointKey(subscription.endpoint);
      const existing = await models.PushEndpoint.findById(key).lean();
      // An endpoint belongs to one browser; if another account used it before, it moves here.
      await upsertById(models.PushEndpoint, key, {
        endpoint: subscription.endpoint,
        userId: toObjectId(subscription.userId),
        keys: subscription.keys,
        removed: false,
        createdAt: existing?.createdAt ?? new Date(),
      });
      if (!existing || existing.userId.toHexString() !== subscription.userId) {
        await userEndpoints.append(subscription.userId, key, new Date());
      }
    },
    async remove(userId, endpoint) {
      const key = endpointKey(endpoint);
      const existing = await models.PushEndpoint.findById(key).lean();
      if (existing && existing.userId.toHexString() === userId && !existing.removed) await markRemoved(key);
    },
    async removeByEndpoint(endpoint) {
      await markRemoved(endpointKey(endpoint));
    },
    async listForUser(userId) {
      const keys = [...new Set(await userEndpoints.newest(userId, PUSH_SLOTS_READ))];
      const docs = await Promise.all(keys.map((key) => models.PushEndpoint.findById(key).lean()));
      return docs
        .filter((doc) => doc !== null && !doc.removed && doc.userId.toHexString() === userId)
        .map((doc) => ({
          userId,
          endpoint: doc!.endpoint,
          keys: { p256dh: doc!.keys?.p256dh ?? "", auth: doc!.keys?.auth ?? "" },
        }));
    },
  };

  const deadLetters: DeadLetterRepository = {
    async insert(record) {
      const isNew = await insertOnce(() =>
        models.DeadLetter.create({
          ...record,
          _id: record.id,
          circleId: record.circleId ? toObjectId(record.circleId) : null,
          recipientId: record.recipientId ? toObjectId(record.recipientId) : null,
        }),
      );
      if (isNew && record.circleId) await circleDeadLetters.append(record.circleId, record.id, record.failedAt);
    },
    async listForCircle(circleId, limit) {
      const ids = [...new Set(await circleDeadLetters.newest(circleId, limit))];
      const docs = await Promise.all(ids.map((id) => models.DeadLetter.findById(id).lean()));
      return docs
        .filter((doc) => doc !== null && hex(doc.circleId) === circleId)
        .map(
          (doc): DeadLetterRecord => ({
            id: doc!._id,
            queue: doc!.queue,
            jobName: doc!.jobName,
            jobId: doc!.jobId,
            circleId: hex(doc!.circleId),
            channel: (doc!.channel as Channel | null) ?? null,
            recipientId: hex(doc!.recipientId),
            error: doc!.error,
            attempts: doc!.attempts,
            failedAt: doc!.failedAt,
          }),
        )
        .sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime());
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

  return { preferences, pushSubscriptions, deadLetters, getOrCreateSetting };
}
