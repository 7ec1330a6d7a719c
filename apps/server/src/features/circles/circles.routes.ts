import type { CirclesService, RateLimit, ResidentProfilesService } from "@kring/domain";
import { can, DomainError } from "@kring/domain";
import {
  CircleIdParams,
  CircleInvitationParams,
  CreateCircleBody,
  CreateInvitationBody,
  InvitationCode,
  InvitationCodeParams,
  InvitationEmailBody,
  type InvitationResponse,
  normaliseCode,
} from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import type { RealtimeRooms } from "../../realtime/rooms";
import { currentUserId } from "../auth/require-auth";

/** Routes mounted behind requireAuth; the service checks membership and role on every call. */
export function createCirclesRouter(deps: {
  circles: CirclesService;
  rooms: RealtimeRooms;
  invitationLimit: RateLimit;
  invitationEmailLimit: RateLimit;
  /** Where the web app is reached (APP_URL): invitation links point at its join screen. */
  appUrl: string;
  /** Adds residents' phone, address and language for the roles that may see them (issue #9). */
  residentProfiles?: ResidentProfilesService;
  /** Adds `hasPhoto` to each member (issue #10): one key read each, without the bytes. */
  photos?: { withPhotos(userIds: string[]): Promise<Set<string>> };
}) {
  const router = Router();
  const withLink = (invitation: Omit<InvitationResponse, "url">): InvitationResponse => ({
    ...invitation,
    url: `${deps.appUrl.replace(/\/$/, "")}/join/${invitation.code}`,
  });

  /** Normalises a typed code, and counts the attempt: codes must not be guessable by trying. */
  async function readInvitationCode(userId: string, params: unknown): Promise<string> {
    await deps.invitationLimit.consume(userId);
    const { code: rawCode } = parseInput(InvitationCodeParams, params);
    const code = normaliseCode(rawCode);
    if (!InvitationCode.safeParse(code).success) {
      throw new DomainError("not_found", "This invitation code does not exist.");
    }
    return code;
  }

  router.post("/circles", async (req, res) => {
    const userId = currentUserId(res);
    const body = parseInput(CreateCircleBody, req.body);
    const circle = await deps.circles.createCircle(userId, body.name);
    deps.rooms.joinCircle(userId, circle.id, circle.myRole);
    res.status(201).json({ circle });
  });

  router.get("/circles", async (_req, res) => {
    res.json({ circles: await deps.circles.listCircles(currentUserId(res)) });
  });

  router.get("/circles/:id/members", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const userId = currentUserId(res);
    const [members, formerMembers] = await Promise.all([deps.circles.listMembers(userId, id), deps.circles.listFormerMembers(userId, id)]);
    const listed = deps.residentProfiles ? await deps.residentProfiles.attachProfiles(userId, id, members) : members;
    // A volunteer sees no photos (issue #11), so their list says nothing about who has one.
    const callerRole = members.find((member) => member.userId === userId)?.role;
    const seesPhotos = callerRole !== undefined && can(callerRole, "photos.read");
    const withPhotos = deps.photos && seesPhotos ? await deps.photos.withPhotos(listed.map((member) => member.userId)) : null;
    res.json({
      // Only `hasPhoto: true` is written: a member list without photos looks as it always did.
      members: withPhotos ? listed.map((member) => (withPhotos.has(member.userId) ? { ...member, hasPhoto: true } : member)) : listed,
      // Issue #11: names for the past messages of people who left (only when there are any).
      ...(formerMembers.length > 0 ? { formerMembers } : {}),
    });
  });

  router.post("/circles/:id/invitations", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const body = parseInput(CreateInvitationBody, req.body);
    res.status(201).json(withLink(await deps.circles.createInvitation(currentUserId(res), id, body.role)));
  });

  router.get("/circles/:id/invitations", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const invitations = await deps.circles.listInvitations(currentUserId(res), id);
    res.json({ invitations: invitations.map(withLink) });
  });

  router.delete("/circles/:id/invitations/:code", async (req, res) => {
    const { id, code } = parseInput(CircleInvitationParams, req.params);
    await deps.circles.revokeInvitation(currentUserId(res), id, normaliseCode(code));
    res.status(204).end();
  });

  /** Kring mails the link (the worker sends it); rate-limited per coordinator. */
  router.post("/circles/:id/invitations/:code/email", async (req, res) => {
    const userId = currentUserId(res);
    const { id, code } = parseInput(CircleInvitationParams, req.params);
    const body = parseInput(InvitationEmailBody, req.body);
    await deps.invitationEmailLimit.consume(userId);
    await deps.circles.emailInvitation(userId, id, normaliseCode(code), { email: body.email, language: body.language ?? "nl" });
    res.status(202).json({ ok: true });
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
    deps.rooms.joinCircle(userId, circle.id, circle.myRole);
    res.json({ circle });
  });

  return router;
}
