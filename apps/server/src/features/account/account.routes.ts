import type { AccountService, RateLimit } from "@kring/domain";
import type { Logger } from "@kring/logger";
import { ChangePasswordBody, PasswordResetBody, PasswordResetConfirmBody, UpdateMeBody } from "@kring/protocol";
import { type RequestHandler, Router } from "express";
import { parseInput } from "../../http/errors";
import { currentSessionId, currentUserId } from "../auth/require-auth";

/**
 * Account basics (issue #11), mounted under /api behind requireAuth: change the password (other
 * sessions end), sign out everywhere else, rename, choose a language.
 */
export function createAccountRouter(deps: { account: AccountService; endSessions: (sessionIds: string[]) => void }) {
  const router = Router();

  router.post("/me/password", async (req, res) => {
    const body = parseInput(ChangePasswordBody, req.body);
    const ended = await deps.account.changePassword(currentUserId(res), currentSessionId(res), body);
    deps.endSessions(ended);
    res.status(204).end();
  });

  router.delete("/me/sessions", async (_req, res) => {
    deps.endSessions(await deps.account.revokeSessions(currentUserId(res), currentSessionId(res)));
    res.status(204).end();
  });

  router.patch("/me", async (req, res) => {
    const body = parseInput(UpdateMeBody, req.body);
    res.json({ user: await deps.account.updateMe(currentUserId(res), body) });
  });

  return router;
}

/**
 * The reset, without a token: `POST /api/auth/password-reset` answers 202 at once and looks the
 * address up afterwards, so neither the answer nor its timing says whether the address has an
 * account. Limited per client address and per address asked about (Redis, every node).
 */
export function createPasswordResetRouter(deps: {
  account: AccountService;
  limitByIp: RequestHandler;
  resetEmailLimit: RateLimit;
  endSessions: (sessionIds: string[]) => void;
  logger: Logger;
}) {
  const router = Router();

  router.post("/api/auth/password-reset", deps.limitByIp, async (req, res) => {
    const body = parseInput(PasswordResetBody, req.body);
    await deps.resetEmailLimit.consume(body.email);
    res.status(202).json({ ok: true });
    deps.account.requestPasswordReset(body.email).catch((error: unknown) => deps.logger.error("could not send a password reset link", error));
  });

  router.post("/api/auth/password-reset/confirm", deps.limitByIp, async (req, res) => {
    const body = parseInput(PasswordResetConfirmBody, req.body);
    const { ended } = await deps.account.confirmPasswordReset(body.token, body.newPassword);
    deps.endSessions(ended);
    res.status(204).end();
  });

  return router;
}
