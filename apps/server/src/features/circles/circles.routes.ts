import type { CirclesService, RateLimit } from "@kring/domain";
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
export function createCirclesRouter(deps: { circles: CirclesService; rooms: RealtimeRooms; invitationLimit: RateLimit }) {
  const router = Router();

  /** Normalises a typed code, and counts the attempt: codes must not be guessable by trying. */
  async function readInvitationCode(userId: string, params: unknown): Promise<string> {
    await deps.invitationLimit.consume(userId);
    const { code: rawCode } = parseInput(InvitationCodeParams, params);
    const code = normaliseInvitationCode(rawCode);
    if (!InvitationCode.safeParse(code).success) {
      throw new DomainError("not_found", "This invitation code does not exist.");
    }
    return code;
  }

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

  /** What the code would do (circle and role), shown before the person accepts. */
  router.get("/invitations/:code", async (req, res) => {
    const code = await readInvitationCode(currentUserId(res), req.params);
    res.json({ invitation: await deps.circles.previewInvitation(code) });
  });

  router.post("/invitations/:code/accept", async (req, res) => {
    const userId = currentUserId(res);
    const code = await readInvitationCode(userId, req.params);
    const circle = await deps.circles.acceptInvitation(userId, code);
    deps.rooms.joinCircle(userId, circle.id);
    res.json({ circle });
  });

  return router;
}
