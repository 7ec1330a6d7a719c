import type { ResidentProfilesService } from "@kring/domain";
import { ResidentParams, ResidentProfileBody } from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

/**
 * A resident's phone, address and tablet language (issue #9). Coordinators write it; family,
 * professionals and coordinators read it (also in the member list); the resident's tablet reads
 * its own, for the language.
 */
export function createResidentProfilesRouter(deps: { residentProfiles: ResidentProfilesService }) {
  const router = Router();

  router.get("/circles/:id/residents/:userId/profile", async (req, res) => {
    const { id, userId } = parseInput(ResidentParams, req.params);
    res.json({ profile: await deps.residentProfiles.getProfile(currentUserId(res), id, userId) });
  });

  router.put("/circles/:id/residents/:userId/profile", async (req, res) => {
    const { id, userId } = parseInput(ResidentParams, req.params);
    const body = parseInput(ResidentProfileBody, req.body);
    res.json({ profile: await deps.residentProfiles.saveProfile(currentUserId(res), id, userId, body) });
  });

  return router;
}
