import type { Message, MessageThread } from "@kring/protocol";

// What the message log needs from storage (packages/db/src/messages/) and from the Redis cache in
// front of it (packages/redis). Unit tests implement them in memory.

/** The thread is not part of a new message: the repository methods take it beside, and set it. */
export type NewMessage = Omit<Message, "id" | "createdAt" | "thread" | "senderId" | "deleted"> & { createdAt: Date; senderId: string };

/**
 * A conversation inside a circle: "circle" (everyone) or "team" (the care team without the resident;
 * see thread-access.ts). The thread is part of every message key, so each thread has its own seqs.
 */
export type { MessageThread };

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

/** One marker per member and thread; the thread defaults to "circle" (its key predates the team thread). */
export interface ReadMarkerRepository {
  find(circleId: string, userId: string, thread?: MessageThread): Promise<number>;
  /** Sets the marker to max(current, seq). */
  advance(circleId: string, userId: string, seq: number, thread?: MessageThread): Promise<void>;
}
