import type { AccessCategory, AccessChangeAction, DeviceKind, MessageThread } from "@kring/protocol";

// Ports of the privacy feature (issue #11). packages/redis implements the Redis aggregator,
// packages/db the repositories; every method is a point read or write of a computed key.

export type AccessHit = { circleId: string; userId: string; category: AccessCategory; deviceKind: DeviceKind; at: Date };

/** One row of the access log: a member's reads of one category on one device kind, on one UTC day. */
export type AccessAggregate = {
  userId: string;
  category: AccessCategory;
  deviceKind: DeviceKind;
  day: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
};

/**
 * Redis, where reads are counted as they happen: one hash per circle and day, one small script per
 * read (O(1)). The worker flushes the hashes to the database by key; today's reads are read from
 * Redis directly, so the log is current without a write per read.
 */
export interface AccessAggregator {
  hit(hit: AccessHit): Promise<void>;
  /** The day's aggregates still held in Redis (the last few days), empty when none. */
  readDay(circleId: string, day: string): Promise<AccessAggregate[]>;
  /** Takes up to `limit` circle-days with reads not yet flushed (each is handed out once). */
  takePending(limit: number): Promise<{ circleId: string; day: string }[]>;
  /** Puts a circle-day back (a flush that failed). */
  markPending(circleId: string, day: string): Promise<void>;
}

export type AccessChangeRecord = { circleId: string; userId: string; action: AccessChangeAction; at: Date };

export interface AccessLogRepository {
  /**
   * Stores a circle-day's aggregates: one document per row (`<circleId>:<day>:<userId>:<category>:
   * <deviceKind>`) and the day's index of rows (`<circleId>:<day>`). Counts only ever grow (`$max`),
   * so a repeated flush is harmless.
   */
  saveDay(circleId: string, day: string, aggregates: AccessAggregate[]): Promise<void>;
  /** The day's stored rows: the index, then one point read per row. */
  readDay(circleId: string, day: string): Promise<AccessAggregate[]>;
  /** Deletes the day's rows and its index (expiry after 18 months). */
  removeDay(circleId: string, day: string): Promise<void>;
  /** Insert-only: a change is a new slot of the circle's list. */
  appendChange(change: AccessChangeRecord): Promise<void>;
  /** The circle's changes with from <= at < to, newest first, at most `limit` (slots walked from the newest). */
  listChanges(circleId: string, from: Date, to: Date, limit: number): Promise<AccessChangeRecord[]>;
  /** The first day whose rows still exist (the expiry walk's cursor), null when never walked. */
  readExpiryCursor(circleId: string): Promise<string | null>;
  saveExpiryCursor(circleId: string, day: string): Promise<void>;
}

export type RetentionRecord = { circleId: string; messagesDays: number | null; updatedAt: Date };

export interface RetentionRepository {
  find(circleId: string): Promise<RetentionRecord | null>;
  save(record: RetentionRecord): Promise<void>;
  /** The first seq of the thread that retention has not removed yet (1 when never run). */
  readCursor(circleId: string, thread: MessageThread): Promise<number>;
  saveCursor(circleId: string, thread: MessageThread, nextSeq: number): Promise<void>;
  /**
   * A maintenance walk of the circles (one small document each), once a day in the worker: the
   * daily job must visit every circle; never on a request or event path.
   */
  maintenanceListCircleIds(): Promise<string[]>;
}

/** Rewrites messages in place, by key. */
export interface MessageEraser {
  /** The message at the seq becomes a tombstone (`deleted: true`, empty body, no system line). */
  tombstone(circleId: string, thread: MessageThread, seq: number): Promise<void>;
  /** A system line that names the user keeps its event but no longer their name or id. */
  anonymiseSystemLine(circleId: string, thread: MessageThread, seq: number): Promise<void>;
}

/** Removes what an account is: every key that belongs to the user alone. */
export interface AccountEraser {
  /**
   * Deletes the user document, its email key, preferences, push subscriptions, device sessions
   * and their token keys, and returns the ids of the sessions that were active.
   */
  eraseAccount(userId: string): Promise<{ sessionIds: string[] }>;
  /** Deletes the membership `<c>:<u>`, its read markers and the resident profile `<c>:<u>`. */
  eraseMembership(circleId: string, userId: string): Promise<void>;
}
