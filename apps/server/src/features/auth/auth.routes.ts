import { DomainError, DuplicateKeyError, type RateLimit, type SessionsService, type UserRepository } from "@kring/domain";
import { DeviceTokenBody, LoginBody, RegisterBody } from "@kring/protocol";
import { type RequestHandler, Router } from "express";
import { parseInput } from "../../http/errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords";
import { currentUserId } from "./require-auth";
import type { TokenService } from "./tokens";

/**
 * Per client address, across all server nodes: slows password guessing, account spraying and
 * pairing-code guessing. The address is the socket's peer unless TRUST_PROXY names the proxies
 * whose X-Forwarded-For may be believed (otherwise anyone could rotate that header).
 */
export function limitByAddress(limit: RateLimit): RequestHandler {
  return async (req, _res, next) => {
    await limit.consume(req.ip ?? req.socket.remoteAddress ?? "unknown");
    next();
  };
}

/** A short name for the device list, from the browser's user agent (no fingerprinting beyond that). */
function browserName(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac OS/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}

export function createAuthRouter(deps: {
  users: UserRepository;
  tokens: TokenService;
  sessions: SessionsService;
  limitByIp: RequestHandler;
  /** Sign-in attempts per account, whatever the address: guessing one person's password stops here. */
  loginAccountLimit: RateLimit;
  onSessionEnded: (sessionId: string) => void;
}) {
  const router = Router();
  const publicUser = (user: { id: string; email: string; name: string }) => ({ id: user.id, email: user.email, name: user.name });

  router.post("/api/auth/register", deps.limitByIp, async (req, res) => {
    const body = parseInput(RegisterBody, req.body);
    const passwordHash = await hashPassword(body.password);
    try {
      const user = await deps.users.create({ email: body.email, name: body.name, passwordHash });
      const { session, deviceToken } = await deps.sessions.startSession(user, "browser", browserName(req.headers["user-agent"]));
      const token = await deps.tokens.issue(user.id, session.id);
      res.status(201).json({ token, user: publicUser(user), deviceToken });
    } catch (error) {
      if (error instanceof DuplicateKeyError) {
        throw new DomainError("conflict", "An account with this email already exists. Sign in instead.");
      }
      throw error;
    }
  });

  router.post("/api/auth/login", deps.limitByIp, async (req, res) => {
    const body = parseInput(LoginBody, req.body);
    // Counted before the password is checked, so even the right password waits out the window
    // once it is used up: otherwise a guesser learns the answer from the one 200 among the 429s.
    await deps.loginAccountLimit.consume(body.email);
    const user = await deps.users.findByEmail(body.email);
    if (!user || !user.passwordHash) {
      await burnPasswordCheck(body.password);
      throw new DomainError("unauthorized", "Wrong email or password.");
    }
    if (!(await verifyPassword(user.passwordHash, body.password))) {
      throw new DomainError("unauthorized", "Wrong email or password.");
    }
    await deps.loginAccountLimit.reset(body.email);
    const { session, deviceToken } = await deps.sessions.startSession(user, "browser", browserName(req.headers["user-agent"]));
    const token = await deps.tokens.issue(user.id, session.id);
    res.json({ token, user: publicUser(user), deviceToken });
  });

  router.post("/api/auth/device-token", deps.limitByIp, async (req, res) => {
    const body = parseInput(DeviceTokenBody, req.body);
    const { session, user } = await deps.sessions.resumeSession(body.deviceToken);
    res.json({ token: await deps.tokens.issue(user.id, session.id), user: publicUser(user) });
  });

  router.post("/api/auth/logout", async (req, res) => {
    const body = parseInput(DeviceTokenBody, req.body);
    const session = await deps.sessions.endSession(body.deviceToken);
    if (session) deps.onSessionEnded(session.id);
    res.json({ ok: true });
  });

  return router;
}

export function createMeRouter(deps: { users: UserRepository }) {
  const router = Router();
  router.get("/me", async (_req, res) => {
    const user = await deps.users.findById(currentUserId(res));
    if (!user) throw new DomainError("unauthorized", "This account no longer exists.");
    res.json({ user: { id: user.id, email: user.email, name: user.name } });
  });
  return router;
}

