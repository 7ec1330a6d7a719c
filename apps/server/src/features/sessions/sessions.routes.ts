import { DomainError, type RateLimit, type SessionsService } from "@kring/domain";
import { CircleIdParams, normaliseCode, CreateResidentBody, DeviceParams, PairDeviceBody, PairingCode, ResidentParams, SessionParams } from "@kring/protocol";
import { type RequestHandler, Router } from "express";
import { parseInput } from "../../http/errors";
import type { RealtimeRooms } from "../../realtime/rooms";
import { currentSessionId, currentUserId } from "../auth/require-auth";
import type { TokenService } from "../auth/tokens";

/** Mounted under /api behind requireAuth: the coordinator's side of residents and their tablets. */
export function createResidentsRouter(deps: { sessions: SessionsService; rooms: RealtimeRooms }) {
  const router = Router();

  router.post("/circles/:id/residents", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const body = parseInput(CreateResidentBody, req.body);
    res.status(201).json({ member: await deps.sessions.addResident(currentUserId(res), id, body.name) });
  });

  router.post("/circles/:id/residents/:userId/pairing-codes", async (req, res) => {
    const { id, userId } = parseInput(ResidentParams, req.params);
    res.status(201).json(await deps.sessions.createPairingCode(currentUserId(res), id, userId));
  });

  router.get("/circles/:id/devices", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json({ devices: await deps.sessions.listDevices(currentUserId(res), id) });
  });

  router.delete("/circles/:id/devices/:deviceId", async (req, res) => {
    const { id, deviceId } = parseInput(DeviceParams, req.params);
    const session = await deps.sessions.revokeDevice(currentUserId(res), id, deviceId);
    deps.rooms.endSession(session.id);
    res.json({ ok: true });
  });

  return router;
}

/**
 * Mounted under /api behind requireAuth: every signed-in device of the caller's own account, so a
 * person can see (and end) a session they did not start.
 */
export function createAccountSessionsRouter(deps: { sessions: SessionsService; rooms: RealtimeRooms }) {
  const router = Router();

  router.get("/me/sessions", async (_req, res) => {
    res.json({ sessions: await deps.sessions.listMySessions(currentUserId(res), currentSessionId(res)) });
  });

  router.delete("/me/sessions/:sessionId", async (req, res) => {
    const { sessionId } = parseInput(SessionParams, req.params);
    const session = await deps.sessions.revokeMySession(currentUserId(res), sessionId);
    deps.rooms.endSession(session.id);
    res.status(204).end();
  });

  return router;
}

/** The tablet's side, without a token: a pairing code buys a device session. */
export function createPairingRouter(deps: {
  sessions: SessionsService;
  tokens: TokenService;
  limitByIp: RequestHandler;
  /** Across all addresses, and per code: rotating addresses can't guess codes either. */
  limits: { pairingGlobal: RateLimit; pairingCode: RateLimit };
}) {
  const router = Router();
  router.post("/api/devices/pair", deps.limitByIp, async (req, res) => {
    const body = parseInput(PairDeviceBody, req.body);
    const code = normaliseCode(body.code);
    await deps.limits.pairingGlobal.consume("all");
    await deps.limits.pairingCode.consume(code.slice(0, 32));
    if (!PairingCode.safeParse(code).success) {
      throw new DomainError("not_found", "This pairing code does not exist. Check the code with the coordinator.");
    }
    const paired = await deps.sessions.pairDevice(code, body.deviceName);
    res.json({
      token: await deps.tokens.issue(paired.user.id, paired.session.id),
      deviceToken: paired.deviceToken,
      user: { id: paired.user.id, email: paired.user.email, name: paired.user.name },
      circle: paired.circle,
    });
  });
  return router;
}
