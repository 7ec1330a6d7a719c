import { z } from "zod";
import { Email, Password, PersonName } from "./auth.schemas";

// Account basics (issue #11): change and reset a password, rename, choose a language.

export const AccountLanguage = z.enum(["nl", "fr", "en"]);
export type AccountLanguage = z.infer<typeof AccountLanguage>;

/** `POST /api/me/password`: the current password proves it is the account's owner, not a borrowed session. */
export const ChangePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: Password });
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

/** `POST /api/auth/password-reset`: always 202, whether or not the address has an account. */
export const PasswordResetBody = z.strictObject({ email: Email });
export type PasswordResetBody = z.infer<typeof PasswordResetBody>;

/** The token of a reset link: 43 base64url characters (32 random bytes). */
export const PasswordResetToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be a reset token");

/** `POST /api/auth/password-reset/confirm`. */
export const PasswordResetConfirmBody = z.strictObject({ token: PasswordResetToken, newPassword: Password });
export type PasswordResetConfirmBody = z.infer<typeof PasswordResetConfirmBody>;

/** `PATCH /api/me`: either or both; an empty body changes nothing. */
export const UpdateMeBody = z.strictObject({ name: PersonName.optional(), language: AccountLanguage.optional() });
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

/**
 * The job that mails a reset link (`password-reset-email` on the notifications queue). It carries
 * the token itself (only the worker sees it; the database keeps its sha256), and is removed once sent.
 */
export const PasswordResetEmailJob = z.strictObject({
  to: Email,
  name: z.string().max(100),
  language: AccountLanguage,
  token: PasswordResetToken,
  expiresAt: z.string(),
});
export type PasswordResetEmailJob = z.infer<typeof PasswordResetEmailJob>;

/** The answer to `PATCH /api/me`. */
export const UpdateMeResponse = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), language: AccountLanguage }),
});
export type UpdateMeResponse = z.infer<typeof UpdateMeResponse>;
