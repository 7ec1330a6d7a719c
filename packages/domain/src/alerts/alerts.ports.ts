import type { AlertHistoryType, AlertKind, EscalationStepJob } from "@kring/protocol";

// What the alerts service needs from storage (packages/db/src/alerts/) and from the queue that
// runs the ladder (BullMQ in packages/redis).

export type AlertRecord = {
  id: string;
  circleId: string;
  kind: AlertKind;
  raisedBy: string | null;
  clientId: string | null;
  createdAt: Date;
  /** `missed_visit` (issue #10): the occurrence, and its assignee, who is paged before the ladder. */
  occurrenceId?: string | undefined;
  firstResponderId?: string | undefined;
};

/**
 * Alerts are event-sourced: every change is an insert with a deterministic id (`alertId:claimed`,
 * `alertId:paged:2:userId`). An insert either happens once or fails on the primary key, which makes
 * "first claim wins" and "re-running a job is harmless" hold on FerretDB, whose read-modify-write
 * updates are not atomic under concurrency.
 */
export type AlertEventRecord = {
  id: string;
  alertId: string;
  circleId: string;
  type: AlertHistoryType;
  userId: string | null;
  step: number | null;
  note: string | null;
  /** On `unanswered`: everyone paged when the ladder ran out (the fan-out is one insert). */
  recipients?: string[];
  at: Date;
};

/**
 * Every method is a point read or insert by key (see ARCHITECTURE.md "Storage by key"): FerretDB on
 * SQLite serves nothing else from an index, so nothing here filters, sorts or counts a collection.
 */
export interface AlertRepository {
  /** Throws DuplicateKeyError when (circleId, raisedBy, clientId) exists. */
  insert(alert: Omit<AlertRecord, "id">): Promise<AlertRecord>;
  findByClientId(circleId: string, raisedBy: string | null, clientId: string): Promise<AlertRecord | null>;
  /** The one lookup without a circle id: it is how a claim learns which circle to check membership in. */
  findById(alertId: string): Promise<AlertRecord | null>;
  /** The circle's newest `limit` alerts, newest first (a per-circle list of keys, not a query). */
  listForCircle(circleId: string, limit: number): Promise<AlertRecord[]>;
  /** The newest `limitPerCircle` alerts of each circle, newest first overall. */
  listForCircles(circleIds: string[], limitPerCircle: number): Promise<AlertRecord[]>;
  /** false when an event with this id exists already. */
  insertEvent(event: AlertEventRecord): Promise<boolean>;
  /** Whether an event with this deterministic id exists (an `_id` read, cheap on every backend). */
  hasEvent(circleId: string, eventId: string): Promise<boolean>;
  /** The events among these deterministic ids that exist (point reads; see `alertEventIds`). */
  findEvents(circleId: string, eventIds: string[]): Promise<AlertEventRecord[]>;
  /**
   * Erasure only (issue #11): replaces the note of one event, by its id ("Cancelled by <name>" of a
   * member who is erased becomes "Cancelled by a former member"). Events are otherwise never changed.
   */
  replaceEventNote(circleId: string, eventId: string, note: string): Promise<void>;
}

export type EscalationRecord = { circleId: string; responders: string[]; stepSeconds: number };

export interface EscalationRepository {
  find(circleId: string): Promise<EscalationRecord | null>;
  save(record: EscalationRecord): Promise<void>;
}

/** Schedules escalation steps (BullMQ in production). Same job id twice = one job. */
export interface EscalationScheduler {
  scheduleStep(job: EscalationStepJob, delayMs: number): Promise<void>;
}
