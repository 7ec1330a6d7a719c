import type { PresenceService } from "@kring/domain";
import { CircleIdParams } from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

export function createPresenceRouter(deps: { presence: PresenceService }) {
  const router = Router();
  router.get("/circles/:id/presence", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json({ presence: await deps.presence.listPresence(currentUserId(res), id) });
  });
  return router;
}
