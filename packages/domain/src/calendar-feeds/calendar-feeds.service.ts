import type { Occurrence } from "@kring/protocol";
import { DomainError } from "../errors";

export type CalendarFeedRecord = { userId: string; tokenHash: string; createdAt: Date };

/** Feeds by key: the token's hash → user (`calendar_feed_tokens`), the user → their current hash (`calendar_feeds`). */
export interface CalendarFeedRepository {
  findByUser(userId: string): Promise<CalendarFeedRecord | null>;
  findUserByTokenHash(tokenHash: string): Promise<string | null>;
  save(feed: CalendarFeedRecord): Promise<void>;
  removeToken(tokenHash: string): Promise<void>;
  removeFeed(userId: string): Promise<void>;
}

export const CALENDAR_FEED_DAYS_BACK = 30;
export const CALENDAR_FEED_DAYS_AHEAD = 180;

export type CalendarFeedsDependencies = {
  calendarFeeds: CalendarFeedRepository;
  /** The caller's occurrences across their circles (the visits service's `listMyOccurrences`). */
  listMyOccurrences: (userId: string, from: string, to: string) => Promise<Occurrence[]>;
  generateSecret: () => string;
  hashSecret: (secret: string) => string;
  now: () => Date;
};

const dateOf = (instant: Date, days: number) => new Date(instant.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Personal calendar feeds (issue #10 item 7): a secret URL per member that a calendar app
 * subscribes to. The token is the only credential (calendar apps send no headers), so it is long
 * and random, stored only as its hash, replaced by a new one and revoked on request.
 */
export function createCalendarFeedsService(deps: CalendarFeedsDependencies) {
  async function revoke(userId: string): Promise<void> {
    const existing = await deps.calendarFeeds.findByUser(userId);
    if (!existing) return;
    await deps.calendarFeeds.removeToken(existing.tokenHash);
    await deps.calendarFeeds.removeFeed(userId);
  }

  return {
    /** A new secret token; any earlier one stops working. */
    async createFeed(userId: string): Promise<string> {
      await revoke(userId);
      const token = deps.generateSecret();
      await deps.calendarFeeds.save({ userId, tokenHash: deps.hashSecret(token), createdAt: deps.now() });
      return token;
    },

    revokeFeed: revoke,

    /**
     * The member's own occurrences and the open ones they could take, in all their circles, from 30
     * days back to 180 ahead; cancelled ones drop out of the calendar. An unknown or revoked token
     * is not_found (nothing tells a guesser more).
     */
    async feedFor(token: string): Promise<{ userId: string; occurrences: Occurrence[] }> {
      const tokenHash = deps.hashSecret(token);
      const userId = await deps.calendarFeeds.findUserByTokenHash(tokenHash);
      // The pointer must name this very token: a key left by an interrupted replace is dead.
      const current = userId ? await deps.calendarFeeds.findByUser(userId) : null;
      if (!userId || current?.tokenHash !== tokenHash) throw new DomainError("not_found", "No such calendar.");
      const now = deps.now();
      const occurrences = await deps.listMyOccurrences(userId, dateOf(now, -CALENDAR_FEED_DAYS_BACK), dateOf(now, CALENDAR_FEED_DAYS_AHEAD));
      return {
        userId,
        occurrences: occurrences.filter((o) => o.status !== "cancelled" && (o.assigneeId === userId || o.assigneeId === null)),
      };
    },
  };
}
export type CalendarFeedsService = ReturnType<typeof createCalendarFeedsService>;
