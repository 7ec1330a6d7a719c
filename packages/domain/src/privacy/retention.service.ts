import { type MessageThread, RETENTION_DEFAULT_DAYS } from "@kring/protocol";
import { requirePermission } from "../access/role-permissions";
import { requireMembership } from "../circles/circles.service";
import type { MessageLog } from "../messages/message-log";
import type { MembershipRepository } from "../circles/circles.ports";
import type { MessageRepository } from "../messages/messages.ports";
import type { AccessLogService } from "./access-log.service";
import type { MessageEraser, RetentionRepository } from "./privacy.ports";

const DAY_MS = 24 * 3600_000;
/** Messages read per key page while walking a thread in key order. */
export const ERASURE_PAGE = 200;

export type RetentionDependencies = {
  retention: RetentionRepository;
  memberships: MembershipRepository;
  messages: Pick<MessageRepository, "findBySeqs">;
  messageLog: Pick<MessageLog, "newestSeq">;
  eraser: MessageEraser;
  /** Drops a seq from Redis's window of recent messages, so readers see the tombstone. */
  forgetCached: (circleId: string, thread: MessageThread, seq: number) => Promise<void>;
  accessLog: Pick<AccessLogService, "recordChange">;
  now: () => Date;
};

const THREADS: MessageThread[] = ["circle", "team"];

/**
 * Retention (GDPR Art. 30(1)(f)): each circle keeps its messages `messagesDays` (default 2 years,
 * or forever). The daily run walks each thread from its cursor (the first seq not yet removed) in
 * key order and turns messages older than the period into tombstones at the same seq, so sync stays
 * gap-free; it stops at the first message within the period. Seqs grow with time, so that first
 * younger message is where the next run starts: a run reads only what it removes, plus one.
 */
export function createRetentionService(deps: RetentionDependencies) {
  async function messagesDaysOf(circleId: string): Promise<number | null> {
    const record = await deps.retention.find(circleId);
    return record ? record.messagesDays : RETENTION_DEFAULT_DAYS;
  }

  async function runThread(circleId: string, thread: MessageThread, cutoff: Date): Promise<number> {
    let seq = await deps.retention.readCursor(circleId, thread);
    const newest = await deps.messageLog.newestSeq(circleId, thread);
    let removed = 0;
    let done = false;
    while (!done && seq <= newest) {
      const seqs = Array.from({ length: Math.min(ERASURE_PAGE, newest - seq + 1) }, (_, i) => seq + i);
      const page = await deps.messages.findBySeqs(circleId, seqs, thread);
      for (const message of page) {
        if (!message || Date.parse(message.createdAt) >= cutoff.getTime()) {
          done = true;
          break;
        }
        if (!message.deleted) {
          await deps.eraser.tombstone(circleId, thread, message.seq);
          await deps.forgetCached(circleId, thread, message.seq).catch(() => undefined);
          removed += 1;
        }
        seq = message.seq + 1;
      }
    }
    await deps.retention.saveCursor(circleId, thread, seq);
    return removed;
  }

  return {
    async getRetention(callerId: string, circleId: string): Promise<{ messagesDays: number | null }> {
      const membership = await requireMembership(deps.memberships, circleId, callerId);
      requirePermission(membership.role, "retention.read");
      return { messagesDays: await messagesDaysOf(circleId) };
    },

    async setRetention(callerId: string, circleId: string, messagesDays: number | null): Promise<{ messagesDays: number | null }> {
      const membership = await requireMembership(deps.memberships, circleId, callerId);
      requirePermission(membership.role, "retention.manage");
      await deps.retention.save({ circleId, messagesDays, updatedAt: deps.now() });
      await deps.accessLog.recordChange(circleId, callerId, "retention_changed");
      return { messagesDays };
    },

    /** One circle's run: how many messages became tombstones. */
    async runForCircle(circleId: string): Promise<number> {
      const days = await messagesDaysOf(circleId);
      if (days === null) return 0;
      const cutoff = new Date(deps.now().getTime() - days * DAY_MS);
      let removed = 0;
      for (const thread of THREADS) removed += await runThread(circleId, thread, cutoff);
      return removed;
    },
  };
}
export type RetentionService = ReturnType<typeof createRetentionService>;
