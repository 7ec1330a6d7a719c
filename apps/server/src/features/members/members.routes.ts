import type { CirclesService } from "@kring/domain";
import { CircleMemberParams } from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

/**
 * `DELETE /api/circles/:id/members/:userId` (issue #11): a coordinator removes a member, or a member
 * leaves (their own id). The service checks membership and role; its removal hooks
 * (member-removal.hooks.ts) take the member's sockets out of the circle on every node.
 */
export function createMembersRouter(deps: { circles: Pick<CirclesService, "removeMember"> }) {
  const router = Router();
  router.delete("/circles/:id/members/:userId", async (req, res) => {
    const { id, userId } = parseInput(CircleMemberParams, req.params);
    await deps.circles.removeMember(currentUserId(res), id, userId);
    res.status(204).end();
  });
  return router;
}
