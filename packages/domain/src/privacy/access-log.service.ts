import {
  ACCESS_LOG_MAX_DAYS,
  type AccessCategory,
  type AccessChangeAction,
  type AccessLogChange,
  type AccessLogEntry,
  type DeviceKind,
  type Role,
} from "@kring/protocol";
import { can } from "../access/role-permissions";
import { requireMembership } from "../circles/circles.service";
import { DomainError } from "../errors";
import type { MembershipRepository } from "../circles/circles.ports";
import type { UserRepository } from "../users/users.ports";
import type { AccessAggregate, AccessAggregator, AccessLogRepository } from "./privacy.ports";

/**
 * Who may read a circle's access log: the resident, their family and the coordinators (issue #11).
 * Professionals see the care but not who looked at it; volunteers see nothing of it.
 */
export const canReadAccessLog = (role: Role) => can(role, "access_log.read");

/** Access-log rows expire after 18 months (PRIVACY.md). */
export const ACCESS_LOG_RETENTION_DAYS = 548;
/** How many days Redis keeps a circle-day's hash: the flush runs every few minutes, so this is slack. */
export const ACCESS_HASH_DAYS = 3;

const DAY_MS = 24 * 3600_000;
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);
export const addDays = (day: string, days: number) => dayOf(new Date(dayStart(day).getTime() + days * DAY_MS));

/** The class of a client from its user agent: phones say "Mobi" (or name the phone). */
export function deviceKindOf(input: { sessionKind?: "browser" | "tablet" | null; userAgent?: string | undefined }): DeviceKind {
  if (input.sessionKind === "tablet") return "tablet";
  const agent = input.userAgent ?? "";
  if (agent === "") return "unknown";
  if (/Mobi|iPhone|Android.+Mobile|Windows Phone/i.test(agent)) return "phone";
  if (/iPad|Android|Tablet/i.test(agent)) return "tablet";
  return "desktop";
}

export type AccessLogDependencies = {
  aggregator: AccessAggregator;
  accessLog: AccessLogRepository;
  memberships: MembershipRepository;
  users: Pick<UserRepository, "findNames">;
  now: () => Date;
  /** Failures to record are reported here and never fail the read that caused them. */
  onError?: (error: unknown) => void;
};

