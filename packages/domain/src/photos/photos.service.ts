import type { PhotoUploadContentType } from "@kring/protocol";
import { can } from "../access/role-permissions";
import { DomainError } from "../errors";
import type { MembershipRepository } from "../circles/circles.ports";

/** A stored profile photo: at most 256 × 256, re-encoded, by the user's id (`user_photos` `_id` = userId). */
export type PhotoRecord = {
  userId: string;
  contentType: "image/jpeg";
  data: Uint8Array;
  width: number;
  height: number;
  /** A hash of the bytes: the HTTP ETag, so a tablet re-validates instead of downloading again. */
  etag: string;
  updatedAt: Date;
};

export interface PhotoRepository {
  /** One point read. */
  find(userId: string): Promise<PhotoRecord | null>;
  /** Whether a photo exists, for each id (one point read each, without the bytes). */
  exists(userIds: string[]): Promise<Set<string>>;
  save(photo: PhotoRecord): Promise<void>;
  remove(userId: string): Promise<void>;
}

/** Decodes, resizes and re-encodes an image; rejects when the bytes are no image it can read. */
export type ImageResizer = (image: Uint8Array) => Promise<{ data: Uint8Array; width: number; height: number }>;

export type PhotosDependencies = {
  photos: PhotoRepository;
  memberships: Pick<MembershipRepository, "find" | "listCircleIdsForUser">;
  resize: ImageResizer;
  hash: (data: Uint8Array) => string;
  now: () => Date;
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What the bytes are, whatever the Content-Type said: only JPEG and PNG are accepted. */
export function sniffImageType(data: Uint8Array): PhotoUploadContentType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "image/jpeg";
  if (data.length >= 8 && PNG_SIGNATURE.every((byte, index) => data[index] === byte)) return "image/png";
  return null;
}

/**
 * Profile photos (issue #10 item 5): the resident's "who is coming" card shows who is at the door.
 * A photo is a face, so it is served only to the people who share a circle with its owner.
 */
export function createPhotosService(deps: PhotosDependencies) {
  /**
   * The circles the viewer shares with the owner in which their role may see photos (a volunteer's
   * never does, issue #11): O(the viewer's circles) cached point reads. None: a stranger.
   */
  async function sharedCircles(viewerId: string, ownerId: string): Promise<string[]> {
    const circleIds = await deps.memberships.listCircleIdsForUser(viewerId);
    const shared: string[] = [];
    for (const circleId of circleIds) {
      const viewer = await deps.memberships.find(circleId, viewerId);
      if (!viewer || !can(viewer.role, "photos.read")) continue;
      if (await deps.memberships.find(circleId, ownerId)) shared.push(circleId);
    }
    return shared;
  }

  /** The photo and the circles it was seen through (for the access log; none for one's own). */
  async function readPhoto(viewerId: string, ownerId: string): Promise<{ photo: PhotoRecord; circleIds: string[] }> {
    const circleIds = viewerId === ownerId ? [] : await sharedCircles(viewerId, ownerId);
    if (viewerId !== ownerId && circleIds.length === 0) throw new DomainError("not_found", "No such photo.");
    const photo = await deps.photos.find(ownerId);
    if (!photo) throw new DomainError("not_found", "No such photo.");
    return { photo, circleIds };
  }

  return {
    async savePhoto(userId: string, declaredType: string | undefined, image: Uint8Array): Promise<PhotoRecord> {
      const actual = sniffImageType(image);
      const declared = declaredType?.split(";")[0]?.trim().toLowerCase();
      if (actual === null || declared !== actual) {
        throw new DomainError("validation_failed", "A photo must be a JPEG or PNG image, sent with its Content-Type (image/jpeg or image/png).");
      }
      let resized: Awaited<ReturnType<ImageResizer>>;
      try {
        resized = await deps.resize(image);
      } catch {
        throw new DomainError("validation_failed", "This image could not be read. Try another JPEG or PNG photo.");
      }
      const photo: PhotoRecord = {
        userId,
        contentType: "image/jpeg",
        data: resized.data,
        width: resized.width,
        height: resized.height,
        etag: deps.hash(resized.data),
        updatedAt: deps.now(),
      };
      await deps.photos.save(photo);
      return photo;
    },

    async removePhoto(userId: string): Promise<void> {
      await deps.photos.remove(userId);
    },

    /** A stranger's request and a missing photo both answer not_found: nobody learns who has one. */
    async getPhoto(viewerId: string, ownerId: string): Promise<PhotoRecord> {
      return (await readPhoto(viewerId, ownerId)).photo;
    },

    readPhoto,

    /** For the members list's `hasPhoto` (the caller is a member of that circle already). */
    async withPhotos(userIds: string[]): Promise<Set<string>> {
      return deps.photos.exists(userIds);
    },
  };
}
export type PhotosService = ReturnType<typeof createPhotosService>;
