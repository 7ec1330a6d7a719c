import { z } from "zod";
import { Email } from "./auth.schemas";
import { AlertKind } from "./alerts.schemas";
import { Id, InvitationRole, IsoDate } from "./common";
import { Channel, NotificationKind } from "./notifications.schemas";

// Queue and job names are stored in Redis with every job: never rename one, or pending jobs
// (an escalation step due in two minutes) are stranded. Add new names instead.
export const QueueName = {
  alerts: "kring-alerts",
  notifications: "kring-notifications",
  digests: "kring-digests",
  checkins: "kring-checkins",
  visits: "kring-visits",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  escalationStep: "escalation-step",
  deliverNotification: "deliver-notification",
  circleActivity: "circle-activity",
  messageDigest: "message-digest",
  checkinDeadline: "checkin-deadline",
  invitationEmail: "invitation-email",
  visitReminder: "visit-reminder",
  visitMissedCheck: "visit-missed-check",
  visitHorizon: "visit-horizon",
  /** Issue #11: the access log's Redis counts to the database (every 5 minutes). */
  accessLogFlush: "access-log-flush",
  /** Issue #11: retention of messages and expiry of the access log (daily). */
  privacyDaily: "privacy-daily",
  passwordResetEmail: "password-reset-email",
} as const;

/**
 * What an escalation step knows of its alert without reading it: the alert record never changes, so
 * the raise (and each step, for the next) carries it in the job. Optional: jobs queued before it
 * existed, and any job without it, read the alert by its id instead.
 */
export const EscalationStepAlert = z.strictObject({
  kind: AlertKind,
  raisedBy: Id.nullable(),
  clientId: z.string().nullable(),
  /** ISO 8601: step deadlines count from here. */
  createdAt: z.iso.datetime(),
  /** `missed_visit`: the occurrence, and its assignee, who is paged before the ladder. */
  occurrenceId: z.string().max(64).optional(),
  firstResponderId: Id.optional(),
});
export type EscalationStepAlert = z.infer<typeof EscalationStepAlert>;

/** Pages ladder step `step` of an alert (step = ladder length means "unanswered"). Job id `alertId-step`. */
export const EscalationStepJob = z.strictObject({
  alertId: Id,
  circleId: Id,
  step: z.number().int().min(0),
  alert: EscalationStepAlert.optional(),
  /**
   * Step 0 only: the responder the server already paged in-app at the raise (the first page's short
   * path); the step stores that page and sends the other channels, without a second in-app page.
   */
  announcedTo: Id.optional(),
});
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

/**
 * Mails an invitation link to an address a coordinator typed (on the notifications queue, job id
 * `invitation-<code>-<n>`). Only who invites, the role and the link: the address may be mistyped,
 * so nothing about the circle or its care goes into the mail.
 */
export const InvitationEmailJob = z.strictObject({
  circleId: Id,
  code: z.string().min(1).max(64),
  to: Email,
  language: z.enum(["nl", "fr", "en"]),
  inviterName: z.string().max(100),
  role: InvitationRole,
  expiresAt: IsoDate,
});
export type InvitationEmailJob = z.infer<typeof InvitationEmailJob>;

/**
 * Issue #10 item 3: reminds the assignee of an occurrence `reminderMinutes` before its start. Job id
 * `visit-reminder-<occurrenceId>-<start>-<assigneeId>-<minutes>` (":" as "_"): a change of time,
 * assignee or lead time is a new job, and the old one finds the occurrence changed and sends nothing.
 */
export const VisitReminderJob = z.strictObject({
  circleId: Id,
  occurrenceId: z.string().min(1).max(64),
  /** The occurrence's start when the job was queued (ISO 8601 with offset). */
  start: z.string().min(1).max(40),
  assigneeId: Id,
  reminderMinutes: z.number().int().min(0).max(1440),
});
export type VisitReminderJob = z.infer<typeof VisitReminderJob>;

/** Issue #10 item 4: at start + lateAfterMinutes, raises `missed_visit` unless someone checked in. */
export const VisitMissedCheckJob = z.strictObject({
  circleId: Id,
  occurrenceId: z.string().min(1).max(64),
  start: z.string().min(1).max(40),
  lateAfterMinutes: z.number().int().min(1).max(240),
});
export type VisitMissedCheckJob = z.infer<typeof VisitMissedCheckJob>;

/**
 * Queues a plan's reminders and missed-visit checks for the next hours (the horizon), then queues
 * itself again for the next period: job id `visit-horizon-<planId>-<period>`, so the runs queued
 * by a change and by the chain meet on one id per period.
 */
export const VisitHorizonJob = z.strictObject({ circleId: Id, planId: Id });
export type VisitHorizonJob = z.infer<typeof VisitHorizonJob>;
