import {
  type AlertsService,
  type CirclesService,
  createErasureService,
  createRetentionService,
  type MembershipRepository,
  type MessageLog,
  type MessageRepository,
  type PreferencesRepository,
  type SessionRepository,
  type SessionsService,
  type UserRepository,
  type VisitsService,
  type AccessLogRepository,
  type AlertRepository,
  type AccountEraser,
  type MessageEraser,
  type RetentionRepository,
  type CircleRepository,
} from "@kring/domain";
import type { Logger } from "@kring/logger";
import { openAccessLog } from "@kring/wiring";
import { createWindowForgetter } from "@kring/redis";
import type { Redis } from "ioredis";
import { userRoom } from "../../realtime/rooms";
import type { KringServer } from "../../realtime/socket-types";
import { verifyPassword } from "../auth/passwords";
import { createAccessRecording } from "./access-recording";
import { createExporter } from "./export";
import { createPrivacyRouter } from "./privacy.routes";

/** Issue #11 in one place: create-app.ts builds this once and mounts what it returns. */
export function createPrivacyFeature(deps: {
  repositories: {
    users: UserRepository;
    circles: CircleRepository;
    memberships: MembershipRepository;
    messages: MessageRepository;
    preferences: PreferencesRepository;
    sessions: SessionRepository;
    accessLog: AccessLogRepository;
    alerts: AlertRepository;
    retention: RetentionRepository;
    messageEraser: MessageEraser;
    accountEraser: AccountEraser;
  };
  messageLog: MessageLog;
  circles: CirclesService;
  alerts: AlertsService;
  sessions: SessionsService;
  redis: Redis;
  redisPrefix: string;
  io: () => KringServer;
  endSession: (sessionId: string) => void;
  logger: Logger;
  now: () => Date;
  /** Issue #10: the photo and calendar feed of an erased account (see ErasureDependencies). */
  eraseFeatureData?: (userId: string) => Promise<void>;
  /** Issue #10: plans and visits in the exports. */
  visits?: VisitsService;
}) {
  const { repositories, now, logger } = deps;
  const accessLog = openAccessLog({ repositories, redis: deps.redis, redisPrefix: deps.redisPrefix, logger: logger, now });
  const forgetCached = createWindowForgetter(deps.redis, deps.redisPrefix);
  const retention = createRetentionService({
    retention: repositories.retention,
    memberships: repositories.memberships,
    messages: repositories.messages,
    messageLog: deps.messageLog,
    eraser: repositories.messageEraser,
    forgetCached,
    accessLog,
    now,
  });
  const erasure = createErasureService({
    users: repositories.users,
    memberships: repositories.memberships,
    messages: repositories.messages,
    alerts: repositories.alerts,
    forgetAlert: (alertId) => deps.alerts.forgetSettled(alertId),
    messageLog: deps.messageLog,
    accountEraser: repositories.accountEraser,
    eraser: repositories.messageEraser,
    forgetCached,
    accessLog,
    verifyPassword: (password, hash) => verifyPassword(hash, password),
    endSessions: (userId, sessionIds) => {
      for (const sessionId of sessionIds) deps.endSession(sessionId);
      // Through the Redis adapter: the account's sockets on every node.
      deps.io().in(userRoom(userId)).disconnectSockets(true);
    },
    removeMembership: (circleId, userId) => deps.circles.removeMembership(circleId, userId),
    ...(deps.eraseFeatureData ? { eraseFeatureData: deps.eraseFeatureData } : {}),
  });
  const exporter = createExporter({
    users: repositories.users,
    memberships: repositories.memberships,
    messageLog: deps.messageLog,
    circles: deps.circles,
    alerts: deps.alerts,
    sessions: deps.sessions,
    preferences: repositories.preferences,
    accessLog: repositories.accessLog,
    circleName: async (circleId) => (await repositories.circles.findById(circleId))?.name ?? "",
    now,
    ...(deps.visits ? { visits: deps.visits } : {}),
  });
  const recording = createAccessRecording({ accessLog, sessions: repositories.sessions });
  const router = createPrivacyRouter({ accessLog, retention, erasure, exporter });
  return { accessLog, retention, erasure, exporter, recording, router };
}
