import { z } from "zod";
import { Id, IsoDate, ShortText } from "./common";

/** The languages Kring speaks; a resident's tablet shows the one the coordinator set. */
export const ProfileLanguage = z.enum(["nl", "fr", "en"]);
export type ProfileLanguage = z.infer<typeof ProfileLanguage>;

export const PROFILE_ADDRESS_MAX = 300;

/**
 * `PUT /api/circles/:id/residents/:userId/profile` (coordinators). A field left out stays as it is;
 * `null` (or an empty text) clears it. `phone` may be national ("0470 12 34 56", read as a number of
 * the circle's country) or international ("+32 470 12 34 56"); the server checks it with
 * libphonenumber-js and stores it in international form (E.164).
 */
export const ResidentProfileBody = z.strictObject({
  phone: ShortText(0, 32).nullable().optional(),
  address: ShortText(0, PROFILE_ADDRESS_MAX).nullable().optional(),
  language: ProfileLanguage.nullable().optional(),
});
export type ResidentProfileBody = z.infer<typeof ResidentProfileBody>;

/** What family, professionals and coordinators see of a resident (never volunteers). */
export const ResidentProfile = z.object({
  userId: Id,
  /** E.164 ("+32470123456"), for a `tel:` link. */
  phone: z.string().nullable(),
  address: z.string().nullable(),
  /** The tablet's language; null = the app's default. */
  language: ProfileLanguage.nullable(),
  updatedAt: IsoDate.nullable(),
});
export type ResidentProfile = z.infer<typeof ResidentProfile>;
export const ResidentProfileResponse = z.object({ profile: ResidentProfile });
