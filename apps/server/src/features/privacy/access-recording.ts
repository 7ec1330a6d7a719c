import { type AccessLogService, deviceKindOf, type SessionRepository } from "@kring/domain";
import type { AccessCategory, AccessChangeAction, DeviceKind } from "@kring/protocol";
import type { RequestHandler, Response } from "express";
import type { KringSocket } from "../../realtime/socket-types";

// Issue #11: the access log is fed here, beside the read paths rather than inside each handler:
// one express middleware for the REST reads and changes, one socket middleware for `message:sync`.
// A read is recorded only when it succeeded (a 2xx, an ok ack), so an outsider's refused request
// never puts their id in a circle's log.

const ID = "([0-9a-f]{24})";
const reads: [RegExp, AccessCategory][] = [
  [new RegExp(`^/circles/${ID}/messages$`), "messages"],
  [new RegExp(`^/circles/${ID}/alerts$`), "alerts"],
  [new RegExp(`^/circles/${ID}/checkins$`), "checkins"],
  [new RegExp(`^/circles/${ID}/checkin-schedule$`), "checkins"],
  [new RegExp(`^/circles/${ID}/members$`), "members"],
  [new RegExp(`^/circles/${ID}/residents/${ID}/profile$`), "members"],
  [new RegExp(`^/circles/${ID}/residents/${ID}/photo$`), "photo"],
  [new RegExp(`^/circles/${ID}/export$`), "export"],
  // Issue #10: a circle's calendar and plans.
  [new RegExp(`^/circles/${ID}/occurrences$`), "visits"],
  [new RegExp(`^/circles/${ID}/plans$`), "visits"],
];

/**
 * For reads whose path names no circle (`/me/occurrences`, `/occurrences/:id`, `/users/:id/photo`):
 * the handler, which knows which circles the answer came from, reports them here, and the
 * middleware records them like the reads above once the answer is a 2xx.
 */
export function reportRead(res: Response, category: AccessCategory, circleIds: Iterable<string>): void {
  res.locals.accessRead = { category, circleIds: [...new Set(circleIds)] };
}
type ReportedRead = { category: AccessCategory; circleIds: string[] };
/** The same for a change whose path names no circle (`PATCH`/`DELETE /plans/:id`). */
export function reportChange(res: Response, action: AccessChangeAction, circleId: string): void {
  res.locals.accessChange = { action, circleId };
}
type ReportedChange = { action: AccessChangeAction; circleId: string };
const changes: [string, RegExp, AccessChangeAction][] = [
  ["PUT", new RegExp(`^/circles/${ID}/escalation$`), "ladder_changed"],
  ["PUT", new RegExp(`^/circles/${ID}/checkin-schedule$`), "checkin_schedule_changed"],
  ["DELETE", new RegExp(`^/circles/${ID}/members/${ID}$`), "member_removed"],
  ["POST", new RegExp(`^/circles/${ID}/plans$`), "plan_changed"],
];

/** A device session's kind never changes: remembered per node (bounded). */
function createSessionKinds(sessions: Pick<SessionRepository, "findById">) {
  const kinds = new Map<string, "browser" | "tablet" | null>();
  return async (sessionId: string | null | undefined) => {
    if (!sessionId) return null;
    if (kinds.has(sessionId)) return kinds.get(sessionId) ?? null;
    const kind = (await sessions.findById(sessionId).catch(() => null))?.kind ?? null;
    if (kinds.size > 50_000) kinds.clear();
    kinds.set(sessionId, kind);
    return kind;
  };
}

export function createAccessRecording(deps: { accessLog: AccessLogService; sessions: Pick<SessionRepository, "findById"> }) {
  const sessionKind = createSessionKinds(deps.sessions);
  const deviceKind = async (sessionId: string | null | undefined, userAgent: string | undefined): Promise<DeviceKind> =>
    deviceKindOf({ sessionKind: await sessionKind(sessionId), userAgent });

  /** Mounted under /api after requireAuth: records successful reads and changes once answered. */
  const middleware: RequestHandler = (req, res, next) => {
    const path = req.path;
    const read = req.method === "GET" ? reads.find(([pattern]) => pattern.test(path)) : undefined;
    const change = changes.find(([method, pattern]) => method === req.method && pattern.test(path));
    if (!read && !change && req.method !== "GET") {
      res.on("finish", () => {
        const reported = res.locals.accessChange as ReportedChange | undefined;
        const userId = res.locals.userId as string | undefined;
        if (!reported || !userId || res.statusCode < 200 || res.statusCode >= 300) return;
        void deps.accessLog.recordChange(reported.circleId, userId, reported.action);
      });
    }
    if (!read && !change && req.method === "GET") {
      res.on("finish", () => {
        const reported = res.locals.accessRead as ReportedRead | undefined;
        const userId = res.locals.userId as string | undefined;
        if (!reported || !userId || res.statusCode < 200 || res.statusCode >= 300) return;
        void deviceKind(res.locals.sessionId as string | null, req.headers["user-agent"]).then((kind) => {
          for (const circleId of reported.circleIds) deps.accessLog.record(circleId, userId, reported.category, kind);
        });
      });
    }
    if (read || change) {
      res.on("finish", () => {
        if (res.statusCode < 200 || res.statusCode >= 300) return;
        const userId = res.locals.userId as string | undefined;
        if (!userId) return;
        const circleId = (read?.[0] ?? change![1]).exec(path)?.[1];
        if (!circleId) return;
        if (read) {
          void deviceKind(res.locals.sessionId as string | null, req.headers["user-agent"]).then((kind) =>
            deps.accessLog.record(circleId, userId, read[1], kind),
          );
        } else if (change) {
          // Removing oneself is leaving.
          const action = change[2] === "member_removed" && change[1].exec(path)?.[2] === userId ? "member_left" : change[2];
          void deps.accessLog.recordChange(circleId, userId, action);
        }
      });
    }
    next();
  };

  /** Records `message:sync` reads whose ack was ok (the same wrapping as realtime/socket-metrics.ts). */
  function instrument(socket: KringSocket) {
    const userAgent = socket.handshake.headers["user-agent"];
    let kind: Promise<DeviceKind> | undefined;
    socket.use((packet, next) => {
      const ackIndex = packet.length - 1;
      const ack: unknown = packet[ackIndex];
      const payload = packet[1] as { circleId?: unknown } | undefined;
      if (packet[0] !== "message:sync" || ackIndex < 1 || typeof ack !== "function" || typeof payload?.circleId !== "string") return next();
      const circleId = payload.circleId;
      packet[ackIndex] = (...response: unknown[]) => {
        (ack as (...args: unknown[]) => void)(...response);
        if ((response[0] as { ok?: unknown } | undefined)?.ok !== true) return;
        kind ??= deviceKind(socket.data.sessionId, userAgent);
        void kind.then((k) => deps.accessLog.record(circleId, socket.data.userId, "messages", k));
      };
      next();
    });
  }

  return { middleware, instrument };
}
