import { z } from "zod";
import { Id } from "./common";

/** A profile photo as uploaded (`PUT /api/me/photo`, the image itself as the body). */
export const PHOTO_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
/** Stored photos fit in this square (the resident's "who is coming" card needs no more). */
export const PHOTO_STORED_MAX_PIXELS = 256;
export const PhotoUploadContentType = z.enum(["image/jpeg", "image/png"]);
export type PhotoUploadContentType = z.infer<typeof PhotoUploadContentType>;

export const UserPhotoParams = z.strictObject({ id: Id });
export type UserPhotoParams = z.infer<typeof UserPhotoParams>;

/** The answer to `PUT /api/me/photo`: what was stored (always a JPEG, metadata stripped). */
export const PhotoSavedResponse = z.object({
  photo: z.object({ width: z.number().int(), height: z.number().int(), contentType: z.literal("image/jpeg"), updatedAt: z.string() }),
});
export type PhotoSavedResponse = z.infer<typeof PhotoSavedResponse>;
