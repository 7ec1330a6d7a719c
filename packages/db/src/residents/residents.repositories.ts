import type { ResidentProfileRecord, ResidentProfileRepository } from "@kring/domain";
import type { ProfileLanguage } from "@kring/protocol";
import { upsertById } from "../keyed/writes";
import { toObjectId } from "../models";
import type { ResidentModels } from "./residents.models";

const profileKey = (circleId: string, userId: string) => `${circleId}:${userId}`;
const isLanguage = (value: unknown): value is ProfileLanguage => value === "nl" || value === "fr" || value === "en";

export function createResidentRepositories(models: ResidentModels) {
  const residentProfiles: ResidentProfileRepository = {
    async find(circleId, userId) {
      // `_id` alone (a second field turns FerretDB's pushdown off); the circle is checked on the result.
      const doc = await models.ResidentProfile.findById(profileKey(circleId, userId)).lean();
      if (!doc || doc.circleId.toHexString() !== circleId) return null;
      return {
        circleId,
        userId,
        phone: doc.phone ?? null,
        address: doc.address ?? null,
        language: isLanguage(doc.language) ? doc.language : null,
        updatedAt: doc.updatedAt,
      };
    },
    async save(profile: ResidentProfileRecord) {
      await upsertById(models.ResidentProfile, profileKey(profile.circleId, profile.userId), {
        circleId: toObjectId(profile.circleId),
        userId: toObjectId(profile.userId),
        phone: profile.phone,
        address: profile.address,
        language: profile.language,
        updatedAt: profile.updatedAt,
      });
    },
  };
  return { residentProfiles };
}
