import { z } from "zod";
import { Id, Role } from "./common";

// Issue #11 (privacy and trust): the access log, export, erasure and retention.

/** What a member read: one row of the access log per member, category, day and device kind. */
export const AccessCategory = z.enum(["messages", "alerts", "checkins", "members", "export", "photo", "visits"]);
export type AccessCategory = z.infer<typeof AccessCategory>;

/**
 * `tablet`: a resident's paired device session; `phone`/`desktop`: the class of the client's user
 * agent; `unknown`: neither told us.
 */
export const DeviceKind = z.enum(["tablet", "phone", "desktop", "unknown"]);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** What a member changed in a circle (recorded as it happens, insert-only). */
export const AccessChangeAction = z.enum([
  "member_joined",
  "member_removed",
  "member_left",
  "member_erased",
  "ladder_changed",
  "checkin_schedule_changed",
  "retention_changed",
  "plan_changed",
]);
export type AccessChangeAction = z.infer<typeof AccessChangeAction>;

/** A calendar day in UTC, `YYYY-MM-DD`. */
export const Day = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "must be a date YYYY-MM-DD")
  // 2026-02-30 matches the pattern but is no day.
  .refine((day) => {
    const at = Date.parse(`${day}T00:00:00.000Z`);
    return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === day;
  }, "must be a real date");

/** The longest range one access-log request may ask for. */
export const ACCESS_LOG_MAX_DAYS = 93;

export const AccessLogQuery = z.strictObject({ from: Day.optional(), to: Day.optional() });
export type AccessLogQuery = z.infer<typeof AccessLogQuery>;

export const AccessLogEntry = z.object({
  /** null when the member has since erased their account ("a former member"). */
  userId: Id.nullable(),
  name: z.string(),
  role: Role.nullable(),
  category: AccessCategory,
  day: Day,
  count: z.number().int().min(1),
  firstAt: z.string(),
  lastAt: z.string(),
  deviceKind: DeviceKind,
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

export const AccessLogChange = z.object({ userId: Id.nullable(), name: z.string(), action: AccessChangeAction, at: z.string() });
export type AccessLogChange = z.infer<typeof AccessLogChange>;

export const AccessLogResponse = z.object({ entries: z.array(AccessLogEntry), changes: z.array(AccessLogChange) });
export type AccessLogResponse = z.infer<typeof AccessLogResponse>;

/** Retention of a circle's messages: 30 days to 10 years, or null to keep them. */
export const RETENTION_DEFAULT_DAYS = 730;
export const RetentionBody = z.strictObject({ messagesDays: z.number().int().min(30).max(3650).nullable() });
export type RetentionBody = z.infer<typeof RetentionBody>;
export const RetentionResponse = z.object({ messagesDays: z.number().int().nullable() });

export const ExportQuery = z.strictObject({ format: z.enum(["zip", "json"]).optional() });
export type ExportQuery = z.infer<typeof ExportQuery>;

export const DeleteAccountBody = z.strictObject({ password: z.string().min(1).max(200) });
export type DeleteAccountBody = z.infer<typeof DeleteAccountBody>;

export const CircleUserParams = z.strictObject({ id: Id, userId: Id });
