import { HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX, type Message, type MessageThread, type SystemLine } from "@kring/protocol";
import { requireMembership } from "../circles/circles.service";
import { createMessageLog, type MessageLog, type AppendResult } from "./message-log";
import type { MembershipRepository } from "../circles/circles.ports";
import type { MessageCache, MessageRepository, ReadMarkerRepository } from "./messages.ports";
import { requireThreadAccess } from "./thread-access";

export type MessagesDependencies = {
  messageLog?: MessageLog;
  messages: MessageRepository;
  messageCache: MessageCache;
  memberships: MembershipRepository;
  readMarkers: ReadMarkerRepository;
  now: () => Date;
};

export type SendResult = AppendResult;

/**
 * Messaging rules. Storage is a log addressed by key (message-log.ts): a send inserts at a
 * computed `_id`, history and sync read computed keys, unread is arithmetic. Every call costs
 * O(1) or O(page) reads however many messages are stored. Each thread of a circle is a log of its
 * own (seqs, markers, unread); every call checks the member may read the thread it names.
 */
export function createMessagesService(deps: MessagesDependencies) {
  // One log per app (create-app.ts passes it): its memory of newest seqs is shared.
  const log = deps.messageLog ?? createMessageLog(deps);

  async function requireReader(circleId: string, userId: string, thread: MessageThread) {
    const membership = await requireMembership(deps.memberships, circleId, userId);
    requireThreadAccess(membership.role, thread);
    return membership;
  }

  return {
    /** Persists a message once per (sender, thread, clientId); a resend returns the stored one with isNew=false. */
    async sendMessage(
      senderId: string,
      input: { circleId: string; clientId: string; body: string; thread?: MessageThread | undefined },
    ): Promise<SendResult> {
      const thread = input.thread ?? "circle";
      await requireReader(input.circleId, senderId, thread);
      return log.append({ circleId: input.circleId, senderId, clientId: input.clientId, body: input.body }, thread);
    },

    /**
     * A line Kring writes into the circle thread (issue #9: "Anna pressed Help"). It takes a
     * seq like any message; its sender is the circle itself, so no member's own-send marker moves,
     * and `clientId` (derived from what happened) makes writing it twice harmless.
     */
    appendSystemLine(circleId: string, input: { clientId: string; body: string; system: SystemLine }): Promise<SendResult> {
      return log.append({ circleId, senderId: circleId, clientId: input.clientId, body: input.body, kind: "system", system: input.system }, "circle");
    },

    /** History page, ascending by seq. Without afterSeq it returns the newest page (before beforeSeq). */
    async listHistory(
      userId: string,
      circleId: string,
      query: {
        afterSeq?: number | undefined;
        beforeSeq?: number | undefined;
        limit?: number | undefined;
        thread?: MessageThread | undefined;
      },
    ): Promise<Message[]> {
      const thread = query.thread ?? "circle";
      await requireReader(circleId, userId, thread);
      const limit = Math.min(query.limit ?? HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX);
      const newest = await log.newestSeq(circleId, thread);
      const top = Math.min(newest, (query.beforeSeq ?? Number.MAX_SAFE_INTEGER) - 1);
      if (query.afterSeq !== undefined) {
        return log.readRange(circleId, thread, query.afterSeq, Math.min(top, query.afterSeq + limit));
      }
      return log.readRange(circleId, thread, Math.max(0, top - limit), top);
    },

    /** Everything after `afterSeq`, a page at a time, so an offline client catches up with no gap. */
    async syncMessages(
      userId: string,
      input: { circleId: string; afterSeq: number; limit?: number | undefined; thread?: MessageThread | undefined },
    ): Promise<{ messages: Message[]; hasMore: boolean }> {
      const thread = input.thread ?? "circle";
      await requireReader(input.circleId, userId, thread);
      const limit = Math.min(input.limit ?? HISTORY_LIMIT_MAX, HISTORY_LIMIT_MAX);
      const newest = await log.newestSeq(input.circleId, thread);
      // Every seq up to `newest` is stored (the log's gap-free prefix), so the page is exact.
      const to = Math.min(newest, input.afterSeq + limit);
      const messages = await log.readRange(input.circleId, thread, input.afterSeq, to);
      return { messages, hasMore: newest > to };
    },

    /** Newest seq − read marker; no membership check (callers already did it, and the thread rule). */
    unreadCount: (circleId: string, userId: string, thread: MessageThread = "circle") => log.unreadCount(circleId, userId, thread),

    /** Moves the read marker forward (never back, never past the newest message). */
    async markRead(userId: string, input: { circleId: string; seq: number; thread?: MessageThread | undefined }): Promise<void> {
      const thread = input.thread ?? "circle";
      await requireReader(input.circleId, userId, thread);
      const newest = await log.newestSeq(input.circleId, thread);
      await deps.readMarkers.advance(input.circleId, userId, Math.min(input.seq, newest), thread);
    },
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
