import type { Occurrence, Plan, PlanKind, PlanUpdateEvent } from "@kring/protocol";

// What the visits service needs from storage, sockets and the scheduling side (reminders and
// missed-visit checks, implemented by the worker's feature). packages/db implements the storage.

/** A plan as stored: the public Plan with dates, plus its tombstone. */
export type PlanRecord = {
  id: string;
  circleId: string;
  kind: PlanKind;
  title: string;
  notes: string | null;
  start: string;
  durationMinutes: number | null;
  timeZone: string;
  recurrence: string | null;
  assigneeId: string | null;
  reminderMinutes: number;
  alertIfMissed: boolean;
  lateAfterMinutes: number;
  createdBy: string;
  createdAt: Date;
  previousPlanId: string | null;
  /** Set when the plan was deleted; a deleted plan yields no occurrences and answers 404. */
  deletedAt: Date | null;
};

/**
 * Plans by id (`plans` `_id` = planId), every plan a circle filed as a slot list of ids, and the
 * circle's current plans as a list that knows each one's last date; never a query. A plan is
 * changed only by the coordinators and its creator, rarely and by hand, so `save` is a plain
 * replace by id (the last edit wins); everything that races (claims) is an occurrence event.
 *
 * `lastDate` is the last local date on which the plan can have an occurrence (`lastOccurrenceDate`;
 * null: the series has no end). A later date than the true one is allowed (it costs a read), an
 * earlier one is not.
 */
export interface PlanRepository {
  /** Stores a new plan under a fresh id and files it in its circle's lists. */
  create(plan: Omit<PlanRecord, "id">, lastDate: string | null): Promise<PlanRecord>;
  findById(planId: string): Promise<PlanRecord | null>;
  /** Replaces the stored plan (same id and circle); a plan with `deletedAt` leaves the current list. */
  save(plan: PlanRecord, lastDate: string | null): Promise<void>;
  /** Every plan ever filed in the circle (deleted ones too), oldest first: O(every plan filed) point reads. */
  listForCircle(circleId: string): Promise<PlanRecord[]>;
  /**
   * The circle's plans that are not deleted and can have an occurrence on or after `fromDate`
   * (may include a few that have none): O(those plans) point reads plus one for the list.
   */
  listCurrent(circleId: string, fromDate: string): Promise<PlanRecord[]>;
}

export type OccurrenceEventType = "claim" | "release" | "cancel" | "check-in" | "check-out" | "complete";

/**
 * One change of one occurrence, stored under a deterministic id so that "first wins" holds on
 * FerretDB (whose read-modify-write is not atomic): `<occurrenceId>:a:<n>` for the n-th claim or
 * release (the assignment chain: the n-th is only written by someone who saw n − 1), and
 * `<occurrenceId>:cancel`, `:check-in`, `:check-out`, `:complete` (each at most once).
 */
export type OccurrenceEventRecord = {
  id: string;
  occurrenceId: string;
  planId: string;
  circleId: string;
  type: OccurrenceEventType;
  userId: string;
  note: string | null;
  at: Date;
};

export interface OccurrenceEventRepository {
  /** false when an event with this id exists already (someone was first). */
  insert(event: OccurrenceEventRecord): Promise<boolean>;
  /** The events of one occurrence: point reads of the deterministic ids (the chain until its first gap). */
  findForOccurrence(circleId: string, occurrenceId: string): Promise<OccurrenceEventRecord[]>;
  /**
   * Files an occurrence that has (or is about to have) events in its plan's month list
   * (`<planId>:<YYYY-MM>`), so a window read folds only those. Called before the first event's
   * insert; a repeat is harmless (readers dedupe).
   */
  markTouched(circleId: string, planId: string, month: string, occurrenceId: string): Promise<void>;
  /** The occurrence ids filed for the plan's month (slot list point reads). */
  listTouched(circleId: string, planId: string, month: string): Promise<string[]>;
}

/** Pushes `plan:update` / `occurrence:update` to the circle's room (Socket.IO or the Redis emitter). */
export interface VisitsPublisher {
  planUpdated(event: PlanUpdateEvent): void;
  occurrenceUpdated(occurrence: Occurrence): void;
}

/**
 * The hook for reminders and missed-visit checks (the worker's side, issue #10 items 3 and 4).
 * Called after each change is stored; implementations must be idempotent (a repeated call for the
 * same state queues nothing twice) because a client may retry a request whose hook failed.
 */
export interface VisitScheduling {
  /** A plan was created, edited (also the ended half of a split series) or deleted. */
  planChanged(plan: Plan, change: { deleted: boolean }): Promise<void>;
  /** An occurrence was claimed, released, cancelled, checked in or out, or completed. */
  occurrenceChanged(occurrence: Occurrence): Promise<void>;
}

/** The default until the worker side implements it: nothing is scheduled. */
export const noVisitScheduling: VisitScheduling = {
  planChanged: async () => undefined,
  occurrenceChanged: async () => undefined,
};
