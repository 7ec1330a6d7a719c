import { z } from "zod";

/**
 * A MongoDB ObjectId as 24 hex characters. Ids are validated as plain strings so
 * that an operator object such as `{"$ne":null}` can never reach a query.
 */
export const Id = z.string().regex(/^[0-9a-f]{24}$/, "must be a 24-character hex id");
export type Id = z.infer<typeof Id>;

/** A per-circle message sequence number: 1, 2, 3, ... */
export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const Role = z.enum(["resident", "family", "professional", "coordinator", "volunteer"]);
export type Role = z.infer<typeof Role>;

/**
 * The roles an invitation may carry. Never `resident`: a resident is a managed account (no email, no
 * password) that a coordinator creates and pairs a tablet for; inviting someone "as a resident" would
 * let a circle's coordinator mint pairing codes, and so device sessions, for that person's account.
 */
export const InvitationRole = z.enum(["family", "professional", "coordinator", "volunteer"]);
export type InvitationRole = z.infer<typeof InvitationRole>;

export const IsoDate = z.string();

/**
 * No control (`\p{Cc}`: NUL, CR, LF, ESC…) or format (`\p{Cf}`: bidirectional overrides, zero-width
 * characters) characters. Names and other short texts reach notification texts, email bodies and
 * other people's screens verbatim, where a CRLF or a right-to-left override could forge a line or
 * disguise a name.
 */
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
export const hasNoControlCharacters = (value: string) => !CONTROL_OR_FORMAT.test(value);

/** A trimmed single-line text of `min`–`max` characters without control or format characters. */
export const ShortText = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine(hasNoControlCharacters, "must not contain control or formatting characters");
