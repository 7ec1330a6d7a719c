import { type AccessLogDependencies, createAccessLogService } from "@kring/domain";
import type { Logger } from "@kring/logger";
import { createAccessAggregator } from "@kring/redis";
import type { Redis } from "ioredis";

/**
 * The access log (issue #11) as both processes open it: the server counts reads into Redis and
 * answers the log, the worker flushes the counts to the database by key. A Redis failure is logged
 * and never fails the read it counts.
 */
export function openAccessLog(deps: {
  repositories: Pick<AccessLogDependencies, "accessLog" | "memberships" | "users">;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
  now: () => Date;
}) {
  return createAccessLogService({
    aggregator: createAccessAggregator(deps.redis, deps.redisPrefix),
    accessLog: deps.repositories.accessLog,
    memberships: deps.repositories.memberships,
    users: deps.repositories.users,
    now: deps.now,
    onError: (error) => deps.logger.warn("access log", { message: error instanceof Error ? error.message : String(error) }),
  });
}
