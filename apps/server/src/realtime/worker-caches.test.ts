import { createLogger } from "@kring/logger";
import type { CacheInvalidations } from "@kring/redis";
import { withWorkerCacheInvalidation } from "./worker-caches";

// The page-path caches keep members, ladders and preferences for a day, trusting the version stamp
// that each announced change sets (packages/wiring page-path-caches.ts). A change whose announcement
// failed must therefore still be announced once Redis answers again: the wrapper retries it.

type Repositories = Parameters<typeof withWorkerCacheInvalidation>[0];

function storedRepositories(): Repositories {
  const ok = async () => undefined;
  return {
    memberships: { add: ok, remove: async () => true, reinstate: ok },
    escalations: { save: ok },
    preferences: { save: ok },
    pushSubscriptions: { save: ok },
  } as unknown as Repositories;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test("a change whose announcement failed is announced again in the background until Redis takes it", async () => {
  const announced: string[] = [];
  let failuresLeft = 2;
  const invalidations: CacheInvalidations = {
    async publish(scope, id) {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error("Connection is closed.");
      }
      announced.push(`${scope}:${id}`);
    },
  };
  const repositories = withWorkerCacheInvalidation(storedRepositories(), invalidations, createLogger({ level: "silent" }));

  // The change itself succeeds at once: the caller is not failed for a lost announcement.
  await expect(repositories.escalations.save({ circleId: "c1", responders: ["u1"], stepSeconds: 60 })).resolves.toBeUndefined();
  expect(announced).toEqual([]);
  await jest.advanceTimersByTimeAsync(2_000);
  expect(announced).toEqual([]);
  await jest.advanceTimersByTimeAsync(4_000);
  expect(announced).toEqual(["circle:c1"]);
});

test("removing and reinstating a member announce the circle's change", async () => {
  const announced: string[] = [];
  const invalidations: CacheInvalidations = { publish: async (scope, id) => void announced.push(`${scope}:${id}`) };
  const repositories = withWorkerCacheInvalidation(storedRepositories(), invalidations, createLogger({ level: "silent" }));
  await repositories.memberships.remove("c1", "u1");
  await repositories.memberships.reinstate({ circleId: "c2", userId: "u1", role: "coordinator", joinedAt: new Date() });
  expect(announced).toEqual(["circle:c1", "circle:c2"]);
});
