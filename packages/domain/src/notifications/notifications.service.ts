import {
  type Channel,
  DEFAULT_NOTIFICATION_PREFERENCES,
  type DeliverNotificationJob,
  type MessageDigestJob,
  type CircleActivityJob,
  type Notification,
  type NotificationKind,
  type NotificationPreferences,
  type Role,
} from "@kring/protocol";
import { isUrgent, type PageRequest } from "../alerts/alerts.service";
import { quietHoursEnd } from "../local-time";
import { notificationText } from "./notification-texts";

export { notificationText } from "./notification-texts";
import { createMessageLog } from "../messages/message-log";
import { readableThreads } from "../messages/thread-access";
import type { AlertRepository } from "../alerts/alerts.ports";
import type { CircleRepository, MembershipRepository } from "../circles/circles.ports";
import type { MessageCache, MessageRepository, ReadMarkerRepository } from "../messages/messages.ports";
import type { PresenceReader } from "../presence/presence.ports";
import type { UserRepository } from "../users/users.ports";
import type { ChannelSender, DigestScheduler, NotificationQueue, PreferencesRepository, RealtimePublisher } from "./notifications.ports";

/** Channels for one recipient: in-app always; the others as the member chose. SMS only for alerts. */
export function channelsFor(preferences: NotificationPreferences, kind: NotificationKind): Channel[] {
  const channels: Channel[] = ["in_app"];
  if (preferences.channels.push) channels.push("push");
  if (preferences.channels.email) channels.push("email");
  if (preferences.channels.sms && preferences.phone && kind !== "message_digest") channels.push("sms");
  return channels;
}

export type NotificationsDependencies = {
  preferences: PreferencesRepository;
  queue: NotificationQueue;
  now: () => Date;
  /**
   * The short raise → page path, used by the worker: the in-app page is emitted here at once (no
   * delivery job, no re-reads), and a push/email/SMS job is queued only for a recipient that channel
   * can reach. Without it (the server), every channel is a queued job as before.
   */
  direct?: {
    publisher: RealtimePublisher;
    /** null when the circle is gone: nothing is sent. */
    circleName: (circleId: string) => Promise<string | null>;
    /** Whether the channel could deliver to this user now (a push subscription, an email address and SMTP, …). */
    canReach: (channel: Exclude<Channel, "in_app">, userId: string) => Promise<boolean>;
  };
};

async function preferencesOf(repository: PreferencesRepository, userId: string): Promise<NotificationPreferences> {
  return (await repository.find(userId)) ?? DEFAULT_NOTIFICATION_PREFERENCES;
}

/** The notification a recipient gets; the same id whichever channel carries it. */
export function buildNotification(input: {
  kind: NotificationKind;
  sourceId: string;
  recipientId: string;
  circleId: string;
  alertId: string | null;
  urgent: boolean;
  circleName: string;
  language: NotificationPreferences["language"];
  at: Date;
}): Notification {
  return {
    id: `${input.sourceId}:${input.recipientId}`,
    kind: input.kind,
    circleId: input.circleId,
    alertId: input.alertId,
    text: notificationText(input.kind, input.circleName, input.language),
    urgent: input.urgent,
    at: input.at.toISOString(),
  };
}

/**
 * Turns a page into notifications: in-app at once (emitted directly with `direct`, else a job), and
 * one delivery job per other channel. Urgent alerts go out at once on every channel; anything else
 * waits for the recipient's quiet hours to end (in-app is silent and goes at once).
 */
export function createPager(deps: NotificationsDependencies) {
  return async function page(request: PageRequest): Promise<void> {
    const urgent = isUrgent(request.alert.kind);
    const sourceId = request.kind === "alert_unanswered" ? `${request.alert.id}:unanswered` : request.alert.id;
    const direct = deps.direct;
    const circleName = direct ? await direct.circleName(request.circleId) : null;
    if (direct && circleName === null) return;
    const perRecipient = await Promise.all(
      request.recipients.map(async (recipientId) => {
        const preferences = await preferencesOf(deps.preferences, recipientId);
        const now = deps.now();
        const quietEnd = urgent || !preferences.quietHours ? null : quietHoursEnd(now, preferences.quietHours);
        let channels = channelsFor(preferences, request.kind).filter((channel) =>
          request.channels === "in_app" ? channel === "in_app" : request.channels === "others" ? channel !== "in_app" : true,
        );
        if (direct && circleName !== null) {
          if (channels.includes("in_app")) {
            direct.publisher.notify(
              recipientId,
              buildNotification({ kind: request.kind, sourceId, recipientId, circleId: request.circleId, alertId: request.alert.id, urgent, circleName, language: preferences.language, at: now }),
            );
          }
          const others = channels.filter((c): c is Exclude<Channel, "in_app"> => c !== "in_app");
          const reachable = await Promise.all(others.map((channel) => direct.canReach(channel, recipientId)));
          channels = others.filter((_, index) => reachable[index]);
        }
        return channels.map((channel) => ({
          job: { circleId: request.circleId, recipientId, channel, kind: request.kind, sourceId, alertId: request.alert.id, urgent },
          delayMs: quietEnd && channel !== "in_app" ? quietEnd.getTime() - now.getTime() : 0,
        }));
      }),
    );
    await deps.queue.enqueue(perRecipient.flat());
  };
}

export type DigestDependencies = {
  memberships: MembershipRepository;
  presence: PresenceReader;
  preferences: PreferencesRepository;
  digests: DigestScheduler;
  messages: MessageRepository;
  messageCache: MessageCache;
  readMarkers: ReadMarkerRepository;
  queue: NotificationQueue;
  now: () => Date;
};

