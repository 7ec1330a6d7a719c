import type { AlertsService } from "@kring/domain";
import { AlertsQuery, CircleIdParams, EscalationBody } from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

export function createAlertsRouter(deps: { alerts: AlertsService }) {
  const router = Router();

  router.get("/circles/:id/alerts", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const { status } = parseInput(AlertsQuery, req.query);
    res.json({ alerts: await deps.alerts.listAlerts(currentUserId(res), id, status) });
  });

  /** The inbox across all of the caller's circles (see AlertsService.listInbox for the order). */
  router.get("/alerts", async (req, res) => {
    const { status } = parseInput(AlertsQuery, req.query);
    res.json({ alerts: await deps.alerts.listInbox(currentUserId(res), status) });
  });

  router.get("/circles/:id/escalation", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json({ escalation: await deps.alerts.getEscalation(currentUserId(res), id) });
  });

  router.put("/circles/:id/escalation", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const body = parseInput(EscalationBody, req.body);
    res.json({ escalation: await deps.alerts.setEscalation(currentUserId(res), id, body) });
  });

  return router;
}
