import type {
  Alert,
  AlertHistoryType,
  AlertKind,
  DeadLetter,
  DeliverNotificationJob,
  EscalationStepJob,
  Message,
  MessageDigestJob,
  Notification,
  NotificationPreferences,
  Role,
} from "@kring/protocol";

// What the domain needs from storage. packages/db implements these with mongoose;
// unit tests implement them in memory. Every circle-data method takes the circle id.

/** `isManaged`: a resident's account that a coordinator created (no email, no password). */
export type UserRecord = { id: string; email: string; name: string; passwordHash: string; isManaged: boolean };

export interface UserRepository {
  /** Throws DuplicateKeyError("email") when the email is taken. */
  create(input: { email: string; name: string; passwordHash: string }): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(userId: string): Promise<UserRecord | null>;
  findNames(userIds: string[]): Promise<Map<string, string>>;
}

export type CircleRecord = { id: string; name: string; createdBy: string; createdAt: Date };
export type MembershipRecord = { circleId: string; userId: string; role: Role; joinedAt: Date };

export interface CircleRepository {
  create(input: { name: string; createdBy: string; now: Date }): Promise<CircleRecord>;
  findById(circleId: string): Promise<CircleRecord | null>;
  findByIds(circleIds: string[]): Promise<CircleRecord[]>;
}

export interface MembershipRepository {
  /** Throws DuplicateKeyError("membership") when the user is already a member. */
  add(membership: MembershipRecord): Promise<void>;
  find(circleId: string, userId: string): Promise<MembershipRecord | null>;
  /** O(the user's circles) point reads, oldest membership first. */
  listForUser(userId: string): Promise<MembershipRecord[]>;
  /** O(the circle's members) point reads, oldest membership first. */
  listForCircle(circleId: string): Promise<MembershipRecord[]>;
  /** The user's circle ids (for the socket handshake's rooms); same reads as listForUser. */
  listCircleIdsForUser(userId: string): Promise<string[]>;
}

export type InvitationRecord = {
  id: string;
  circleId: string;
  code: string;
  role: Role;
  createdBy: string;
  expiresAt: Date;
};

export interface InvitationRepository {
  create(input: Omit<InvitationRecord, "id">): Promise<InvitationRecord>;
  findByCode(code: string): Promise<InvitationRecord | null>;
  /**
   * Marks the invitation used by `userId`. Returns false if it was already used.
   * Must be safe under races: exactly one concurrent caller gets true.
   */
  redeem(circleId: string, invitationId: string, userId: string, now: Date): Promise<boolean>;
  isRedeemed(circleId: string, invitationId: string): Promise<boolean>;
}

export type NewMessage = Omit<Message, "id" | "createdAt"> & { createdAt: Date };

/**
 * A conversation inside a circle. Only "circle" (everyone) exists today; a care-team thread without
 * the resident comes next. The thread is part of every message key, so each thread has its own seqs.
 */
export type MessageThread = "circle" | "team";

/**
 * Messages are addressed by key (circle, thread, seq): every method is a point read or an insert of
 * a computed `_id`, never a query over the collection (see ARCHITECTURE.md, "Storage by key").
 */
export interface MessageRepository {
  /** Inserts at `message.seq`. Throws DuplicateKeyError("seq") when that seq is taken. */
  insert(message: NewMessage, thread?: MessageThread): Promise<Message>;
  /** One point read of the seq's key. */
  findBySeq(circleId: string, seq: number, thread?: MessageThread): Promise<Message | null>;
  /** One point read per seq (in parallel, never `$in`), in the order given; null where none exists. */
  findBySeqs(circleId: string, seqs: number[], thread?: MessageThread): Promise<(Message | null)[]>;
  /**
   * The fast path of a send, in one round trip and (on FerretDB) one transaction: inserts the claim
   * `claim → message.seq`, then the message, in that order, stopping at the first duplicate:
   * "claim_taken" (nothing inserted), "seq_taken" (the claim is stored, the message is not) or
   * "inserted" (both).
   */
  insertWithClaim(
    message: NewMessage,
    claim: ClientIdClaim,
  ): Promise<{ outcome: "inserted"; message: Message } | { outcome: "claim_taken" } | { outcome: "seq_taken" }>;
  /** The seq a claim generation names, or null if that generation was never claimed. */
  findClientIdClaim(claim: ClientIdClaim): Promise<number | null>;
}

export type ClientIdClaim = {
  circleId: string;
  thread: MessageThread;
  senderId: string;
  clientId: string;
  generation: number;
};

/**
 * Redis, in front of the message keys. A cache only: every method may lose data (a Redis restart,
 * eviction) and callers fall back to point reads; a failing call rejects and callers treat that
 * as a miss.
 */
export interface MessageCache {
  /**
   * The newest seq known to be committed, or null when unknown. Only ever raised to seqs whose
   * insert succeeded, so it is a lower bound of the truth.
   */
  readHint(circleId: string, thread: MessageThread): Promise<number | null>;
  /**
   * Adds a committed message to the circle's recent window and raises the hint, and the sender's
   * own-send seq, to its seq.
   */
  remember(message: Message, thread: MessageThread): Promise<void>;
  /** The seq of the member's newest own message, or null when unknown (it moves their read marker). */
  readOwnSeq(circleId: string, thread: MessageThread, userId: string): Promise<number | null>;
  /** Raises the hint (never lowers it). */
  raiseHint(circleId: string, thread: MessageThread, seq: number): Promise<void>;
  /** The window's messages with fromSeq <= seq <= toSeq, by seq; absent seqs are simply missing. */
  recent(circleId: string, thread: MessageThread, fromSeq: number, toSeq: number): Promise<Map<number, Message>>;
}

