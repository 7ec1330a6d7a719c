import type { AlertsService, MembershipRepository } from "@kring/domain";
import { foldAlert } from "@kring/domain";
import type { AlertRepositories } from "@kring/db";
import { AlertsQuery, CheckinScheduleBody, CircleIdParams, EscalationBody } from "@kring/protocol";
import type { KringQueues } from "@kring/queues";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

export function createAlertsRouter(deps: {
  alerts: AlertsService;
  alertRepository: AlertRepositories["alerts"];
  memberships: MembershipRepository;
  queues: KringQueues;
}) {
  const router = Router();

  router.get("/circles/:id/alerts", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const { status } = parseInput(AlertsQuery, req.query);
    res.json({ alerts: await deps.alerts.listAlerts(currentUserId(res), id, status) });
  });

  /** The inbox across all of the caller's circles, newest first (open ones first when unfiltered). */
  router.get("/alerts", async (req, res) => {
    const userId = currentUserId(res);
    const { status } = parseInput(AlertsQuery, req.query);
    const circleIds = (await deps.memberships.listForUser(userId)).map((m) => m.circleId);
    if (circleIds.length === 0) {
      res.json({ alerts: [] });
      return;
    }
    const records = await deps.alertRepository.listForCircles(circleIds, 200);
    const events = await deps.alertRepository.listEvents(circleIds, records.map((r) => r.id));
    const alerts = records
      .map((record) => foldAlert(record, events.filter((e) => e.alertId === record.id)))
      .filter((alert) => !status || alert.status === status);
    const rank = { open: 0, unanswered: 0, claimed: 1, resolved: 2 } as const;
    alerts.sort((a, b) => rank[a.status] - rank[b.status] || b.createdAt.localeCompare(a.createdAt));
    res.json({ alerts });
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

  router.get("/circles/:id/checkin-schedule", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json({ schedule: await deps.alerts.getCheckinSchedule(currentUserId(res), id) });
  });

  router.put("/circles/:id/checkin-schedule", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const body = parseInput(CheckinScheduleBody, req.body);
    const schedule = await deps.alerts.setCheckinSchedule(currentUserId(res), id, body);
    await deps.queues.checkins.schedule(id, schedule);
    res.json({ schedule });
  });

  return router;
}
