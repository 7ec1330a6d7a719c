import type { NotificationSettingsService } from "@kring/domain";
import { CircleIdParams, NotificationPreferencesBody, PushSubscriptionBody, PushSubscriptionRemoveBody } from "@kring/protocol";
import { Router } from "express";
import { parseInput } from "../../http/errors";
import { currentUserId } from "../auth/require-auth";

/** A member's notification settings and push subscriptions; the coordinators' failed notifications. */
export function createNotificationsRouter(deps: { settings: NotificationSettingsService }) {
  const router = Router();

  router.post("/me/push-subscriptions", async (req, res) => {
    const body = parseInput(PushSubscriptionBody, req.body);
    await deps.settings.subscribePush(currentUserId(res), body);
    res.status(201).json({ ok: true });
  });

  router.delete("/me/push-subscriptions", async (req, res) => {
    const body = parseInput(PushSubscriptionRemoveBody, req.body);
    await deps.settings.unsubscribePush(currentUserId(res), body.endpoint);
    res.json({ ok: true });
  });

  router.get("/me/notification-preferences", async (_req, res) => {
    res.json({ preferences: await deps.settings.getPreferences(currentUserId(res)) });
  });

  router.put("/me/notification-preferences", async (req, res) => {
    const body = parseInput(NotificationPreferencesBody, req.body);
    res.json({ preferences: await deps.settings.setPreferences(currentUserId(res), body) });
  });

  router.get("/circles/:id/dead-letters", async (req, res) => {
    const { id } = parseInput(CircleIdParams, req.params);
    res.json({ deadLetters: await deps.settings.listDeadLetters(currentUserId(res), id) });
  });

  return router;
}
