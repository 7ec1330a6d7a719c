import type { VisitsService } from "@kring/domain";
import {
  CircleIdParams,
  OccurrenceAction,
  OccurrenceActionBody,
  OccurrenceParams,
  OccurrenceWindowQuery,
  PlanCreateBody,
  PlanParams,
  PlanUpdateBody,
} from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";
import { reportChange, reportRead } from "../privacy/access-recording";

const OccurrenceActionParams = OccurrenceParams.extend({ action: OccurrenceAction });

/**
 * Visits and tasks (issue #10): plans, the occurrences expanded from them, and what members do with
 * an occurrence. Every change is pushed as `plan:update` / `occurrence:update` by the service.
 */
export function createVisitsRouter(deps: { visits: VisitsService }) {
  const router = Router();

  router.post("/circles/:id/plans", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const body = parseInput(PlanCreateBody, req.body);
    res.status(201).json({ plan: await deps.visits.createPlan(currentUserId(res), id, body) });
  });

  router.get("/circles/:id/plans", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json({ plans: await deps.visits.listPlans(currentUserId(res), id) });
  });

  router.patch("/plans/:id", async (req, res) => {
    const { id } = parseInput(PlanParams, req.params);
    const body = parseInput(PlanUpdateBody, req.body);
    const updated = await deps.visits.updatePlan(currentUserId(res), id, body);
    reportChange(res, "plan_changed", updated.plan.circleId);
    res.json(updated);
  });

  router.delete("/plans/:id", async (req, res) => {
    const { id } = parseInput(PlanParams, req.params);
    const { circleId } = await deps.visits.deletePlan(currentUserId(res), id);
    reportChange(res, "plan_changed", circleId);
    res.status(204).end();
  });

  router.get("/circles/:id/occurrences", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const { from, to } = parseInput(OccurrenceWindowQuery, req.query);
    res.json({ occurrences: await deps.visits.listOccurrences(currentUserId(res), id, from, to) });
  });

  router.get("/me/occurrences", async (req, res) => {
    const { from, to } = parseInput(OccurrenceWindowQuery, req.query);
    const occurrences = await deps.visits.listMyOccurrences(currentUserId(res), from, to);
    // The access log (issue #11): a read of each circle whose visits were in the answer.
    reportRead(res, "visits", occurrences.map((occurrence) => occurrence.circleId));
    res.json({ occurrences });
  });

  router.get("/occurrences/:id", async (req, res) => {
    const { id } = parseInput(OccurrenceParams, req.params);
    const occurrence = await deps.visits.getOccurrence(currentUserId(res), id);
    reportRead(res, "visits", [occurrence.circleId]);
    res.json({ occurrence });
  });

  router.post("/occurrences/:id/:action", async (req, res) => {
    const { id, action } = parseInput(OccurrenceActionParams, req.params);
    // No body, or an empty one, is fine: every field is optional.
    const body = parseInput(OccurrenceActionBody, req.body ?? {});
    res.json({ occurrence: await deps.visits.act(currentUserId(res), id, action, body) });
  });

  return router;
}
