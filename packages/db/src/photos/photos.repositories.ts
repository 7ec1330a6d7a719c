import type { PhotoRepository } from "@kring/domain";
import { upsertById } from "../keyed/writes";
import type { PhotoModels } from "./photos.models";

export function createPhotoRepositories(models: PhotoModels) {
  const photos: PhotoRepository = {
    async find(userId) {
      const doc = await models.UserPhoto.findById(userId).lean();
      if (!doc) return null;
      const bytes = doc.data as unknown as Buffer | { buffer: Buffer };
      const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer);
      return { userId, contentType: "image/jpeg", data, width: doc.width, height: doc.height, etag: doc.etag, updatedAt: doc.updatedAt };
    },
    async exists(userIds) {
      // One `_id` read each, without the bytes.
      const found = await Promise.all(userIds.map((id) => models.UserPhoto.findById(id, { _id: 1 }).lean()));
      return new Set(userIds.filter((_, index) => found[index] !== null));
    },
    async save(photo) {
      await upsertById(models.UserPhoto, photo.userId, {
        contentType: photo.contentType,
        data: Buffer.from(photo.data),
        width: photo.width,
        height: photo.height,
        etag: photo.etag,
        updatedAt: photo.updatedAt,
      });
    },
    async remove(userId) {
      await models.UserPhoto.deleteOne({ _id: userId });
    },
  };
  return { photos };
}
