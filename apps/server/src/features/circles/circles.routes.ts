import type { CirclesService } from "@kring/domain";
import { DomainError } from "@kring/domain";
import {
  CircleIdParams,
  CreateCircleBody,
  CreateInvitationBody,
  InvitationCode,
  InvitationCodeParams,
} from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import type { RealtimeRooms } from "../../realtime/rooms";
import { currentUserId } from "../auth/require-auth";
import { normaliseInvitationCode } from "./invitation-code";

/** Routes mounted behind requireAuth; the service checks membership and role on every call. */
export function createCirclesRouter(deps: { circles: CirclesService; rooms: RealtimeRooms }) {
  const router = Router();

  router.post("/circles", async (req, res) => {
    const userId = currentUserId(res);
    const body = parseInput(CreateCircleBody, req.body);
    const circle = await deps.circles.createCircle(userId, body.name);
    deps.rooms.joinCircle(userId, circle.id);
    res.status(201).json({ circle });
  });

  router.get("/circles", async (_req, res) => {
    res.json({ circles: await deps.circles.listCircles(currentUserId(res)) });
  });

  router.get("/circles/:id/members", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json({ members: await deps.circles.listMembers(currentUserId(res), id) });
  });

  router.post("/circles/:id/invitations", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const body = parseInput(CreateInvitationBody, req.body);
    res.status(201).json(await deps.circles.createInvitation(currentUserId(res), id, body.role));
  });

  router.post("/invitations/:code/accept", async (req, res) => {
    const userId = currentUserId(res);
    const { code: rawCode } = parseInput(InvitationCodeParams, req.params);
    const code = normaliseInvitationCode(rawCode);
    if (!InvitationCode.safeParse(code).success) {
      throw new DomainError("not_found", "This invitation code does not exist.");
    }
    const circle = await deps.circles.acceptInvitation(userId, code);
    deps.rooms.joinCircle(userId, circle.id);
    res.json({ circle });
  });

  return router;
}
