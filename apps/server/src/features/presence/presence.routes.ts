import { type MembershipRepository, requireMembership } from "@kring/domain";
import { CircleIdParams } from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

export function createPresenceRouter(deps: {
  memberships: MembershipRepository;
  isOnline: (userId: string) => Promise<boolean>;
  lastSeen: (userId: string) => Promise<Date | null>;
}) {
  const router = Router();
  router.get("/circles/:id/presence", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    await requireMembership(deps.memberships, id, currentUserId(res));
    const members = await deps.memberships.listForCircle(id);
    const presence = await Promise.all(
      members.map(async ({ userId }) => {
        const [isOnline, lastSeen] = await Promise.all([deps.isOnline(userId), deps.lastSeen(userId)]);
        return { userId, isOnline, lastSeenAt: isOnline ? null : (lastSeen?.toISOString() ?? null) };
      }),
    );
    res.json({ presence });
  });
  return router;
}
