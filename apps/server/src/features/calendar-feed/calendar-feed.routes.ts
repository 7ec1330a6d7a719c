import { type CalendarFeedsService, DomainError, type RateLimit } from "@kring/domain";
import { Router } from "express";
import { currentUserId } from "../auth/require-auth";
import { renderCalendar } from "./calendar-ics";

/** 32 random bytes as base64url: 43 characters. Anything else is not a feed and is not looked up. */
const FEED_FILE = /^([A-Za-z0-9_-]{43})\.ics$/;

/** `POST`/`DELETE /api/me/calendar-feed` (behind requireAuth): create (or replace) and revoke. */
export function createCalendarFeedMeRouter(deps: { calendarFeeds: CalendarFeedsService; appUrl: string }) {
  const router = Router();
  router.post("/me/calendar-feed", async (_req, res) => {
    const token = await deps.calendarFeeds.createFeed(currentUserId(res));
    res.status(201).json({ url: `${deps.appUrl.replace(/\/$/, "")}/calendar/${token}.ics` });
  });
  router.delete("/me/calendar-feed", async (_req, res) => {
    await deps.calendarFeeds.revokeFeed(currentUserId(res));
    res.status(204).end();
  });
  return router;
}

/**
 * `GET /calendar/<token>.ics`: no Authorization header (calendar apps send none), the token is the
 * credential. Limited per address and per token; an unknown, malformed or revoked token is 404.
 */
export function createCalendarFeedRouter(deps: {
  calendarFeeds: CalendarFeedsService;
  limits: { perAddress: RateLimit; perToken: RateLimit };
  now: () => Date;
}) {
  const router = Router();
  router.get("/calendar/:file", async (req, res) => {
    await deps.limits.perAddress.consume(req.ip ?? req.socket.remoteAddress ?? "unknown");
    const token = FEED_FILE.exec(req.params.file)?.[1];
    if (!token) throw new DomainError("not_found", "No such calendar.");
    await deps.limits.perToken.consume(token);
    const feed = await deps.calendarFeeds.feedFor(token);
    const body = renderCalendar({ name: "Kring", userId: feed.userId, occurrences: feed.occurrences, now: deps.now() });
    // The URL is a secret: no shared cache may keep it, and no referrer may carry it away.
    res.setHeader("Cache-Control", "private, no-store");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.type("text/calendar; charset=utf-8").send(body);
  });
  return router;
}
