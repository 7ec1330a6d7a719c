import { DomainError, type DeadLetterRepository, type MembershipRepository, type PreferencesRepository, type PushSubscriptionRepository, requireMembership } from "@kring/domain";
import {
  CircleIdParams,
  DEFAULT_NOTIFICATION_PREFERENCES,
  NotificationPreferencesBody,
  PushSubscriptionBody,
  PushSubscriptionRemoveBody,
} from "@kring/protocol";
import type { KringQueues } from "@kring/queues";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

export function createNotificationsRouter(deps: {
  preferences: PreferencesRepository;
  pushSubscriptions: PushSubscriptionRepository;
  deadLetters: DeadLetterRepository;
  memberships: MembershipRepository;
  queues: KringQueues;
}) {
  const router = Router();

  router.post("/me/push-subscriptions", async (req, res) => {
    const body = parseInput(PushSubscriptionBody, req.body);
    await deps.pushSubscriptions.save({ userId: currentUserId(res), endpoint: body.endpoint, keys: body.keys });
    res.status(201).json({ ok: true });
  });

  router.delete("/me/push-subscriptions", async (req, res) => {
    const body = parseInput(PushSubscriptionRemoveBody, req.body);
    await deps.pushSubscriptions.remove(currentUserId(res), body.endpoint);
    res.json({ ok: true });
  });

  router.get("/me/notification-preferences", async (_req, res) => {
    const preferences = (await deps.preferences.find(currentUserId(res))) ?? DEFAULT_NOTIFICATION_PREFERENCES;
    res.json({ preferences });
  });

  router.put("/me/notification-preferences", async (req, res) => {
    const userId = currentUserId(res);
    const body = parseInput(NotificationPreferencesBody, req.body);
    if (body.channels.sms && !body.phone) {
      throw new DomainError("validation_failed", "Add a phone number to receive text messages.");
    }
    const current = (await deps.preferences.find(userId)) ?? DEFAULT_NOTIFICATION_PREFERENCES;
    const preferences = { ...body, language: body.language ?? current.language };
    await deps.preferences.save(userId, preferences);
    res.json({ preferences });
  });

  /** Notifications that ran out of retries, for the circle's coordinators to follow up by phone. */
  router.get("/circles/:id/dead-letters", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    const membership = await requireMembership(deps.memberships, id, currentUserId(res));
    if (membership.role !== "coordinator") {
      throw new DomainError("forbidden", "Only a coordinator of this circle can see failed notifications.");
    }
    const records = await deps.deadLetters.listForCircle(id, 100);
    res.json({ deadLetters: records.map((r) => ({ ...r, failedAt: r.failedAt.toISOString() })) });
  });

  /** Queue counts (no personal data); any coordinator may look. */
  router.get("/queues/health", async (_req, res) => {
    // Point reads of the caller's own memberships (their circle ids come from their user document).
    const userId = currentUserId(res);
    const circleIds = await deps.memberships.listCircleIdsForUser(userId);
    const memberships = await Promise.all(circleIds.map((circleId) => deps.memberships.find(circleId, userId)));
    if (!memberships.some((m) => m?.role === "coordinator")) {
      throw new DomainError("forbidden", "Only coordinators can see queue health.");
    }
    res.json({ queues: await deps.queues.counts() });
  });

  return router;
}
