import { z } from "zod";
import { Id, ShortText } from "./common";

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .email("must be an email address");

/** At least 10 characters; capped so that hashing a huge string can't be used to burn CPU. */
export const Password = z.string().min(10, "must be at least 10 characters").max(256);

export const PersonName = ShortText(1, 100);

export const RegisterBody = z.strictObject({ email: Email, password: Password, name: PersonName });
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(256) });
export type LoginBody = z.infer<typeof LoginBody>;

export const User = z.object({ id: Id, email: z.string(), name: z.string() });
export type User = z.infer<typeof User>;

/** `deviceToken` (added by issue #4) renews the short-lived `token` via POST /api/auth/device-token. */
export const AuthResponse = z.object({ token: z.string(), user: User, deviceToken: z.string() });
export type AuthResponse = z.infer<typeof AuthResponse>;

export const MeResponse = z.object({ user: User });
export type MeResponse = z.infer<typeof MeResponse>;
