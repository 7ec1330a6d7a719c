import { DomainError } from "@kring/domain";
import type { KringQueues } from "@kring/redis";
import { type RequestHandler, Router } from "express";
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Operator endpoints, for whoever runs the deployment (not for circle members: any user can create
 * a circle and so be a coordinator). They answer only to `Authorization: Bearer <OPERATOR_TOKEN>`;
 * without OPERATOR_TOKEN configured they don't exist. Mounted before the user authentication.
 */
export function createOperatorRouter(deps: { operatorToken: string | undefined; queues: KringQueues }) {
  const router = Router();
  const expected = deps.operatorToken ? digest(deps.operatorToken) : undefined;

  const requireOperator: RequestHandler = (req, _res, next) => {
    if (!expected) throw new DomainError("not_found", "No such API endpoint.");
    const header = req.headers.authorization;
    const presented = typeof header === "string" && header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    // Compare digests so the comparison takes the same time whatever was sent.
    if (!timingSafeEqual(digest(presented), expected)) {
      throw new DomainError("forbidden", "Queue health is for the operator: send Authorization: Bearer <OPERATOR_TOKEN>.");
    }
    next();
  };

  /** Job counts per queue (no personal data). */
  router.get("/api/queues/health", requireOperator, async (_req, res) => {
    res.json({ queues: await deps.queues.counts() });
  });

  return router;
}
