import type { CalendarFeedRepository } from "@kring/domain";
import { upsertById } from "../keyed/writes";
import { toObjectId } from "../models";
import type { CalendarFeedModels } from "./calendar-feeds.models";

export function createCalendarFeedRepositories(models: CalendarFeedModels) {
  const calendarFeeds: CalendarFeedRepository = {
    async findByUser(userId) {
      const doc = await models.CalendarFeed.findById(userId).lean();
      return doc ? { userId, tokenHash: doc.tokenHash, createdAt: doc.createdAt } : null;
    },
    async findUserByTokenHash(tokenHash) {
      const doc = await models.CalendarFeedToken.findById(tokenHash).lean();
      return doc ? doc.userId.toHexString() : null;
    },
    async save(feed) {
      // The key first, then the pointer to it: a crash in between leaves a key that the pointer
      // check in the service refuses, never a pointer to a missing key.
      await models.CalendarFeedToken.create({ _id: feed.tokenHash, userId: toObjectId(feed.userId), createdAt: feed.createdAt });
      await upsertById(models.CalendarFeed, feed.userId, { tokenHash: feed.tokenHash, createdAt: feed.createdAt });
    },
    async removeToken(tokenHash) {
      await models.CalendarFeedToken.deleteOne({ _id: tokenHash });
    },
    async removeFeed(userId) {
      await models.CalendarFeed.deleteOne({ _id: userId });
    },
  };
  return { calendarFeeds };
}
