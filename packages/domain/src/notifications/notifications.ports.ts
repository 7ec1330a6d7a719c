import type {
  Alert,
  DeadLetter,
  DeliverNotificationJob,
  MessageDigestJob,
  Notification,
  NotificationPreferences,
} from "@kring/protocol";
import type { UserRecord } from "../users/users.ports";

// What the pager, delivery and digests need: preferences, push subscriptions and dead letters
// (packages/db/src/notifications/), the delivery and digest queues (BullMQ), the sockets, and the
// channels that send.

export type PreferencesRecord = NotificationPreferences & { userId: string };

export interface PreferencesRepository {
  find(userId: string): Promise<NotificationPreferences | null>;
  save(userId: string, preferences: NotificationPreferences): Promise<void>;
}

export type PushSubscriptionRecord = { userId: string; endpoint: string; keys: { p256dh: string; auth: string } };

export interface PushSubscriptionRepository {
  save(subscription: PushSubscriptionRecord): Promise<void>;
  remove(userId: string, endpoint: string): Promise<void>;
  removeByEndpoint(endpoint: string): Promise<void>;
  listForUser(userId: string): Promise<PushSubscriptionRecord[]>;
}

export type DeadLetterRecord = Omit<DeadLetter, "failedAt"> & { failedAt: Date };

export interface DeadLetterRepository {
  insert(record: DeadLetterRecord): Promise<void>;
  listForCircle(circleId: string, limit: number): Promise<DeadLetterRecord[]>;
}

/** Enqueues one delivery job per recipient and channel (BullMQ in production). */
export interface NotificationQueue {
  enqueue(jobs: { job: DeliverNotificationJob; delayMs: number }[]): Promise<void>;
}

/** Pushes facts to sockets: Socket.IO in the server, the Redis emitter in the worker. */
export interface RealtimePublisher {
  alertUpdated(alert: Alert): void;
  notify(userId: string, notification: Notification): void;
}

export interface DigestScheduler {
  scheduleDigest(job: MessageDigestJob, delayMs: number): Promise<void>;
}

/** Sends one notification on one channel; throws to make the job retry. */
export type ChannelSender = (target: {
  user: UserRecord;
  preferences: NotificationPreferences;
  notification: Notification;
}) => Promise<"sent" | "skipped">;