/** The routine path: members without a connected socket get at most one digest per circle per window. */
export function digestWindowOf(now: Date, windowMs: number): { windowStart: number; endsInMs: number } {
  const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
  return { windowStart, endsInMs: windowStart + windowMs - now.getTime() };
}

/**
 * Called for every new message: queues the circle's digest check for the current window, once per
 * circle and window from this node (one Redis call per circle and window; the queue's job id,
 * `activity-<circleId>-<windowStart>`, de-duplicates across nodes). A failed queueing is reported and
 * forgotten, so the next message of that window tries again.
 */
export function createDigestTrigger(deps: {
  scheduleCircleActivity: (job: { circleId: string; windowStart: number }, delayMs: number) => Promise<void>;
  windowMs: number;
  now: () => Date;
  onError: (error: unknown) => void;
  /** Bounds this node's memory of queued windows; past it, it starts over (a repeat is harmless). */
  maxRemembered?: number;
}) {
  const queuedWindow = new Map<string, number>();
  const maxRemembered = deps.maxRemembered ?? 100_000;
  return {
    messageStored(message: { circleId: string }): void {
      const window = digestWindowOf(deps.now(), deps.windowMs);
      if (queuedWindow.get(message.circleId) === window.windowStart) return;
      if (queuedWindow.size >= maxRemembered) queuedWindow.clear();
      queuedWindow.set(message.circleId, window.windowStart);
      deps.scheduleCircleActivity({ circleId: message.circleId, windowStart: window.windowStart }, window.endsInMs).catch((error: unknown) => {
        queuedWindow.delete(message.circleId);
        deps.onError(error);
      });
    },
  };
}
export type DigestTrigger = ReturnType<typeof createDigestTrigger>;

export function createDigests(deps: DigestDependencies) {
  // Unread is arithmetic on keys (newest seq − read marker), never a count of documents.
  const log = createMessageLog(deps);
  /**
   * Unread over the threads the member may read: a resident's digest never counts (so is never
   * triggered by) a care-team message.
   */
  const unreadFor = async (circleId: string, userId: string, role: Role) => {
    const counts = await Promise.all(readableThreads(role).map((thread) => log.unreadCount(circleId, userId, thread)));
    return counts.reduce((sum, count) => sum + count, 0);
  };
  return {
    /** At the end of a window with new messages: a digest for each member offline with unread messages. */
    async onCircleActivity(job: CircleActivityJob): Promise<{ scheduled: string[] }> {
      const memberships = await deps.memberships.listForCircle(job.circleId);
      const scheduled: string[] = [];
      const now = deps.now().getTime();
      for (const { userId, role } of memberships) {
        if (await deps.presence.isOnline(userId)) continue;
        if ((await unreadFor(job.circleId, userId, role)) === 0) continue;
        const preferences = await preferencesOf(deps.preferences, userId);
        const quietEnd = preferences.quietHours ? quietHoursEnd(new Date(now), preferences.quietHours) : null;
        const delayMs = quietEnd ? quietEnd.getTime() - now : 0;
        await deps.digests.scheduleDigest({ circleId: job.circleId, userId, windowStart: job.windowStart }, delayMs);
        scheduled.push(userId);
      }
      return { scheduled };
    },

    /** Sends the digest unless the member has read everything (or left) meanwhile. */
    async runDigest(job: MessageDigestJob): Promise<{ outcome: "sent" | "nothing_unread" | "not_member" }> {
      const membership = await deps.memberships.find(job.circleId, job.userId);
      if (!membership) return { outcome: "not_member" };
      const unread = await unreadFor(job.circleId, job.userId, membership.role);
      if (unread === 0) return { outcome: "nothing_unread" };
      const preferences = await preferencesOf(deps.preferences, job.userId);
      const sourceId = `digest:${job.circleId}:${job.userId}:${job.windowStart}`;
      await deps.queue.enqueue(
        channelsFor(preferences, "message_digest")
          .filter((channel) => channel !== "in_app")
          .map((channel) => ({
            job: { circleId: job.circleId, recipientId: job.userId, channel, kind: "message_digest", sourceId, alertId: null, urgent: false },
            delayMs: 0,
          })),
      );
      return { outcome: "sent" };
    },
  };
}

export type DeliveryDependencies = {
  alerts: AlertRepository;
  circles: CircleRepository;
  memberships: MembershipRepository;
  users: UserRepository;
  preferences: PreferencesRepository;
  channels: Record<Channel, ChannelSender>;
  now: () => Date;
};

/** Delivers one job. Pages for an alert someone has claimed (or resolved) are dropped: no storms. */
export function createDelivery(deps: DeliveryDependencies) {
  return async function deliver(job: DeliverNotificationJob): Promise<"sent" | "skipped"> {
    if (!(await deps.memberships.find(job.circleId, job.recipientId))) return "skipped";
    if (job.alertId) {
      const record = await deps.alerts.findById(job.alertId);
      if (!record || record.circleId !== job.circleId) return "skipped";
      // Claimed or resolved: no more pages. Two `_id` reads (the event ids are deterministic).
      const [isClaimed, isResolved] = await Promise.all([
        deps.alerts.hasEvent(job.circleId, `${job.alertId}:claimed`),
        deps.alerts.hasEvent(job.circleId, `${job.alertId}:resolved`),
      ]);
      if (isClaimed || isResolved) return "skipped";
    }
    const [user, circle, preferences] = await Promise.all([
      deps.users.findById(job.recipientId),
      deps.circles.findById(job.circleId),
      preferencesOf(deps.preferences, job.recipientId),
    ]);
    if (!user || !circle) return "skipped";
    const notification = buildNotification({ ...job, circleName: circle.name, language: preferences.language, at: deps.now() });
    return deps.channels[job.channel]({ user, preferences, notification });
  };
}
