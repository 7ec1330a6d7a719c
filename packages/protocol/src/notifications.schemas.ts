import { z } from "zod";
import { Id, IsoDate } from "./common";
import { LocalTime, TimeZone } from "./alerts.schemas";
import { CountryCode } from "./time-zones.schemas";

export const Channel = z.enum(["in_app", "push", "email", "sms"]);
export type Channel = z.infer<typeof Channel>;

/** `ladder_member_added` (issue #9): in-app only, to a circle's coordinators when a new family member joined their custom ladder. */
/** `visit_reminder` (issue #10): to the assignee, `reminderMinutes` before a visit or task; in-app, push and email. */
export const NotificationKind = z.enum(["alert_page", "alert_unanswered", "message_digest", "ladder_member_added", "visit_reminder"]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/**
 * What a recipient is told. Deliberately content-free (PRODUCT.md: health data stays in Kring):
 * an id to open and a neutral sentence such as "New alert in Anna's circle".
 */
export const Notification = z.object({
  id: z.string(),
  kind: NotificationKind,
  circleId: Id,
  alertId: Id.nullable(),
  text: z.string(),
  urgent: z.boolean(),
  at: IsoDate,
  /** `visit_reminder` only, in-app: the occurrence to open. */
  occurrenceId: z.string().optional(),
});
export type Notification = z.infer<typeof Notification>;

export const Phone = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an international number such as +32470123456");

export const QuietHours = z.strictObject({ start: LocalTime, end: LocalTime, timeZone: TimeZone });
export type QuietHours = z.infer<typeof QuietHours>;

/**
 * A phone number as a person types it: international (`+32 470 12 34 56`) or national
 * (`0470 12 34 56`, read in `phoneCountry`, else the country of the user's circle). The server
 * stores and answers E.164 (`Phone`); something that is no phone number is `validation_failed`.
 */
export const PhoneInput = z.string().trim().max(40);

export const NotificationPreferencesBody = z.strictObject({
  channels: z.strictObject({ push: z.boolean(), email: z.boolean(), sms: z.boolean() }),
  phone: PhoneInput.nullable(),
  quietHours: QuietHours.nullable(),
  language: z.enum(["nl", "fr", "en"]).optional(),
  /** How to read a national number (issue #9); default: the country of the user's first circle with a time zone, else BE. */
  phoneCountry: CountryCode.optional(),
});
export type NotificationPreferencesBody = z.infer<typeof NotificationPreferencesBody>;
export const NotificationPreferences = NotificationPreferencesBody.omit({ phoneCountry: true }).extend({
  phone: Phone.nullable(),
  language: z.enum(["nl", "fr", "en"]),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;
export const NotificationPreferencesResponse = z.object({ preferences: NotificationPreferences });
export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = {
  channels: { push: true, email: true, sms: false },
  phone: null,
  quietHours: null,
  language: "nl",
};

/**
 * A browser's push endpoint: https on a public host name (push services have one). IP literals,
 * `localhost`, credentials in the URL and internal-only name suffixes are refused here; the server
 * and the worker also check what the name resolves to.
 */
export const PushEndpoint = z
  .string()
  .url()
  .max(2048)
  .refine((value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    const host = url.hostname.toLowerCase().replace(/\.$/, "");
    const isIpLiteral = /^[\d.]+$/.test(host) || host.startsWith("[") || host.includes(":");
    const isInternalName = !host.includes(".") || /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|corp)$/.test(host);
    return url.protocol === "https:" && !url.username && !url.password && !isIpLiteral && !isInternalName;
  }, "must be an https URL of a public push service");

export const PushSubscriptionBody = z.strictObject({
  endpoint: PushEndpoint,
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: z.string().min(1).max(256), auth: z.string().min(1).max(64) }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;
export const VapidPublicKeyResponse = z.object({ publicKey: z.string() });

export const DeadLetter = z.object({
  id: z.string(),
  queue: z.string(),
  jobName: z.string(),
  jobId: z.string(),
  circleId: Id.nullable(),
  channel: Channel.nullable(),
  recipientId: Id.nullable(),
  error: z.string(),
  attempts: z.number().int(),
  failedAt: IsoDate,
});
export type DeadLetter = z.infer<typeof DeadLetter>;
export const DeadLettersResponse = z.object({ deadLetters: z.array(DeadLetter) });

export const QueueCounts = z.object({
  waiting: z.number(),
  active: z.number(),
  delayed: z.number(),
  failed: z.number(),
  completed: z.number(),
});
export const QueueHealthResponse = z.object({ queues: z.record(z.string(), QueueCounts) });
export const PushSubscriptionRemoveBody = z.strictObject({ endpoint: z.string().max(2048) });
