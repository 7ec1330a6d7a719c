import {
  createMessageLog,
  createRetentionService,
  type AccessLogRepository,
  type CircleRepository,
  type MembershipRepository,
  type MessageRepository,
  type MessageEraser,
  type ReadMarkerRepository,
  type RetentionRepository,
  type UserRepository,
} from "@kring/domain";
import type { Logger } from "@kring/logger";
import { openAccessLog } from "@kring/wiring";
import { createMessageCache, createWindowForgetter } from "@kring/redis";
import type { Redis } from "ioredis";

/**
 * Issue #11's two recurring jobs: the access log's flush (Redis → keys, every 5 minutes) and the
 * daily run (each circle's retention of messages, then its access-log rows older than 18 months).
 */
export function createPrivacyJobs(deps: {
  repositories: {
    users: UserRepository;
    circles: CircleRepository;
    memberships: MembershipRepository;
    messages: MessageRepository;
    readMarkers: ReadMarkerRepository;
    accessLog: AccessLogRepository;
    retention: RetentionRepository;
    messageEraser: MessageEraser;
  };
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
  now: () => Date;
}) {
  const { repositories, now } = deps;
  const accessLog = openAccessLog({ repositories, redis: deps.redis, redisPrefix: deps.redisPrefix, logger: deps.logger, now });
  const messageLog = createMessageLog({ ...repositories, messageCache: createMessageCache(deps.redis, deps.redisPrefix), now });
  const retention = createRetentionService({
    retention: repositories.retention,
    memberships: repositories.memberships,
    messages: repositories.messages,
    messageLog,
    eraser: repositories.messageEraser,
    forgetCached: createWindowForgetter(deps.redis, deps.redisPrefix),
    accessLog,
    now,
  });

  return {
    accessLog,
    retention,
    /** Flushes until no circle-day is pending (each pass takes up to 500). */
    async flushAccessLog(): Promise<{ flushed: number }> {
      let flushed = 0;
      for (let pass = 0; pass < 100; pass += 1) {
        const n = await accessLog.flush(500);
        flushed += n;
        if (n < 500) break;
      }
      return { flushed };
    },
    async runDaily(): Promise<{ circles: number; tombstones: number; expiredDays: number }> {
      // The access log first, so the expiry below sees every day's rows in the database.
      await this.flushAccessLog();
      let tombstones = 0;
      let expiredDays = 0;
      const circleIds = await repositories.retention.maintenanceListCircleIds();
      for (const circleId of circleIds) {
        try {
          tombstones += await retention.runForCircle(circleId);
          const circle = await repositories.circles.findById(circleId);
          if (circle) expiredDays += await accessLog.expire(circleId, circle.createdAt);
        } catch (error) {
          // One circle's failure must not stop the others; the next run starts from its cursor.
          deps.logger.error("privacy daily run failed for a circle", error);
        }
      }
      return { circles: circleIds.length, tombstones, expiredDays };
    },
  };
}
