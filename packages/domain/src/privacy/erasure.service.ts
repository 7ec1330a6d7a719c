import type { MessageThread } from "@kring/protocol";
import { requirePermission } from "../access/role-permissions";
import { requireMembership } from "../circles/circles.service";
import { DomainError } from "../errors";
import type { MessageLog } from "../messages/message-log";
import { alertEventIds } from "../alerts/alerts.service";
import type { AlertRepository } from "../alerts/alerts.ports";
import type { MembershipRepository } from "../circles/circles.ports";
import type { MessageRepository } from "../messages/messages.ports";
import type { UserRepository } from "../users/users.ports";
import type { AccessLogService } from "./access-log.service";
import type { AccountEraser, MessageEraser } from "./privacy.ports";
import { ERASURE_PAGE } from "./retention.service";

export type ErasureDependencies = {
  users: Pick<UserRepository, "findById">;
  memberships: MembershipRepository;
  messages: Pick<MessageRepository, "findBySeqs">;
  /** The circle's alerts (its slot list) and their events, for the notes that name the member. */
  alerts: Pick<AlertRepository, "listForCircle" | "findEvents" | "replaceEventNote">;
  /** Forgets a folded alert this node keeps (the alerts service's settled cache) after its note changed. */
  forgetAlert?: (alertId: string) => void;
  messageLog: Pick<MessageLog, "newestSeq">;
  accountEraser: AccountEraser;
  eraser: MessageEraser;
  forgetCached: (circleId: string, thread: MessageThread, seq: number) => Promise<void>;
  accessLog: Pick<AccessLogService, "recordChange">;
  verifyPassword: (password: string, hash: string) => Promise<boolean>;
  /** Ends the erased account's sockets and sessions on every node, at once. */
  endSessions: (userId: string, sessionIds: string[]) => void;
  /**
   * Ends a membership the way leaving does (members/member-removal.ts `removeMembership`: the
   * membership by key, sockets leave the circle, every node's caches forget it).
   */
  removeMembership: (circleId: string, userId: string) => Promise<unknown>;
  /**
   * What other features keep about the account under its id (issue #10: the profile photo and the
   * calendar feed's token keys), removed by key once the account's credentials are gone.
   */
  eraseFeatureData?: (userId: string) => Promise<void>;
};

const THREADS: MessageThread[] = ["circle", "team"];

/**
 * Erasure (GDPR Art. 17). The account's keys go at once (credentials, sessions, push
 * subscriptions, preferences, memberships, profiles); then each circle's threads are walked in key
 * order, a page of 200 seqs at a time, and the user's messages become tombstones at their seq.
 * Why a walk and not a per-user index of seqs: an index costs every send a second write, forever,
 * for an operation that happens a few times in a circle's life; the walk costs O(messages of the
 * circle) point reads once, when it is needed.
 */
export function createErasureService(deps: ErasureDependencies) {
  async function scrubThread(circleId: string, thread: MessageThread, userId: string): Promise<number> {
    const newest = await deps.messageLog.newestSeq(circleId, thread);
    let changed = 0;
    for (let from = 1; from <= newest; from += ERASURE_PAGE) {
      const seqs = Array.from({ length: Math.min(ERASURE_PAGE, newest - from + 1) }, (_, i) => from + i);
      const page = await deps.messages.findBySeqs(circleId, seqs, thread);
      for (const message of page) {
        if (!message || message.deleted) continue;
        if (message.senderId === userId) {
          await deps.eraser.tombstone(circleId, thread, message.seq);
        } else if (message.kind === "system" && message.system?.userId === userId) {
          // "Anna pressed Help" stays in the circle's safety record as "a former member pressed Help".
          await deps.eraser.anonymiseSystemLine(circleId, thread, message.seq);
        } else {
          continue;
        }
        await deps.forgetCached(circleId, thread, message.seq).catch(() => undefined);
        changed += 1;
      }
    }
    return changed;
  }

  /**
   * A Help its raiser took back reads "Cancelled by <name>" (issue #9): for an erased raiser it
   * becomes "Cancelled by a former member", like the conversation's system lines. Only the raiser can
   * cancel, so only their alerts are looked at; the walk is the circle's alert slot list, once.
   */
  async function scrubAlertNotes(circleId: string, userId: string): Promise<void> {
    const raised = (await deps.alerts.listForCircle(circleId, Number.MAX_SAFE_INTEGER)).filter((alert) => alert.raisedBy === userId);
    for (const alert of raised) {
      const resolvedId = alertEventIds.fixed(alert.id)[1]!;
      const [resolved] = await deps.alerts.findEvents(circleId, [resolvedId]);
      if (resolved?.userId === userId && resolved.note?.startsWith("Cancelled by ")) {
        await deps.alerts.replaceEventNote(circleId, resolvedId, "Cancelled by a former member");
        deps.forgetAlert?.(alert.id);
      }
    }
  }

  async function erase(userId: string): Promise<void> {
    const memberships = await deps.memberships.listForUser(userId);
    // Before anything goes: a circle must keep a coordinator (the same rule as leaving).
    for (const membership of memberships.filter((m) => m.role === "coordinator")) {
      const others = (await deps.memberships.listForCircle(membership.circleId)).filter((m) => m.role === "coordinator" && m.userId !== userId);
      if (others.length === 0) {
        throw new DomainError("conflict", "You are the only coordinator of a circle. Make someone else a coordinator first.");
      }
    }
    for (const membership of memberships) await deps.removeMembership(membership.circleId, userId);
    // Then credentials and sessions: from here on the account cannot be used anywhere.
    const { sessionIds } = await deps.accountEraser.eraseAccount(userId);
    deps.endSessions(userId, sessionIds);
    await deps.eraseFeatureData?.(userId);
    for (const membership of memberships) {
      await deps.accountEraser.eraseMembership(membership.circleId, userId);
      await deps.accessLog.recordChange(membership.circleId, userId, "member_erased");
      for (const thread of THREADS) await scrubThread(membership.circleId, thread, userId);
      await scrubAlertNotes(membership.circleId, userId);
    }
  }

  return {
    /** `DELETE /api/me {password}`: a password account erases itself. */
    async eraseOwnAccount(userId: string, password: string): Promise<void> {
      const user = await deps.users.findById(userId);
      if (!user) throw new DomainError("unauthorized", "Sign in first.");
      if (user.isManaged) throw new DomainError("forbidden", "A resident's account is erased by the circle's coordinator.");
      if (!(await deps.verifyPassword(password, user.passwordHash))) throw new DomainError("forbidden", "The password is not right.");
      await erase(userId);
    },

    /** `DELETE /api/circles/:id/residents/:userId`: a coordinator erases a managed resident. */
    async eraseResident(callerId: string, circleId: string, residentId: string): Promise<void> {
      const caller = await requireMembership(deps.memberships, circleId, callerId);
      requirePermission(caller.role, "residents.manage");
      const [membership, user] = await Promise.all([deps.memberships.find(circleId, residentId), deps.users.findById(residentId)]);
      if (!membership || membership.role !== "resident" || !user?.isManaged) {
        throw new DomainError("not_found", "There is no resident account with this id in this circle.");
      }
      await erase(residentId);
    },
  };
}
export type ErasureService = ReturnType<typeof createErasureService>;
