import { DomainError, type PhotosService } from "@kring/domain";
import { PHOTO_UPLOAD_MAX_BYTES, UserPhotoParams } from "@kring/protocol";
import express, { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";
import { reportRead } from "../privacy/access-recording";

/**
 * Profile photos (issue #10 item 5). The upload is the image itself as the body (JPEG or PNG,
 * at most 2 MB: a larger body is 413 before anything is decoded); what is stored is a re-encoded
 * JPEG of at most 256 × 256. A photo is served only to its owner and their co-members; anyone
 * else gets the same 404 as for a member without a photo.
 */
export function createPhotosRouter(deps: { photos: PhotosService }) {
  const router = Router();
  // Only this route reads a raw body; every content type is read so the check below can name it.
  const rawImage = express.raw({ type: () => true, limit: PHOTO_UPLOAD_MAX_BYTES });

  router.put("/me/photo", rawImage, async (req, res) => {
    const body: unknown = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new DomainError("validation_failed", "Send the photo itself as the body, with Content-Type image/jpeg or image/png.");
    }
    const photo = await deps.photos.savePhoto(currentUserId(res), req.get("content-type"), body);
    res.json({ photo: { width: photo.width, height: photo.height, contentType: photo.contentType, updatedAt: photo.updatedAt.toISOString() } });
  });

  router.delete("/me/photo", async (_req, res) => {
    await deps.photos.removePhoto(currentUserId(res));
    res.status(204).end();
  });

  router.get("/users/:id/photo", async (req, res) => {
    const { id } = parseInput(UserPhotoParams, req.params);
    const { photo, circleIds } = await deps.photos.readPhoto(currentUserId(res), id);
    // The access log (issue #11): a `photo` read in each circle shared with its owner (a 304 is not one).
    reportRead(res, "photo", circleIds);
    const etag = `"${photo.etag}"`;
    // Private: a face is for the co-members who asked, never for a shared cache. Revalidated after
    // five minutes, so a changed photo reaches the resident's tablet soon, and an unchanged one costs a 304.
    res.setHeader("Cache-Control", "private, max-age=300");
    res.setHeader("Vary", "Authorization");
    res.setHeader("ETag", etag);
    res.setHeader("Last-Modified", photo.updatedAt.toUTCString());
    if (req.get("if-none-match") === etag) {
      res.status(304).end();
      return;
    }
    res.type(photo.contentType).send(Buffer.from(photo.data));
  });

  return router;
}
