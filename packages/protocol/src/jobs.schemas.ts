import { z } from "zod";
import { Id } from "./common";
import { Channel, NotificationKind } from "./notifications.schemas";

// Queue and job names are stored in Redis with every job: never rename one, or pending jobs
// (an escalation step due in two minutes) are stranded. Add new names instead.
export const QueueName = {
  alerts: "kring-alerts",
  notifications: "kring-notifications",
  digests: "kring-digests",
  checkins: "kring-checkins",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  escalationStep: "escalation-step",
  deliverNotification: "deliver-notification",
  circleActivity: "circle-activity",
  messageDigest: "message-digest",
  checkinDeadline: "checkin-deadline",
} as const;

/** Pages ladder step `step` of an alert (step = ladder length means "unanswered"). Job id `alertId-step`. */
export const EscalationStepJob = z.strictObject({ alertId: Id, circleId: Id, step: z.number().int().min(0) });
export type EscalationStepJob = z.infer<typeof EscalationStepJob>;

/** One notification to one recipient on one channel. Job id `sourceId-recipientId-channel`. */
export const DeliverNotificationJob = z.strictObject({
  circleId: Id,
  recipientId: Id,
  channel: Channel,
  kind: NotificationKind,
  /** The alert id, or the digest id `circleId:userId:window`. */
  sourceId: z.string().min(1).max(200),
  alertId: Id.nullable(),
  urgent: z.boolean(),
});
export type DeliverNotificationJob = z.infer<typeof DeliverNotificationJob>;

/**
 * A circle had new messages in a digest window. Queued once per circle and window (job id
 * `activity-circleId-windowStart`), delayed to the window's end; the worker then finds the
 * members who are offline with unread messages. One job per window, not per message, keeps the
 * routine path cheap however busy the circle is.
 */
export const CircleActivityJob = z.strictObject({ circleId: Id, windowStart: z.number().int() });
export type CircleActivityJob = z.infer<typeof CircleActivityJob>;

/** At most one per circle, member and window. Job id `digest-circleId-userId-windowStart`. */
export const MessageDigestJob = z.strictObject({ circleId: Id, userId: Id, windowStart: z.number().int() });
export type MessageDigestJob = z.infer<typeof MessageDigestJob>;

/** Fires at a circle's daily check-in deadline (a BullMQ job scheduler per circle). */
export const CheckinDeadlineJob = z.strictObject({ circleId: Id });
export type CheckinDeadlineJob = z.infer<typeof CheckinDeadlineJob>;