export interface ReadMarkerRepository {
  find(circleId: string, userId: string): Promise<number>;
  /** Sets the marker to max(current, seq). */
  advance(circleId: string, userId: string, seq: number): Promise<void>;
}

// ---- Alerts, escalation, check-in, notifications (issue #3) ----

export type AlertRecord = {
  id: string;
  circleId: string;
  kind: AlertKind;
  raisedBy: string | null;
  clientId: string | null;
  createdAt: Date;
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
}

export type EscalationRecord = { circleId: string; responders: string[]; stepSeconds: number };

export interface EscalationRepository {
  find(circleId: string): Promise<EscalationRecord | null>;
  save(record: EscalationRecord): Promise<void>;
}

export type CheckinScheduleRecord = { circleId: string; deadline: string; timeZone: string; enabled: boolean };
export type CheckinRecord = { circleId: string; date: string; at: Date; by: string };

export interface CheckinRepository {
  findSchedule(circleId: string): Promise<CheckinScheduleRecord | null>;
  saveSchedule(schedule: CheckinScheduleRecord): Promise<void>;
  /** A maintenance scan (worker start only, to re-create the schedulers): never on a request or job path. */
  maintenanceListEnabledSchedules(): Promise<CheckinScheduleRecord[]>;
  /** Returns the stored check-in for that local date (the first one wins). */
  record(checkin: CheckinRecord): Promise<CheckinRecord>;
  find(circleId: string, date: string): Promise<CheckinRecord | null>;
}

export type PreferencesRecord = NotificationPreferences & { userId: string };

export interface PreferencesRepository {
  find(userId: string): Promise<NotificationPreferences | null>;
  save(userId: string, preferences: NotificationPreferences): Promise<void>;
}

export type PushSubscriptionRecord = { userId: string; endpoint: string; keys: { p256dh: string; auth: string } };

export interface PushSubscriptionRepository {
  save(subscription: PushSubscriptionRecord): Promise<void>;
  remove(userId: string, endpoint: string): Promise<void>;
  removeByEndpoint(endpoint: string): Promise<void>;
  listForUser(userId: string): Promise<PushSubscriptionRecord[]>;
}

export type DeadLetterRecord = Omit<DeadLetter, "failedAt"> & { failedAt: Date };

export interface DeadLetterRepository {
  insert(record: DeadLetterRecord): Promise<void>;
  listForCircle(circleId: string, limit: number): Promise<DeadLetterRecord[]>;
}

/** Schedules escalation steps (BullMQ in production). Same job id twice = one job. */
export interface EscalationScheduler {
  scheduleStep(job: EscalationStepJob, delayMs: number): Promise<void>;
}

/** Enqueues one delivery job per recipient and channel (BullMQ in production). */
export interface NotificationQueue {
  enqueue(jobs: { job: DeliverNotificationJob; delayMs: number }[]): Promise<void>;
}

/** Pushes facts to sockets: Socket.IO in the server, the Redis emitter in the worker. */
export interface RealtimePublisher {
  alertUpdated(alert: Alert): void;
  notify(userId: string, notification: Notification): void;
}

/** Whether a user has a connected socket anywhere (Redis-backed presence in production). */
export interface PresenceReader {
  isOnline(userId: string): Promise<boolean>;
}

export interface DigestScheduler {
  scheduleDigest(job: MessageDigestJob, delayMs: number): Promise<void>;
}

/** Sends one notification on one channel; throws to make the job retry. */
export type ChannelSender = (target: {
  user: UserRecord;
  preferences: NotificationPreferences;
  notification: Notification;
}) => Promise<"sent" | "skipped">;

// ---- Device sessions and pairing (issue #4) ----

export type SessionRecord = {
  id: string;
  userId: string;
  name: string;
  kind: "browser" | "tablet";
  createdAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
};

export interface SessionRepository {
  create(input: Omit<SessionRecord, "id" | "revokedAt" | "lastUsedAt"> & { tokenHash: string }): Promise<SessionRecord>;
  findByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  findById(sessionId: string): Promise<SessionRecord | null>;
  listForUsers(userIds: string[], kind: SessionRecord["kind"]): Promise<SessionRecord[]>;
  touch(sessionId: string, at: Date): Promise<void>;
  revoke(sessionId: string, at: Date): Promise<void>;
}

export type PairingRecord = { id: string; circleId: string; userId: string; code: string; createdBy: string; expiresAt: Date };

export interface PairingRepository {
  create(input: Omit<PairingRecord, "id">): Promise<PairingRecord>;
  findByCode(code: string): Promise<PairingRecord | null>;
  /** Exactly one caller gets true for a code. */
  redeem(circleId: string, pairingId: string, now: Date): Promise<boolean>;
}

export interface ManagedUserRepository {
  /** A user with no email and no password (a resident whose tablet is paired). */
  createManaged(name: string): Promise<UserRecord>;
}
