import { createTokenBucketLimiter, DomainError, DuplicateKeyError, type UserRepository } from "@kring/domain";
import { LoginBody, RegisterBody } from "@kring/protocol";
import { type RequestHandler, Router } from "express";
import { parseInput } from "../../http/errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords";
import { currentUserId, requireAuth } from "./require-auth";
import type { TokenService } from "./tokens";

export function createAuthRouter(deps: { users: UserRepository; tokens: TokenService; authRatePerMinute: number }) {
  const router = Router();
  // Slows password guessing and account spraying per client address.
  const limiter = createTokenBucketLimiter({
    ratePerSecond: deps.authRatePerMinute / 60,
    burst: deps.authRatePerMinute,
  });
  const limitByIp: RequestHandler = (req, _res, next) => {
    if (!limiter.tryTake(req.ip ?? "unknown")) {
      throw new DomainError("rate_limited", "Too many attempts. Wait a minute and try again.");
    }
    next();
  };

  router.post("/api/auth/register", limitByIp, async (req, res) => {
    const body = parseInput(RegisterBody, req.body);
    const passwordHash = await hashPassword(body.password);
    try {
      const user = await deps.users.create({ email: body.email, name: body.name, passwordHash });
      const token = await deps.tokens.issue(user.id);
      res.status(201).json({ token, user: { id: user.id, email: user.email, name: user.name } });
    } catch (error) {
      if (error instanceof DuplicateKeyError) {
        throw new DomainError("conflict", "An account with this email already exists. Sign in instead.");
      }
      throw error;
    }
  });

  router.post("/api/auth/login", limitByIp, async (req, res) => {
    const body = parseInput(LoginBody, req.body);
    const user = await deps.users.findByEmail(body.email);
    if (!user) {
      await burnPasswordCheck(body.password);
      throw new DomainError("unauthorized", "Wrong email or password.");
    }
    if (!(await verifyPassword(user.passwordHash, body.password))) {
      throw new DomainError("unauthorized", "Wrong email or password.");
    }
    const token = await deps.tokens.issue(user.id);
    res.json({ token, user: { id: user.id, email: user.email, name: user.name } });
  });

  router.get("/api/me", requireAuth(deps.tokens), async (_req, res) => {
    const user = await deps.users.findById(currentUserId(res));
    if (!user) throw new DomainError("unauthorized", "This account no longer exists.");
    res.json({ user: { id: user.id, email: user.email, name: user.name } });
  });

  return router;
}
