import { DomainError } from "@kring/domain";
import type { RequestHandler } from "express";
import type { TokenService } from "./tokens";

/** Verifies `Authorization: Bearer <token>` and puts the user id on res.locals. */
export function requireAuth(tokens: TokenService, isSessionActive: (sessionId: string) => Promise<boolean>): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === "string" ? /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header) : null;
    if (!match?.[1]) {
      throw new DomainError("unauthorized", "Sign in first: send Authorization: Bearer <token>.");
    }
    const { userId, sessionId } = await tokens.verify(match[1]);
    if (sessionId && !(await isSessionActive(sessionId))) {
      throw new DomainError("unauthorized", "This device was signed out. Sign in again.");
    }
    res.locals.userId = userId;
    res.locals.sessionId = sessionId;
    next();
  };
}

export function currentUserId(res: { locals: Record<string, unknown> }): string {
  const userId = res.locals.userId;
  if (typeof userId !== "string") throw new DomainError("unauthorized", "Sign in first.");
  return userId;
}

/** The device session the request's token was minted from (absent for tokens without one). */
export function currentSessionId(res: { locals: Record<string, unknown> }): string | undefined {
  const sessionId = res.locals.sessionId;
  return typeof sessionId === "string" ? sessionId : undefined;
}
