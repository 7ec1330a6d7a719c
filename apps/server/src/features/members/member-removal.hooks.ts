import type { MemberRemovalHooks } from "@kring/domain";
import type { Logger } from "@kring/logger";
import { subscribeCacheInvalidations, type CacheInvalidations } from "@kring/redis";
import type { Redis } from "ioredis";
import { circleRoom, teamRoom, userRoom } from "../../realtime/rooms";
import type { KringServer } from "../../realtime/socket-types";

/**
 * What a removal changes beyond the membership document (issue #11), on every server node and
 * worker at once:
 * - the member's sockets, wherever they are connected, get `circle:removed` and leave the circle's
 *   and team's rooms (the Redis adapter carries `socketsLeave` and the emit to every node), so no
 *   further message, alert or typing reaches them;
 * - `member:<c>:<u>` tells every server node to forget its cached membership check (2 minutes
 *   otherwise), and `circle:<c>` tells the page-path caches (server and worker) to re-read the
 *   circle's members, so ladders, unanswered fan-outs and digests skip them.
 * `later` runs after those (create-app.ts passes the visits service's `releaseMemberClaims`: their
 * claimed occurrences go back to open).
 * Failures are logged: the removal is stored, and a lost announcement is bounded by the caches' TTLs.
 */
export function createMemberRemovalHooks(deps: {
  io: () => KringServer;
  invalidations: CacheInvalidations;
  forgetHere: (circleId: string, userId: string) => void;
  logger: Logger;
  later?: MemberRemovalHooks;
}): MemberRemovalHooks {
  return {
    async memberRemoved(circleId, userId, membership) {
      deps.forgetHere(circleId, userId);
      const io = deps.io();
      try {
        io.to(userRoom(userId)).emit("circle:removed", { circleId });
        io.in(userRoom(userId)).socketsLeave([circleRoom(circleId), teamRoom(circleId)]);
      } catch (error) {
        deps.logger.warn("could not take a removed member's sockets out of the circle", { message: String(error) });
      }
      await Promise.all([
        deps.invalidations.publish("member", `${circleId}:${userId}`),
        deps.invalidations.publish("circle", circleId),
      ]).catch((error: unknown) =>
        deps.logger.warn("could not announce a removed member", { circleId, message: error instanceof Error ? error.message : String(error) }),
      );
      await deps.later?.memberRemoved(circleId, userId, membership).catch((error: unknown) => deps.logger.error("a member removal hook failed", error));
    },
  };
}

/**
 * Every server node forgets a membership removed on another node (its 2-minute cache of positive
 * checks). A gap in the subscription (Redis was away) clears that whole cache.
 */
export function listenForRemovedMembers(deps: {
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
  forget: (circleId: string, userId: string) => void;
  forgetAll: () => void;
}): { close: () => void } {
  const subscriber = deps.redis.duplicate({ maxRetriesPerRequest: null });
  subscriber.on("error", (error) => deps.logger.warn("membership invalidation connection error", { message: error.message }));
  subscribeCacheInvalidations(subscriber, deps.redisPrefix, {
    onChange(scope, id) {
      if (scope !== "member") return;
      const [circleId, userId] = id.split(":");
      if (circleId && userId) deps.forget(circleId, userId);
    },
    onGap: deps.forgetAll,
  }).catch((error: unknown) =>
    deps.logger.warn("could not subscribe to membership invalidations", { message: error instanceof Error ? error.message : String(error) }),
  );
  return { close: () => subscriber.disconnect() };
}
