import { HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX, type Message } from "@kring/protocol";
import { requireMembership } from "./circles.service";
import { DomainError, DuplicateKeyError } from "./errors";
import type { MembershipRepository, MessageRepository, ReadMarkerRepository } from "./ports";

export type MessagesDependencies = {
  messages: MessageRepository;
  memberships: MembershipRepository;
  readMarkers: ReadMarkerRepository;
  now: () => Date;
};

/** How often a send retries after another node took the same seq (or the last-seq hint lagged). */
const SEQ_RETRIES = 50;

export type SendResult = { message: Message; isNew: boolean };

/**
 * Messaging rules. Seqs come from a unique (circleId, seq) index, not from `$inc`
 * (FerretDB's `$inc` isn't atomic under concurrency): this node serialises sends per
 * circle and caches the last seq, and if another node took a seq first the insert
 * fails on the index and we re-read and retry.
 */
export function createMessagesService(deps: MessagesDependencies) {
  const lastSeqByCircle = new Map<string, number>();
  const tailByCircle = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task for the same circle on this node. */
  function serialise<T>(circleId: string, task: () => Promise<T>): Promise<T> {
    const previous = tailByCircle.get(circleId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tailByCircle.set(circleId, tail);
    void tail.then(() => {
      if (tailByCircle.get(circleId) === tail) tailByCircle.delete(circleId);
    });
    return run;
  }

  async function lastSeq(circleId: string, isFresh: boolean): Promise<number> {
    const cached = lastSeqByCircle.get(circleId);
    if (cached !== undefined && !isFresh) return cached;
    // Never move the cache back: the stored value may be a lagging hint.
    const seq = Math.max(await deps.messages.findLastSeq(circleId), cached ?? 0);
    lastSeqByCircle.set(circleId, seq);
    // Bound the cache: it is only an optimisation, the index is the truth.
    if (lastSeqByCircle.size > 100_000) lastSeqByCircle.clear();
    return seq;
  }

  async function insertWithNextSeq(
    circleId: string,
    senderId: string,
    clientId: string,
    body: string,
  ): Promise<SendResult> {
    let isFresh = false;
    let lastTried = 0;
    for (let attempt = 0; attempt < SEQ_RETRIES; attempt += 1) {
      // findLastSeq may lag behind (a hint); after a conflict, always move past the seq that failed.
      const seq = Math.max((await lastSeq(circleId, isFresh)) + 1, lastTried + 1);
      lastTried = seq;
      try {
        const message = await deps.messages.insert({
          circleId,
          senderId,
          clientId,
          body,
          seq,
          createdAt: deps.now(),
        });
        lastSeqByCircle.set(circleId, seq);
        return { message, isNew: true };
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        // Whichever index refused it: a stored message with this clientId means a resend.
        const existing = await deps.messages.findByClientId(circleId, senderId, clientId);
        if (existing) return { message: existing, isNew: false };
        isFresh = true;
      }
    }
    throw new DomainError("unavailable", "The circle is very busy; please send again.");
  }

  return {
    /** Persists a message once per (sender, clientId); a resend returns the stored one with isNew=false. */
    async sendMessage(
      senderId: string,
      input: { circleId: string; clientId: string; body: string },
    ): Promise<SendResult> {
      await requireMembership(deps.memberships, input.circleId, senderId);
      return serialise(input.circleId, () =>
        insertWithNextSeq(input.circleId, senderId, input.clientId, input.body),
      );
    },

    /** History page, ascending by seq. Without afterSeq it returns the newest page (before beforeSeq). */
    async listHistory(
      userId: string,
      circleId: string,
      query: { afterSeq?: number | undefined; beforeSeq?: number | undefined; limit?: number | undefined },
    ): Promise<Message[]> {
      await requireMembership(deps.memberships, circleId, userId);
      const limit = Math.min(query.limit ?? HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX);
      if (query.afterSeq !== undefined) {
        return deps.messages.listAfter(circleId, query.afterSeq, limit, query.beforeSeq);
      }
      return deps.messages.listBefore(circleId, query.beforeSeq ?? Number.MAX_SAFE_INTEGER, limit);
    },

    /** Everything after `afterSeq`, a page at a time, so an offline client catches up with no gap. */
    async syncMessages(
      userId: string,
      input: { circleId: string; afterSeq: number; limit?: number | undefined },
    ): Promise<{ messages: Message[]; hasMore: boolean }> {
      await requireMembership(deps.memberships, input.circleId, userId);
      const limit = Math.min(input.limit ?? HISTORY_LIMIT_MAX, HISTORY_LIMIT_MAX);
      const page = await deps.messages.listAfter(input.circleId, input.afterSeq, limit + 1);
      return { messages: page.slice(0, limit), hasMore: page.length > limit };
    },

    /** Moves the read marker forward (never back, never past the newest message). */
    async markRead(userId: string, input: { circleId: string; seq: number }): Promise<void> {
      await requireMembership(deps.memberships, input.circleId, userId);
      // The cached newest seq is good enough for a clamp, and reading it from the database means
      // a sort over the circle's history on FerretDB/SQLite.
      const newest = lastSeqByCircle.get(input.circleId) ?? (await lastSeq(input.circleId, true));
      await deps.readMarkers.advance(input.circleId, userId, Math.min(input.seq, newest));
    },
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