/** Merges two sources of the same rows (the database's flushed copy and Redis): counts only grow. */
function mergeRows(rows: AccessAggregate[]): AccessAggregate[] {
  const byKey = new Map<string, AccessAggregate>();
  for (const row of rows) {
    const key = `${row.userId}:${row.category}:${row.deviceKind}:${row.day}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...row });
      continue;
    }
    seen.count = Math.max(seen.count, row.count);
    if (row.firstAt < seen.firstAt) seen.firstAt = row.firstAt;
    if (row.lastAt > seen.lastAt) seen.lastAt = row.lastAt;
  }
  return [...byKey.values()];
}

export function createAccessLogService(deps: AccessLogDependencies) {
  const report = deps.onError ?? (() => undefined);

  async function readRows(circleId: string, day: string, today: string): Promise<AccessAggregate[]> {
    const stored = await deps.accessLog.readDay(circleId, day);
    // Redis holds the last few days; the flush may not have reached them yet.
    const recent = day > addDays(today, -ACCESS_HASH_DAYS) ? await deps.aggregator.readDay(circleId, day).catch(() => []) : [];
    return mergeRows([...stored, ...recent]);
  }

  return {
    /**
     * Counts one read (O(1): one Redis script). Never awaited by the read path's answer and never
     * throws: a lost count must not cost the member their page.
     */
    record(circleId: string, userId: string, category: AccessCategory, deviceKind: DeviceKind): void {
      deps.aggregator.hit({ circleId, userId, category, deviceKind, at: deps.now() }).catch(report);
    },

    /** Records a change (insert-only); awaited, but its failure is only reported. */
    async recordChange(circleId: string, userId: string, action: AccessChangeAction): Promise<void> {
      await deps.accessLog.appendChange({ circleId, userId, action, at: deps.now() }).catch(report);
    },

    /** `GET /api/circles/:id/access-log`: O(days × rows of those days) point reads, never a scan. */
    async readAccessLog(
      callerId: string,
      circleId: string,
      query: { from?: string | undefined; to?: string | undefined },
    ): Promise<{ entries: AccessLogEntry[]; changes: AccessLogChange[] }> {
      const membership = await requireMembership(deps.memberships, circleId, callerId);
      if (!canReadAccessLog(membership.role)) throw new DomainError("forbidden", "Your role may not read this circle's access log.");
      const today = dayOf(deps.now());
      const to = query.to ?? today;
      const from = query.from ?? addDays(to, -29);
      if (from > to) throw new DomainError("validation_failed", "`from` must not be after `to`.");
      const days: string[] = [];
      for (let day = to; day >= from && days.length < ACCESS_LOG_MAX_DAYS; day = addDays(day, -1)) days.push(day);
      if (days.length >= ACCESS_LOG_MAX_DAYS && addDays(to, -ACCESS_LOG_MAX_DAYS + 1) > from) {
        throw new DomainError("validation_failed", `Ask for at most ${ACCESS_LOG_MAX_DAYS} days at a time.`);
      }
      const rows: AccessAggregate[] = [];
      // A few days at a time: each day is one index read plus its rows.
      for (let i = 0; i < days.length; i += 8) {
        const batch = await Promise.all(days.slice(i, i + 8).map((day) => readRows(circleId, day, today)));
        rows.push(...batch.flat());
      }
      const changes = await deps.accessLog.listChanges(circleId, dayStart(from), dayStart(addDays(to, 1)), 500);
      const userIds = [...new Set([...rows.map((r) => r.userId), ...changes.map((c) => c.userId)])];
      const [names, members] = await Promise.all([deps.users.findNames(userIds), deps.memberships.listForCircle(circleId)]);
      const roles = new Map(members.map((m) => [m.userId, m.role]));
      // An erased account has no name any more: "a former member", without their id.
      const who = (userId: string) => {
        const name = names.get(userId);
        return name === undefined ? { userId: null, name: "" } : { userId, name };
      };
      const entries = rows
        .map((row) => ({
          ...who(row.userId),
          role: roles.get(row.userId) ?? null,
          category: row.category,
          day: row.day,
          count: row.count,
          firstAt: row.firstAt.toISOString(),
          lastAt: row.lastAt.toISOString(),
          deviceKind: row.deviceKind,
        }))
        .sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
      return {
        entries,
        changes: changes.map((change) => ({ ...who(change.userId), action: change.action, at: change.at.toISOString() })),
      };
    },

    /**
     * The worker's flush (every few minutes): each circle-day with new reads is copied from Redis
     * to its keys. A failed circle-day goes back to the pending set for the next run.
     */
    async flush(limit = 500): Promise<number> {
      const pending = await deps.aggregator.takePending(limit);
      let flushed = 0;
      for (const { circleId, day } of pending) {
        try {
          const rows = await deps.aggregator.readDay(circleId, day);
          if (rows.length > 0) await deps.accessLog.saveDay(circleId, day, rows);
          flushed += 1;
        } catch (error) {
          report(error);
          await deps.aggregator.markPending(circleId, day).catch(report);
        }
      }
      return flushed;
    },

    /**
     * Deletes a circle's rows older than 18 months, day by day in key order from its cursor (the
     * first day not yet expired), so each run only touches days that just fell out of the period.
     */
    async expire(circleId: string, circleCreatedAt: Date): Promise<number> {
      const limit = addDays(dayOf(deps.now()), -ACCESS_LOG_RETENTION_DAYS);
      let day = (await deps.accessLog.readExpiryCursor(circleId)) ?? dayOf(circleCreatedAt);
      let removed = 0;
      while (day < limit) {
        await deps.accessLog.removeDay(circleId, day);
        removed += 1;
        day = addDays(day, 1);
      }
      if (removed > 0) await deps.accessLog.saveExpiryCursor(circleId, day);
      return removed;
    },
  };
}
export type AccessLogService = ReturnType<typeof createAccessLogService>;
