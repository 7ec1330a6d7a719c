import { type Connection, Schema } from "mongoose";

/**
 * A member's calendar feed (issue #10): the secret token is never stored, only its sha256, as the
 * `_id` of a key document (`calendar_feed_tokens`, like `device_session_tokens`), so a feed request
 * is one point read; `calendar_feeds` (`_id` = userId) names the member's current token hash, so a
 * new feed or a revoke finds the old key to delete.
 */
const calendarFeedTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
const calendarFeedSchema = new Schema(
  {
    _id: { type: String, required: true },
    tokenHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function registerCalendarFeedModels(connection: Connection) {
  return {
    CalendarFeedToken: connection.model("CalendarFeedToken", calendarFeedTokenSchema, "calendar_feed_tokens"),
    CalendarFeed: connection.model("CalendarFeed", calendarFeedSchema, "calendar_feeds"),
  };
}
export type CalendarFeedModels = ReturnType<typeof registerCalendarFeedModels>;
